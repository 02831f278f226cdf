"""Registers the agents' desk with Wagtail (imported by workflows/wagtail_hooks.py)."""

from django.templatetags.static import static
from django.urls import include, path
from django.utils.html import format_html
from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from workflows.desk import home
from workflows.desk.admin import AgentsDeskGroup

modeladmin_register(AgentsDeskGroup)


@hooks.register("register_admin_urls")
def register_desk_urls():
    return [path("bureau/", include("workflows.desk.urls", namespace="workflows_desk"))]


@hooks.register("insert_global_admin_css")
def desk_css():
    return format_html('<link rel="stylesheet" href="{}">', static("workflows/desk.css"))


hooks.register("construct_homepage_panels", home.construct_homepage_panels)
