"""Sign-in with ProConnect (OpenID Connect, mozilla-django-oidc). Accounts are matched by e-mail to
existing active users; ProConnect never creates an account nor grants a role. It replaces the password,
not the second factor: agents still verify their TOTP code after coming back."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

logger = logging.getLogger(__name__)


class ProConnectBackend(OIDCAuthenticationBackend):
    def get_payload_data(self, token, key):
        """Signature and expiry (library), then audience and issuer, which the library leaves unchecked."""
        payload = super().get_payload_data(token, key)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences or payload.get("iss") != settings.PROCONNECT_ISSUER:
            raise SuspiciousOperation("ProConnect token for another audience or issuer.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The userinfo answer must be about the ID token's subject (OpenID Connect Core 5.3.2)."""
        user_info = super().get_userinfo(access_token, id_token, payload)
        if not user_info.get("sub") or user_info.get("sub") != payload.get("sub"):
            # The library swallows this exception (no user): the view is told to say why.
            self.request.proconnect_answer_refused = True
            raise SuspiciousOperation("ProConnect userinfo for another subject than the ID token's.")
        return user_info

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("email")) and bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims):  # pragma: no cover - OIDC_CREATE_USER is False
        return None


class EnabledOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not settings.PROCONNECT_ENABLED:
            raise Http404(_("La connexion ProConnect n'est pas configurée."))
        return super().dispatch(request, *args, **kwargs)


class ProConnectRequestView(EnabledOnlyMixin, OIDCAuthenticationRequestView):
    """Redirects to ProConnect with state, nonce and PKCE."""


class ProConnectCallbackView(EnabledOnlyMixin, OIDCAuthenticationCallbackView):
    failure_message = _lazy(
        "La connexion ProConnect n'a pas abouti : aucun compte SIRANo actif n'est associé à cette "
        "adresse électronique. Demandez à votre administrateur de créer votre compte."
    )

    refused_message = _lazy("La réponse de ProConnect n'a pas pu être vérifiée ; réessayez.")

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as exc:
            # A forged, replayed or misaddressed answer: refused like an unknown account, and logged.
            logger.warning("ProConnect answer refused: %s", exc)
            self.failure_message = self.refused_message
            return self.login_failure()

    def login_failure(self):
        if getattr(self.request, "proconnect_answer_refused", False):
            logger.warning("ProConnect answer refused: userinfo for another subject than the ID token's")
            self.failure_message = self.refused_message
        messages.error(self.request, self.failure_message)
        return super().login_failure()


urlpatterns = [
    path("connexion/", ProConnectRequestView.as_view(), name="oidc_authentication_init"),
    path("retour/", ProConnectCallbackView.as_view(), name="oidc_authentication_callback"),
]
