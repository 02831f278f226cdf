"""The client's address as the platform sees it, through a configured number of trusted proxies.

With `TRUSTED_PROXY_COUNT=0` (the default) the address is `REMOTE_ADDR`: a forged
`X-Forwarded-For` changes nothing. Behind N proxies that each append the address they saw, the
client is the N-th entry from the right of `X-Forwarded-For` (what a client writes further left
is ignored). django-axes, DRF's throttles (`NUM_PROXIES`) and the export and password-reset
limits all use this same reading.
"""

from __future__ import annotations

from django.conf import settings


def client_address(request) -> str:
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    return forwarded[-min(count, len(forwarded))]
