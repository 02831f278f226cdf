"""Editors draft and submit; only moderators publish (Wagtail workflow + page permissions)."""

from __future__ import annotations

import pytest
from wagtail.models import WorkflowState

from content.models import StoryIndexPage, StoryPage
from tests.factories import UserFactory
from workflows.roles import Role


@pytest.fixture
def moderator(reference):
    return UserFactory(username="moderation", roles=[Role.MODERATOR])


@pytest.mark.django_db
class TestModeration:
    """On the demo site built once for the class (tests/content/conftest.py `site_tree`)."""

    @pytest.fixture
    def draft(self, site_tree, editor):
        index = StoryIndexPage.objects.get()
        story = index.add_child(
            instance=StoryPage(
                title="Brouillon de la rédaction", slug="brouillon", intro="Un chapô.", live=False
            )
        )
        story.save_revision(user=editor)
        return story

    def test_permissions(self, draft, editor, moderator):
        assert draft.permissions_for_user(editor).can_edit()
        assert not draft.permissions_for_user(editor).can_publish()
        assert draft.permissions_for_user(moderator).can_publish()

    def test_editor_cannot_publish_through_the_admin(self, client, draft, editor):
        client.force_login(editor)
        response = client.post(
            f"/admin/pages/{draft.pk}/edit/",
            {
                "title": draft.title,
                "slug": draft.slug,
                "kind": "news",
                "date": "2026-11-01",
                "intro": "Un chapô.",
                "body-count": "0",
                "project_ids": "",
                "action-publish": "1",
            },
        )
        assert response.status_code in (200, 302, 403)
        draft.refresh_from_db()
        assert not draft.live

    def test_submit_then_moderator_publishes(self, client, draft, editor, moderator):
        workflow = draft.get_workflow()
        assert workflow is not None and workflow.name == "Relecture et publication"
        state = workflow.start(draft, editor)
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        task_state = state.current_task_state
        task = task_state.task.specific
        assert task.get_actions(draft, editor) == []  # an editor cannot approve
        assert "approve" in [action[0] for action in task.get_actions(draft, moderator)]
        task.on_action(task_state, moderator, "approve")
        draft.refresh_from_db()
        assert draft.live
        assert client.get(draft.url).status_code == 200
