from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """The project search: its index follows every save of what a document is made of."""

    name = "search"
    verbose_name = _("Recherche des projets")

    def ready(self) -> None:
        from search import index

        index.connect_signals()
