from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgentsConfig(AppConfig):
    """The DGOS agents' Wagtail admin: desk, portfolio snippets, import screens."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "agents"
    verbose_name = _("Espace des agents")
