from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgentsConfig(AppConfig):
    """The DGOS agents' Wagtail admin: desk, portfolio snippets, import screens."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "agents"
    verbose_name = _("Espace des agents")

    def ready(self) -> None:
        from agents import links
        from fileformats.spreadsheet_export import make_wagtail_exports_formula_safe

        # Wagtail's own admin exports (site history, aging pages, redirects) through our writer.
        make_wagtail_exports_formula_safe()
        links.register()
