"""Every public project page in /sitemap.xml, next to the Wagtail pages, with its last change.

Addresses come from `settings.SITE_URL`, never from the request's host: several hosts serve
one site and a search engine must see one canonical address per page.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap

from web.absolute_urls import SiteUrlSitemap
from workflows import selectors


class ProjectSitemap(SiteUrlSitemap, Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return selectors.public_projects_last_changed()

    def location(self, item) -> str:
        from content.directory.views import project_url

        return project_url(item[0])

    def lastmod(self, item):
        return item[1]
