"""Absolute addresses built from `settings.SITE_URL`, never from the request.

A client chooses its `Host` and `X-Forwarded-Proto`; these links go into sitemaps, e-mails and
stored pages that other people read, so they must not depend on who asked first.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def site_root() -> str:
    """`SITE_URL` without its trailing slash: `https://sirano.sante.gouv.fr`."""
    return settings.SITE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """A root-relative path (`/projets/…`) on the public site; absolute URLs (a bucket's) are kept."""
    if urlsplit(path).scheme:
        return path
    return site_root() + path


def page_absolute_url(page) -> str:
    """A Wagtail page's address on the public site (Wagtail's own comes from its `Site` record)."""
    parts = page.get_url_parts()
    return absolute_url(parts[2]) if parts else ""


def rebased(url: str) -> str:
    """The same path and query on the public site, whatever host `url` was built with."""
    parts = urlsplit(url)
    return site_root() + parts.path + (f"?{parts.query}" if parts.query else "")


class SiteUrlSitemap:
    """Sitemap mixin: `<loc>` on `SITE_URL`, not on the requesting host."""

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(site_root()).netloc + urlsplit(site_root()).path
