"""The agents' guide: the admin's « Aide » menu opens a French page written for DGOS agents
instead of Wagtail's English editor guide and release notes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

#: Wagtail's own help items, which open English pages on wagtail.org
WAGTAIL_HELP_ITEMS = {"editor-guide", "whats-new-in-wagtail"}


@login_required
def agents_guide(request):
    return render(request, "agents/guide.html")


@hooks.register("register_admin_urls")
def register_guide_url():
    return [path("guide/", agents_guide, name="agents_guide")]


@hooks.register("register_help_menu_item")
def register_guide_menu_item():
    return MenuItem(
        _("Guide des agents"), reverse("agents_guide"), icon_name="help", order=100, name="guide-agents"
    )


@hooks.register("construct_help_menu")
def keep_french_help_only(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(tuple(WAGTAIL_HELP_ITEMS))]
