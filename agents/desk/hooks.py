"""Registers the agents' desk with Wagtail (imported by agents/wagtail_hooks.py)."""

from django.templatetags.static import static
from django.urls import include, path
from django.utils.html import format_html
from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from agents.desk import home
from agents.desk.admin import AgentsDeskGroup

modeladmin_register(AgentsDeskGroup)


@hooks.register("register_admin_urls")
def register_desk_urls():
    return [path("bureau/", include("agents.desk.urls", namespace="workflows_desk"))]


@hooks.register("insert_global_admin_css")
def desk_css():
    return format_html('<link rel="stylesheet" href="{}">', static("agents/desk.css"))


hooks.register("construct_homepage_panels", home.construct_homepage_panels)
