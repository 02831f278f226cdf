"""Two-factor policy (django-otp TOTP + static recovery codes) and its enforcement middleware.

Whoever can reach the Wagtail admin (DGOS agents, administrators, editors, moderators, staff,
superusers) must enrol and verify a second factor; an establishment member may enrol, and once enrolled
must verify too. The policy is code, not a setting: production cannot switch it off by configuration.
It is decided on every request from the user's current roles (a member promoted to agent from another
window needs the second factor on the very next page), and only for sessions not yet verified.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from workflows import links
from workflows.roles import Role

#: Roles whose holders must use a second factor (everyone else may).
MANDATORY_ROLES = (Role.INSTRUCTING_AGENT, Role.BUDGET_AGENT, Role.ADMINISTRATOR, Role.EDITOR, Role.MODERATOR)
RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Codes de secours"


def two_factor_mandatory(user: AbstractBaseUser) -> bool:
    if user.is_superuser or user.is_staff:
        return True
    return user.groups.filter(name__in=MANDATORY_ROLES).exists() or user.has_perm("wagtailadmin.access_admin")


#: (verification, enrolment) pages of each face, as their faces hand them down (workflows.links):
#: the agents' admin look for whoever must use a second factor because of the admin, the
#: establishments' portal for the others
AGENTS_PAGES = ("agents_two_factor_verify", "agents_two_factor_enrol")
PORTAL_PAGES = ("two_factor_verify", "two_factor_enrol")


def two_factor_pages(user: AbstractBaseUser) -> tuple[str, str]:
    return AGENTS_PAGES if two_factor_mandatory(user) else PORTAL_PAGES


def second_factor_needed(user: AbstractBaseUser) -> bool:
    """From the user's roles and devices as they are now (the user row is read on every request)."""
    return two_factor_mandatory(user) or user_has_device(user, confirmed=True)


def new_recovery_codes(*, user) -> list[str]:
    """Replace the user's recovery codes with fresh single-use ones and return them (shown once)."""
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


class RequireTwoFactorMiddleware:
    """After django-otp's OTPMiddleware: an unverified session that needs a second factor is sent to
    verification (or to enrolment when it has no device yet) before any other page, admin included."""

    #: the pages a session reaches before its second factor, handed down by their faces
    #: (workflows.links), and what the admin's look of the agents' pages loads (translations, icons)
    EXEMPT_LINKS = (*PORTAL_PAGES, *AGENTS_PAGES, "sign_out")
    EXEMPT_URL_NAMES = ("wagtailadmin_javascript_catalog", "wagtailadmin_sprite", "wagtailadmin_logout")

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def exempt_paths(self) -> tuple[str, ...]:
        if self._exempt is None:
            self._exempt = (
                *(links.path(name) for name in self.EXEMPT_LINKS),
                *(reverse(name) for name in self.EXEMPT_URL_NAMES),
                settings.STATIC_URL,
                settings.MEDIA_URL,
            )
        return self._exempt

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(self.exempt_paths())
            and second_factor_needed(user)
        ):
            verify, enrol = two_factor_pages(user)
            target = links.path(verify if user_has_device(user) else enrol)
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
