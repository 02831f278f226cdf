from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

from web import page_store


class ContentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "content"
    verbose_name = _("Contenus éditoriaux")

    def ready(self) -> None:
        from content import moderation
        from content.directory import links
        from content.models import SiteIdentity

        links.register()
        # `workflows` comes first in INSTALLED_APPS: its handler has created every permission by then.
        post_migrate.connect(moderation.ensure_moderation, sender=self)
        # The site identity (titles, footer, banner) is on every page: saving it is an editorial
        # change, like a publish, for every stored page (web.page_store).
        post_save.connect(_identity_saved, sender=SiteIdentity, dispatch_uid="content-identity-saved")
        post_delete.connect(
            page_store.editorial_change, sender=SiteIdentity, dispatch_uid="content-identity-deleted"
        )


def _identity_saved(sender, created=False, **kwargs) -> None:
    """Not on creation: `SiteIdentity.for_site` creates the row with the defaults that pages
    rendered before it already show."""
    if not created:
        page_store.editorial_change()
