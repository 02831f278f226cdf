"""One log line per request (method, path, status, duration, request id, user id) and the
`X-Request-ID` header, taken from the proxy when it is sane, else generated.

The query string is not logged (tokens, e-mail addresses). The user id is logged when the view
already loaded the user: reading it here would cost a session query on every anonymous page.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from workflows.log_context import bound_request_id, new_request_id

logger = logging.getLogger("sirano.requests")
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
HEADER = "X-Request-ID"


def request_id_of(request: HttpRequest) -> str:
    sent = request.headers.get(HEADER, "")
    return sent if SANE_ID.fullmatch(sent) else new_request_id()


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "_cached_user", None)  # set once AuthenticationMiddleware's user was read
    return user.pk if user is not None and user.is_authenticated else None


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        with bound_request_id(request_id_of(request)) as request_id:
            request.request_id = request_id
            response = self.get_response(request)
            response[HEADER] = request_id
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "user_id": _user_id(request),
                },
            )
        return response
