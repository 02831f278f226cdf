"""`/healthz` and `/readyz`, for load balancers and process supervisors.

Answered before every other middleware: a probe comes by address and over plain HTTP, so neither
the host check nor the HTTPS redirect may refuse it, and it needs no session. `/healthz` says the
process answers (no database); `/readyz` that the database, every cache and the file storage do.
A failure is named, never described: an error message can carry a DSN or a password.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)


def _database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def _caches() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    for alias in settings.CACHES:
        cache = caches[alias]
        cache.set(key, "1", 10)
        if cache.get(key) != "1":
            raise LookupError(f"cache {alias} did not return what was written")
        cache.delete(key)


def _storage() -> None:
    """A write and a delete: a bucket that lists but refuses writes is not ready."""
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)


CHECKS: dict[str, Callable[[], None]] = {"database": _database, "cache": _caches, "storage": _storage}


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def healthz() -> HttpResponse:
    return _no_store(JsonResponse({"status": "ok"}))


def readyz() -> HttpResponse:
    checks = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure makes the instance unready; the type is enough
            logger.error("readyz: %s unavailable (%s)", name, type(error).__name__)
            checks[name] = "error"
        else:
            checks[name] = "ok"
    ready = all(state == "ok" for state in checks.values())
    body = {"status": "ok" if ready else "error", "checks": checks}
    return _no_store(JsonResponse(body, status=200 if ready else 503))


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    """First in `MIDDLEWARE`: the probes answer before the host and HTTPS checks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info.rstrip("/") or "/")
        if probe is None:
            return self.get_response(request)
        return probe()
