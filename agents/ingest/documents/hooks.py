"""Registers the legacy-document pages in the Wagtail admin (imported from `agents/wagtail_hooks.py`)."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ingest.documents.services import can_review_documents

from . import views as admin_views


@hooks.register("register_admin_urls")
def register_document_urls():
    return [
        path("documents-historiques/", admin_views.documents, name="documents_import_documents"),
        path(
            "documents-historiques/<int:pk>/fichier/", admin_views.download, name="documents_import_download"
        ),
        path(
            "documents-historiques/<int:pk>/confirmer/", admin_views.confirm, name="documents_import_confirm"
        ),
        path(
            "documents-historiques/<int:pk>/corriger/", admin_views.correct, name="documents_import_correct"
        ),
        path("documents-historiques/imports/", admin_views.runs, name="documents_import_runs"),
        path("documents-historiques/imports/nouveau/", admin_views.upload, name="documents_import_upload"),
        path("documents-historiques/imports/<int:pk>/", admin_views.run_detail, name="documents_import_run"),
    ]


class DocumentsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_review_documents(request.user)


@hooks.register("register_admin_menu_item")
def register_documents_menu_item():
    return DocumentsMenuItem(
        _("Documents historiques"), reverse("documents_import_documents"), icon_name="doc-full", order=910
    )
