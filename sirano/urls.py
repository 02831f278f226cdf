"""URL map. Each area owns its module; Wagtail's page serving comes last."""

from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from agents.logout import AdminLogoutView
from content.directory.sitemaps import ProjectSitemap
from content.sitemaps import PageSitemap
from sirano.views import favicon, robots_txt

urlpatterns = [
    # Before Wagtail's: a logout that never leaves a valid session behind a deleted cookie.
    path("admin/logout/", AdminLogoutView.as_view()),
    path("admin/", include("agents.two_factor_urls")),  # before Wagtail's: no admin permission needed
    path("admin/", include(wagtailadmin_urls)),
    path("portail/", include("portal.urls")),
    path("proconnect/", include("web.proconnect")),
    path("api/v1/", include("opendata.api.urls")),
    path("donnees/", include("opendata.urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("projets/", include("content.directory.urls")),
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", favicon, name="favicon"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"pages": PageSitemap, "projets": ProjectSitemap}},
        name="sitemap",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
