"""Anonymous directory and project pages, rendered once per data version and revalidated by ETag.

Every anonymous visitor sees the same page for the same address until the portfolio changes,
so rendering it again (facet counts, templates: 80–300 ms) is waste. The rendered body is kept
under the data version and the full path (`web.page_store`: the shared cache, and a copy in the
worker's memory, so a repeated visit costs one query); the ETag is the body's hash, so a client
or a reverse proxy that sends `If-None-Match` gets a 304 without a render. Editorial changes
(a Wagtail page published or unpublished around the directory) move the content version, which
the keys carry too. A page is rendered and stored under its canonical query (the parameters the
view reads, sorted): a crawler's junk parameters add no entry.

A project's page is stored under its address and checked against the versions it depends on
(`workflows.data_version.project_page_keys`, its neighbours', the content version): a write to
another project leaves it stored.

Signed-in visitors (their tier may show more, the header names them) and requests carrying a
session or a flash message are never served from, nor stored in, this cache; their responses
say `private`.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils.cache import patch_cache_control

from web import page_store

#: seconds a page keyed by the whole portfolio's data version (directory pages) may stay stored
MAX_AGE = 300
#: seconds a page that names its own versions (a project's page, checked against them on every
#: hit, so never stale) may stay stored: as long as nothing it shows changes, within a day
DEPENDENT_MAX_AGE = 24 * 3600
#: seconds a browser or proxy may reuse a page without asking again
CLIENT_MAX_AGE = 60


def _anonymous(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cached_public_page(view=None, *, parameters: frozenset[str] = frozenset(), versions=None):
    """Serve `view` to anonymous visitors from the per-version store, with ETag revalidation;
    `parameters`: the query parameters the view reads (any other is dropped before it runs);
    `versions(**kwargs)`: the domain's version keys the page depends on instead of the whole
    portfolio's data version (the view may add more with `page_store.depends_on`)."""
    if view is None:
        return functools.partial(cached_public_page, parameters=parameters, versions=versions)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _anonymous(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            return response
        query = page_store.canonical_query(request, parameters)
        if versions is None:
            key = page_store.key_for("public-page", request.path, query, editorial=True)
        else:
            key = page_store.address_key("public-page", request.path, query)
        answer = page_store.get(key)
        if answer is None:
            depends = None
            if versions is None:
                response = view(request, *args, **kwargs)
            else:
                with page_store.render_under(versions(**kwargs)) as depends:
                    response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            answer = page_store.Answer.of(response.content, response["Content-Type"], depends=depends)
            page_store.put(
                key, answer, timeout=MAX_AGE if versions is None else DEPENDENT_MAX_AGE, once_sent=response
            )
            return page_store.mark_public(response, answer.etag, max_age=CLIENT_MAX_AGE)
        return page_store.public_response(request, answer, max_age=CLIENT_MAX_AGE)

    return wrapped
