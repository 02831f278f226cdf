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

        from dbtools.bulk import rows_copied
        from workflows import roles
        from workflows.data_version import bump_after_copy, watch_connection

        post_migrate.connect(roles.sync_role_groups, sender=self)
        # Every committed write to a domain table moves the data version (workflows.data_version).
        connection_created.connect(watch_connection, dispatch_uid="workflows-data-version")
        rows_copied.connect(bump_after_copy, dispatch_uid="workflows-data-version-copy")
        for connection in connections.all(initialized_only=True):
            watch_connection(connection=connection)
