"""Site-wide resources that are not pages: `/robots.txt`, `/favicon.ico`."""

from __future__ import annotations

from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from web.absolute_urls import absolute_url

#: Areas behind a login, and per-query CSV exports that robots would download endlessly.
DISALLOWED = ("/admin/", "/portail/", "/projets/resultats.csv", "/api/v1/docs/")


@require_GET
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    """Public pages and open data are open to robots; signed-in areas are not; the sitemap is named
    at `SITE_URL`."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), "Allow: /"]
    lines.append(f"Sitemap: {absolute_url(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


#: The DSFR's icon, which pages name in their <head>; a file opened on its own (an SVG chart, a
#: CSV) has no <head>, and browsers then ask for /favicon.ico.
FAVICON = "dsfr/dist/favicon/favicon.ico"


@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request):
    return HttpResponsePermanentRedirect(staticfiles_storage.url(FAVICON))
