"""Every public project page in /sitemap.xml, next to the Wagtail pages."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap

from web.absolute_urls import SiteUrlSitemap
from workflows.models import Project


class ProjectSitemap(SiteUrlSitemap, Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Project.objects.public().order_by("public_id").values_list("public_id", flat=True)

    def location(self, item: str) -> str:
        from content.directory.views import project_url

        return project_url(item)
