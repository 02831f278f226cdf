from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflows"
    verbose_name = _("Projets et financements")

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from workflows import roles
        from workflows.data_version import watch_connection
        from workflows.search import index

        post_migrate.connect(roles.sync_role_groups, sender=self)
        index.connect_signals()
        # Every committed write to a domain table moves the data version (workflows.data_version).
        connection_created.connect(watch_connection, dispatch_uid="workflows-data-version")
        for connection in connections.all(initialized_only=True):
            watch_connection(connection=connection)
