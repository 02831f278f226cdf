"""Records whose change alters a figure: a save or delete bumps the data version after commit.

Every service writes an audit record, so every service's transaction bumps once; bulk writers
(no signal) call `reports.cache.bump_on_commit()` themselves. The audit records of releases and
reports (`reports.jobs`) change no figure: they do not bump, or building a report would throw
away the very figures it has just cached.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from .cache import bump_on_commit
from .jobs import JOB_ACTIONS

WATCHED = [
    "workflows.TrancheRequest",
    "workflows.AuditEvent",
    "workflows.Delegation",
    "workflows.Project",
    "workflows.ProjectMilestone",
    "workflows.Establishment",
]


def bump_after_commit(sender, using=None, instance=None, **_kwargs) -> None:
    if getattr(instance, "action", None) in JOB_ACTIONS and sender._meta.label == "workflows.AuditEvent":
        return
    bump_on_commit(using=using)


def connect() -> None:
    from django.apps import apps

    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(bump_after_commit, sender=model, dispatch_uid=f"reports-bump-save-{label}")
        post_delete.connect(bump_after_commit, sender=model, dispatch_uid=f"reports-bump-delete-{label}")
