from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "content"
    verbose_name = _("Contenus éditoriaux")

    def ready(self) -> None:
        from content import moderation
        from content.directory import links

        links.register()
        # `workflows` comes first in INSTALLED_APPS: its handler has created every permission by then.
        post_migrate.connect(moderation.ensure_moderation, sender=self)
