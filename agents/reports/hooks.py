"""Admin wiring of the indicators area (agents only): the DGOS dashboard, and « Publications et
rapports » (open-data releases and indicator reports run in the background), with their menu items."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from agents.reports import job_views, views
from workflows.roles import is_dgos_agent


@hooks.register("register_admin_urls")
def register_dashboard_urls():
    return [
        path("indicateurs/", views.dashboard, name="reports_dashboard"),
        path(
            "indicateurs/<slug:key>/<str:file_format>/", views.dashboard_file, name="reports_dashboard_file"
        ),
        path("publications/", job_views.job_list, name="reports_jobs"),
        path("publications/donnees-ouvertes/", job_views.release_form, name="reports_job_release"),
        path("publications/rapport/", job_views.report_form, name="reports_job_report"),
        path("publications/<int:pk>/", job_views.job_detail, name="reports_job_detail"),
        path("publications/<int:pk>/progression/", job_views.job_progress, name="reports_job_progress"),
        path(
            "publications/<int:pk>/telecharger/<str:file_format>/",
            job_views.job_file,
            name="reports_job_file",
        ),
    ]


class AgentsOnlyMenuItem(MenuItem):
    def is_shown(self, request):
        return is_dgos_agent(request.user)


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    return AgentsOnlyMenuItem(
        _("Indicateurs"), reverse("reports_dashboard"), icon_name="table", order=250, name="indicateurs-dgos"
    )


@hooks.register("register_admin_menu_item")
def register_jobs_menu_item():
    return AgentsOnlyMenuItem(
        _("Publications et rapports"),
        reverse("reports_jobs"),
        icon_name="download",
        order=251,
        name="publications-et-rapports",
    )
