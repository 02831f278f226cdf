from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Realistic demo data for `make demo` and the tests: portfolio, users, public site, indicators."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = _("Données de démonstration")
