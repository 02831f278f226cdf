"""`Authorization: Token <key>` checked against hashed API tokens, refusing expired and revoked
ones with a message that says which (code `token_expired` / `token_revoked`)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from opendata.api.tokens import digest_of, record_use
from opendata.models import ApiToken


class TokenRefused(exceptions.AuthenticationFailed):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.error_code = code


class HashedTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=digest_of(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Jeton d'API inconnu."))
        if token.revoked_at is not None:
            raise TokenRefused(
                _("Jeton d'API révoqué le %(date)s : demandez-en un nouveau.")
                % {"date": date_format(timezone.localtime(token.revoked_at), "SHORT_DATETIME_FORMAT")},
                "token_revoked",
            )
        if token.expires_at <= timezone.now():
            raise TokenRefused(
                _("Jeton d'API expiré depuis le %(date)s : demandez-en un nouveau.")
                % {"date": date_format(timezone.localtime(token.expires_at), "SHORT_DATETIME_FORMAT")},
                "token_expired",
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Compte désactivé."))
        record_use(token)
        return token.user, token
