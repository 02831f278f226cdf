"""Registers the import pages in the Wagtail admin (imported from `agents/wagtail_hooks.py`)."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ingest.projects.services import can_import_projects

from . import views as admin_views


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path("imports/", admin_views.import_history, name="ingest_import_history"),
        path("imports/nouveau/", admin_views.import_upload, name="ingest_import_upload"),
        path("imports/<int:pk>/", admin_views.import_detail, name="ingest_import_detail"),
        path("imports/<int:pk>/confirmer/", admin_views.import_confirm, name="ingest_import_confirm"),
        path("imports/<int:pk>/progression/", admin_views.import_progress, name="ingest_import_progress"),
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import_projects(request.user)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        _("Imports de projets"), reverse("ingest_import_history"), icon_name="upload", order=900
    )
