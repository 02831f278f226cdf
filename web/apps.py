from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """HTTP plumbing every face shares: client address, rate limits, sign-in security, file exports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "web"
    verbose_name = _("Sécurité et échanges HTTP")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        # Connects the sign-in receiver that stamps sessions (before the first request).
        from web import page_store, session_timeouts  # noqa: F401
        from workflows.log_context import install_record_factory

        install_record_factory()  # log lines keep their request id (web/json_logs.py)
        # Stored public pages that embed editorial text follow a publish (web.page_store).
        page_published.connect(page_store.editorial_change, dispatch_uid="web-pages-published")
        page_unpublished.connect(page_store.editorial_change, dispatch_uid="web-pages-unpublished")
        # A moved page changes its address in menus and links; a site, every root path.
        post_page_move.connect(page_store.editorial_change, dispatch_uid="web-pages-moved")
        post_save.connect(page_store.editorial_change, sender=Site, dispatch_uid="web-site-saved")
        post_delete.connect(page_store.editorial_change, sender=Site, dispatch_uid="web-site-deleted")
