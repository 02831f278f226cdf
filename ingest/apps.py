from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestConfig(AppConfig):
    """Imports of projects and legacy documents (commands `import_projects`, `import_documents`)."""

    name = "ingest"
    verbose_name = _("Imports")
