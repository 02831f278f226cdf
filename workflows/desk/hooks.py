"""Registers the agents' desk with Wagtail (imported by workflows/wagtail_hooks.py)."""

from django.urls import include, path
from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from workflows.desk.admin import AgentsDeskGroup

modeladmin_register(AgentsDeskGroup)


@hooks.register("register_admin_urls")
def register_desk_urls():
    return [path("bureau/", include("workflows.desk.urls", namespace="workflows_desk"))]
