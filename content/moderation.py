"""Editors draft and submit, moderators publish: page permissions of the two communication roles
and the one-step Wagtail workflow, set up idempotently after every migrate and by the demo."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from workflows.roles import Role

WORKFLOW_NAME = "Relecture et publication"
TASK_NAME = "Validation par la modération"

#: role -> Wagtail page permission codenames granted on the root page (inherited by every page)
PAGE_PERMISSIONS = {
    Role.EDITOR: ["add_page", "change_page"],
    Role.MODERATOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
IMAGE_PERMISSIONS = ["add_image", "choose_image", "change_image"]


def ensure_moderation(sender=None, using="default", **kwargs) -> None:
    """Grant page and image permissions and attach the moderation workflow to the root page."""
    from wagtail.models import (
        Collection,
        GroupApprovalTask,
        GroupCollectionPermission,
        GroupPagePermission,
        Page,
        Workflow,
        WorkflowPage,
        WorkflowTask,
    )

    root = Page.objects.using(using).filter(depth=1).first()
    if root is None:
        return
    groups = {role: Group.objects.using(using).get_or_create(name=role.value)[0] for role in PAGE_PERMISSIONS}
    for role, codenames in PAGE_PERMISSIONS.items():
        for perm in Permission.objects.using(using).filter(
            content_type__app_label="wagtailcore", codename__in=codenames
        ):
            GroupPagePermission.objects.using(using).get_or_create(
                group=groups[role], page=root, permission=perm
            )
        # An editor must never be able to publish, even if someone granted it by hand earlier.
        if role == Role.EDITOR:
            GroupPagePermission.objects.using(using).filter(
                group=groups[role], permission__codename="publish_page"
            ).delete()
    collection = Collection.objects.using(using).filter(depth=1).first()
    if collection is None:  # a flushed test database has none
        collection = Collection.add_root(name="Root")
    if collection is not None:
        for perm in Permission.objects.using(using).filter(
            content_type__app_label="wagtailimages", codename__in=IMAGE_PERMISSIONS
        ):
            for group in groups.values():
                GroupCollectionPermission.objects.using(using).get_or_create(
                    group=group, collection=collection, permission=perm
                )
    task = GroupApprovalTask.objects.using(using).filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.using(using).create(name=TASK_NAME)
    task.groups.set([groups[Role.MODERATOR]])
    workflow, _created = Workflow.objects.using(using).get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.using(using).get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.using(using).update_or_create(page=root, defaults={"workflow": workflow})
