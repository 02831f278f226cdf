"""Admin wiring of the reports area: the DGOS dashboard URL and its menu item (agents only)."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from workflows.roles import is_dgos_agent

from . import views


@hooks.register("register_admin_urls")
def register_dashboard_urls():
    return [
        path("indicateurs/", views.dashboard, name="reports_dashboard"),
        path(
            "indicateurs/<slug:key>/<str:file_format>/", views.dashboard_file, name="reports_dashboard_file"
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
