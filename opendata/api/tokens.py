"""API tokens: issued, rotated and revoked only here. A token is `sirano_` + 43 random characters;
the database keeps its SHA-256 digest (a high-entropy secret needs no slow hash), never the key."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from formatting import format_date
from opendata.models import ApiToken
from workflows.models import AuditEvent

KEY_PREFIX = "sirano_"


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_api_token(*, user, actor=None, lifetime: datetime.timedelta | None = None) -> tuple[ApiToken, str]:
    """Create a token for `user` and return it with its plain key (the only time it exists)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    lifetime = lifetime or datetime.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            prefix=key[: len(KEY_PREFIX) + 6],
            digest=digest_of(key),
            created_at=now,
            expires_at=now + lifetime,
        )
        AuditEvent.objects.create(
            actor=actor,
            action="issue_api_token",
            comment=f"Jeton d'API {token.prefix}… de {user.username}, valable jusqu'au {format_date(token.expires_at)}.",
            created_at=now,
        )
    return token, key


def revoke_api_tokens(*, user, actor=None) -> int:
    """Revoke every active token of `user`; a revoked token stays on record and is refused with a reason."""
    now = timezone.now()
    with transaction.atomic():
        tokens = list(ApiToken.objects.select_for_update().active(now).filter(user=user))
        for token in tokens:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            AuditEvent.objects.create(
                actor=actor,
                action="revoke_api_token",
                comment=f"Jeton d'API {token.prefix}… de {user.username} révoqué.",
                created_at=now,
            )
    return len(tokens)


def record_use(token: ApiToken) -> None:
    """Note the last use at most once an hour (no write on every request)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(hours=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
