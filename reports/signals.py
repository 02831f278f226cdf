"""Records whose change alters a figure; each save or delete bumps the data version."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from .cache import bump_data_version

WATCHED = [
    "workflows.TrancheRequest",
    "workflows.AuditEvent",
    "workflows.Delegation",
    "workflows.Project",
    "workflows.ProjectMilestone",
    "workflows.Establishment",
]


def connect() -> None:
    from django.apps import apps

    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(bump_data_version, sender=model, dispatch_uid=f"reports-bump-save-{label}")
        post_delete.connect(bump_data_version, sender=model, dispatch_uid=f"reports-bump-delete-{label}")
