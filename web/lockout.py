"""django-axes' lockout answer with `Retry-After`: the same French page and status, plus the time
after which the pair (user, address) may try again (the cool-off, counted from the last failure)."""

from __future__ import annotations

from axes.conf import settings
from axes.helpers import get_client_username, get_cool_off, get_cool_off_iso8601, get_failure_limit
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
    }
    cool_off = get_cool_off(request)
    if cool_off:
        context.update({"cooloff_time": get_cool_off_iso8601(cool_off), "cooloff_timedelta": cool_off})
    response = render(
        request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
