"""Registers the agents' desk with Wagtail (imported by agents/wagtail_hooks.py)."""

from django.urls import include, path
from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from agents.desk.admin import AgentsDeskGroup

modeladmin_register(AgentsDeskGroup)


@hooks.register("register_admin_urls")
def register_desk_urls():
    return [path("bureau/", include("agents.desk.urls", namespace="workflows_desk"))]
