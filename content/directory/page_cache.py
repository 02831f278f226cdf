"""Anonymous directory and project pages, rendered once per data version and revalidated by ETag.

Every anonymous visitor sees the same page for the same address until the portfolio changes,
so rendering it again (facet counts, templates: 80–300 ms) is waste. The rendered body is kept
in the shared cache under the data version (`workflows.data_version`, moved after each committed
write) and the full path; the ETag is the body's hash, so a client or a reverse proxy that
sends `If-None-Match` gets a 304 without a render. Editorial changes (Wagtail pages around the
directory) do not move the data version: an entry lives at most `MAX_AGE` seconds.

Signed-in visitors (their tier may show more, the header names them) and requests carrying a
session or a flash message are never served from, nor stored in, this cache; their responses
say `private`.
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags, quote_etag

from workflows.data_version import data_version

#: seconds an entry (and a shared cache's copy) may live without the data version moving
MAX_AGE = 300
#: seconds a browser or proxy may reuse a page without asking again
CLIENT_MAX_AGE = 60


def _anonymous(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _key(request) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:40]
    return f"public-page:{data_version()}:{digest}"


def _public(response, etag: str):
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=CLIENT_MAX_AGE)
    patch_vary_headers(response, ("Cookie",))
    return response


def cached_public_page(view):
    """Serve `view` to anonymous visitors from the per-version cache, with ETag revalidation."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _anonymous(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            return response
        key = _key(request)
        entry = cache.get(key)
        if entry is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            body = response.content
            etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
            cache.set(key, {"body": body, "type": response["Content-Type"], "etag": etag}, timeout=MAX_AGE)
            return _public(response, etag)
        if entry["etag"] in parse_etags(request.headers.get("If-None-Match", "")):
            return _public(HttpResponseNotModified(), entry["etag"])
        return _public(HttpResponse(entry["body"], content_type=entry["type"]), entry["etag"])

    return wrapped
