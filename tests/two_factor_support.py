"""Test-only: sessions count as verified by a second factor, so the suite's `force_login` and form
sign-ins keep working. Installed by tests/conftest.py, never by sirano/settings.py; the tests of
tests/security/test_two_factor.py remove it (fixture `strict_two_factor`) and prove the real policy."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

PATH = "tests.two_factor_support.TrustSessionsInTestsMiddleware"


class TrustSessionsInTestsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        original = request.user

        def verified_user():
            if original.is_authenticated:  # still lazy until a view asks: no extra query
                original.is_verified = lambda: True
            return original

        request.user = SimpleLazyObject(verified_user)
        return self.get_response(request)


def with_trusted_sessions(middleware: list[str]) -> list[str]:
    position = middleware.index("django_otp.middleware.OTPMiddleware") + 1
    return [*middleware[:position], PATH, *middleware[position:]]
