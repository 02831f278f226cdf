from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """Open data: the REST API, its tokens, and the bulk files (releases, compatible CSV)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "opendata"
    verbose_name = _("Données ouvertes et API")
