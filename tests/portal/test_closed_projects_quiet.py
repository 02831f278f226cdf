"""Closed projects (abandoned, lapsed, completed) are never late and have nothing left to engage
(issue 27, item 3): the establishments' dashboard puts them after the open ones, without alarm."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from opendata.api.selectors import api_projects
from tests.factories import ProjectFactory
from workflows import selectors
from workflows.models import Project, ProjectStatus
from workflows.visibility import Tier


@pytest.fixture
def abandoned(establishment_a):
    return ProjectFactory(
        establishment=establishment_a,
        acronym="ABANDON",
        status=ProjectStatus.ABANDONED,
        selected_on=datetime.date(2014, 1, 1),
        award_amount=Decimal("308420.00"),
    )


@pytest.mark.django_db
def test_a_closed_project_is_never_late_and_has_nothing_left_to_engage(abandoned):
    milestone = abandoned.milestones.get(rank=1)
    assert milestone.planned_date < datetime.date.today()
    assert not milestone.is_late
    assert selectors.project_money(abandoned)["remaining"] == 0
    row = selectors.with_funding_figures(Project.objects.filter(pk=abandoned.pk)).get()
    assert row.amount_remaining == 0
    api_row = api_projects(Tier.EXPERT).get(pk=abandoned.pk)
    assert (api_row.amount_remaining, api_row.late_milestones) == (0, 0)


@pytest.mark.django_db
def test_portfolio_remaining_counts_only_open_projects(abandoned, project_a):
    money = selectors.portfolio_money(Project.objects.filter(pk__in=[abandoned.pk, project_a.pk]))
    assert money["remaining"] == project_a.award_amount


@pytest.mark.django_db
def test_dashboard_lists_closed_projects_last_and_quiet(client_a, abandoned, project_a):
    response = client_a.get(reverse("portal:dashboard"))
    rows = list(response.context["projects"])
    assert [row.acronym for row in rows] == ["ALPHA", "ABANDON"]
    closed = rows[1]
    assert not closed.has_late_milestone
    assert closed.next_due is None
    content = response.content.decode()
    closed_row = content[content.index(">ABANDON<") :]
    closed_row = closed_row[: closed_row.index("</tr>")]
    assert "en retard" not in closed_row
    assert "Projet clos" in closed_row


@pytest.mark.django_db
def test_project_page_of_a_closed_project_shows_no_late_milestone(client_a, abandoned):
    content = client_a.get(reverse("portal:project_detail", args=[abandoned.public_id])).content.decode()
    assert "en retard" not in content
    remaining = content[content.index("Reste à engager") :]
    assert remaining[remaining.index("<dd>") + 4 : remaining.index("</dd>")] == "0,00\xa0€"
