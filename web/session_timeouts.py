"""Signed-in sessions end after 30 minutes without a request or 8 hours after sign-in.

The same rule holds for DGOS agents, administrators, editors and establishment members: one
rule, and establishment members handle the same kind of data. Times are stored in the session
(`SESSION_IDLE_TIMEOUT`, `SESSION_ABSOLUTE_TIMEOUT` seconds); the last-seen time is written at
most once a minute so ordinary browsing does not rewrite the session on every request.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import gettext as _

SIGNED_IN_AT = "sirano_signed_in_at"
SEEN_AT = "sirano_seen_at"
SEEN_RESOLUTION = 60


@receiver(user_logged_in)
def _stamp_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[SEEN_AT] = now


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware: signs out expired sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        session = request.session
        now = int(time.time())
        signed_in = session.get(SIGNED_IN_AT)
        seen = session.get(SEEN_AT)
        if signed_in is None or seen is None:
            # A session from before this rule (or from force_login): start counting now.
            session[SIGNED_IN_AT] = signed_in or now
            session[SEEN_AT] = now
            return
        idle = now - seen > settings.SESSION_IDLE_TIMEOUT
        too_old = now - signed_in > settings.SESSION_ABSOLUTE_TIMEOUT
        if idle or too_old:
            logout(request)
            messages.info(
                request,
                _(
                    "Votre session a expiré après %(minutes)s minutes sans activité. "
                    "Reconnectez-vous pour continuer."
                )
                % {"minutes": settings.SESSION_IDLE_TIMEOUT // 60}
                if idle
                else _(
                    "Votre session a expiré (%(hours)s heures après la connexion). "
                    "Reconnectez-vous pour continuer."
                )
                % {"hours": settings.SESSION_ABSOLUTE_TIMEOUT // 3600},
            )
            return
        if now - seen >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
