"""/sitemap.xml: Wagtail pages and public project pages, every address on `SITE_URL`."""

from __future__ import annotations

from wagtail.contrib.sitemaps import Sitemap

from web.absolute_urls import rebased


class PageSitemap(Sitemap):
    """Wagtail builds each page's address from its `Site` record (`http://localhost` by default)."""

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            url["location"] = rebased(url["location"])
        return urls
