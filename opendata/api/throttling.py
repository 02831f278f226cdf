"""API throttles whose rates are read at request time (settings can change in tests).

Clients are told apart by `web.client_address` (the configured proxy count), so a new
`X-Forwarded-For` per request does not make a new client. Signed-in sessions and tokens have
their own, higher limit per user.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from web.client_address import client_address


class _RateAtRequestTime:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_address(request)


class AnonymousThrottle(_RateAtRequestTime, AnonRateThrottle):
    """Per-address limit for anonymous clients; signed-in users are limited by `SignedInThrottle`."""


class SignedInThrottle(_RateAtRequestTime, UserRateThrottle):
    """Per-user limit for sessions and tokens (`API_USER_RATE`); anonymous clients are not counted here."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
