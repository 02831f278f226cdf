from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """Open data: the REST API, its tokens, the bulk files (releases, the ministry's compatible CSV)
    and their commands (`export_opendata`, `publish_release`)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "opendata"
    verbose_name = _("Données ouvertes et API")

    def ready(self) -> None:
        from opendata import release_jobs

        release_jobs.register()
