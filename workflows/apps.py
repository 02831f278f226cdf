from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflows"
    verbose_name = _("Projets et financements")

    def ready(self) -> None:
        from workflows import roles
        from workflows.search import index

        post_migrate.connect(roles.sync_role_groups, sender=self)
        index.connect_signals()
