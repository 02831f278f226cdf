"""The agents' home (Wagtail dashboard) shows each role its work lists with the right counts,
oldest first, instead of Wagtail's empty dashboard (issue 16)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ProjectFactory, UserFactory
from tests.workflows.builders import request_in_state
from workflows.models import ImportRun, ProjectMilestone, TrancheRequest, TrancheStatus
from workflows.roles import Role

S = TrancheStatus
HOME = "/admin/"


def tiles(html: str) -> dict[str, int]:
    """{tile title: count} as rendered."""
    found = re.findall(
        r'<span class="sirano-tile__count" data-count>(\d+)</span>\s*<span class="sirano-tile__title">([^<]+)</span>',
        html,
    )
    return {title.replace("&#x27;", "'"): int(count) for count, title in found}


@pytest.fixture
def work(project_a, member_a, instructing_agent, budget_agent):
    walk = {"member": member_a, "instructor": instructing_agent, "budget": budget_agent}
    made = {
        "submitted": request_in_state(S.SUBMITTED, milestone=project_a.milestones.get(rank=1), **walk),
        "reviewing": request_in_state(S.UNDER_REVIEW, milestone=project_a.milestones.get(rank=2), **walk),
        "changes": request_in_state(S.CHANGES_REQUESTED, milestone=project_a.milestones.get(rank=3), **walk),
    }
    # Make the reviewing one the oldest in its queue.
    TrancheRequest.objects.filter(pk=made["reviewing"].pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=40)
    )
    ProjectMilestone.objects.filter(pk=project_a.milestones.get(rank=4).pk).update(
        days_late=30, planned_date=datetime.date(2020, 1, 1)
    )
    ImportRun.objects.create(file_name="projets-2026.csv", dry_run=True, status=ImportRun.Status.DRY_RUN)
    return made


@pytest.mark.django_db
def test_instructing_agent_home_counts_and_oldest_first(client, work, instructing_agent):
    client.force_login(instructing_agent)
    html = client.get(HOME).content.decode()
    counts = tiles(html)
    assert counts["Demandes à instruire"] == 2
    assert counts["En attente de compléments"] == 1
    assert counts["Jalons en retard"] == 1
    assert counts["Imports de projets à confirmer"] == 1
    assert "Tranches validées à déléguer" not in counts  # not this role's work
    review = html[html.index("Demandes à instruire") :]
    first = reverse("workflows_desk:request_inspect", args=[work["reviewing"].pk])
    second = reverse("workflows_desk:request_inspect", args=[work["submitted"].pk])
    assert review.index(first) < review.index(second)
    # Wagtail's empty dashboard is gone: no page search nor site summary for an agent.
    assert "Rechercher toutes les pages" not in html and "Search all pages" not in html
    assert "Bonjour" in html


@pytest.mark.django_db
def test_budget_agent_home(client, work, establishment_a, member_a, instructing_agent, budget_agent):
    walk = {"member": member_a, "instructor": instructing_agent, "budget": budget_agent}
    other = ProjectFactory(establishment=establishment_a, acronym="GAMMA")
    validated = request_in_state(S.VALIDATED, milestone=other.milestones.get(rank=1), **walk)
    # request_in_state puts validated tranches in a draft delegation; one more waits outside any.
    client.force_login(budget_agent)
    counts = tiles(client.get(HOME).content.decode())
    assert (
        counts["Tranches validées à déléguer"]
        == TrancheRequest.objects.filter(status=S.VALIDATED, delegation__isnull=True).count()
    )
    assert counts["Délégations en préparation"] == 1
    assert counts["Délégations émises à verser"] == 0
    assert "Demandes à instruire" not in counts
    assert validated.delegation_id is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("title", "queue"),
    [
        ("Demandes à instruire", "requesttoreview"),
        ("En attente de compléments", "requestawaitingchanges"),
        ("Jalons en retard", "latemilestone"),
    ],
)
def test_home_counts_are_the_queues_rows(client, work, instructing_agent, title, queue):
    client.force_login(instructing_agent)
    counts = tiles(client.get(HOME).content.decode())
    listing = client.get(reverse(f"workflows_{queue}_modeladmin_index")).content.decode()
    rows = len(re.findall(r'<tr[^>]*data-object-pk="\d+"', listing))
    assert counts[title] == rows > 0


@pytest.mark.django_db
def test_moderator_sees_pages_to_moderate(client, reference):
    moderator = UserFactory(username="moderation", roles=[Role.MODERATOR])
    client.force_login(moderator)
    counts = tiles(client.get(HOME).content.decode())
    assert counts == {"Pages à relire et publier": 0}


@pytest.mark.django_db
def test_editor_sees_own_submissions(client, editor):
    client.force_login(editor)
    counts = tiles(client.get(HOME).content.decode())
    assert counts == {"Mes pages soumises à la modération": 0}


@pytest.mark.django_db
def test_home_query_count_is_flat(client, work, instructing_agent, django_assert_max_num_queries):
    client.force_login(instructing_agent)
    client.get(HOME)
    with django_assert_max_num_queries(40):
        client.get(HOME)
