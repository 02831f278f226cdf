"""Dashboard: the current establishment's projects, requests awaiting it first, filters, search,
pagination, and a number of queries that does not grow with the portfolio."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from search import index as search_index
from tests.factories import InvestigatorFactory, ProjectFactory
from workflows.models import Project, ProjectMilestone, ProjectStatus, TrancheRequest
from workflows.reference import get_or_create_call


def bulk_projects(establishment, count: int, *, code="PHRCN", year=2018) -> list[Project]:
    """Many projects with 5 milestones each and some tranches, written in a few bulk queries."""
    call = get_or_create_call(code, year)
    investigator = InvestigatorFactory()
    start = Project.objects.filter(call=call).count()
    projects = Project.objects.bulk_create(
        Project(
            public_id=Project.build_public_id(call, start + i + 1),
            sequence=start + i + 1,
            call=call,
            acronym=f"BULK{start + i}",
            title=f"Étude de cohorte {start + i}",
            establishment=establishment,
            investigator=investigator,
            award_amount=Decimal("200000"),
            selected_on=datetime.date(year, 6, 1),
        )
        for i in range(count)
    )
    milestones = ProjectMilestone.objects.bulk_create(
        ProjectMilestone(
            project=project,
            rank=rank,
            label=f"Jalon {rank}",
            share_percent=Decimal("20"),
            planned_date=project.selected_on + relativedelta(months=12 * rank),
            declared_on=project.selected_on + relativedelta(months=12) if rank == 1 else None,
        )
        for project in projects
        for rank in range(1, 6)
    )
    TrancheRequest.objects.bulk_create(
        TrancheRequest(milestone=m, amount=Decimal("40000"), status="delegated" if i % 2 else "draft")
        for i, m in enumerate(milestones)
        if m.rank == 1 and i % 15 == 0
    )
    search_index.refresh_projects(project.pk for project in projects)  # as every bulk path does
    return projects


def count_queries(client) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal:dashboard"), {"programme": "PHRCN", "q": "cohorte"})
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.django_db
def test_query_count_is_the_same_for_5_and_500_projects(
    client_a, establishment_a, django_assert_max_num_queries
):
    bulk_projects(establishment_a, 5)
    count_queries(client_a)  # warm the per-process caches (site, content types) first
    small, response = count_queries(client_a)
    assert response.context["paginator"].count == 5
    bulk_projects(establishment_a, 495)
    with django_assert_max_num_queries(small):
        large, response = count_queries(client_a)
    assert response.context["paginator"].count == 500
    assert len(response.context["projects"]) == 25
    assert large == small
    print(f"dashboard queries: 5 projects -> {small}, 500 projects -> {large}")


@pytest.mark.django_db
def test_rows_show_money_next_milestone_and_action_first(client_a, establishment_a, draft_a):
    late = ProjectFactory(
        establishment=establishment_a, acronym="RETARD", selected_on=datetime.date(2016, 1, 1)
    )
    future = ProjectFactory(
        establishment=establishment_a,
        acronym="AVENIR",
        selected_on=datetime.date.today() - relativedelta(days=1),
    )
    response = client_a.get(reverse("portal:dashboard"))
    rows = list(response.context["projects"])
    assert rows[0].acronym == "ALPHA"  # its draft awaits the establishment
    assert rows[0].awaiting_action and rows[0].awaiting_request_id == draft_a.pk
    by_acronym = {row.acronym: row for row in rows}
    assert by_acronym["RETARD"].has_late_milestone
    assert not by_acronym["AVENIR"].has_late_milestone
    assert by_acronym["AVENIR"].next_milestone_rank == 1
    assert by_acronym["AVENIR"].next_due == future.milestones.get(rank=1).planned_date
    assert by_acronym["ALPHA"].next_milestone_rank == 2  # milestone 1 is declared
    assert by_acronym["RETARD"].award_amount == late.award_amount
    content = response.content.decode()
    assert "Brouillon à soumettre" in content
    assert "en retard" in content
    assert "100\u202f000,00\xa0€" in content


@pytest.mark.django_db
def test_filters_and_search(client_a, establishment_a, project_a):
    ProjectFactory(
        establishment=establishment_a,
        acronym="CARDIO",
        title="Insuffisance cardiaque",
        call=get_or_create_call("PREPS-IQ", 2021),
        status=ProjectStatus.IN_PROGRESS,
    )
    url = reverse("portal:dashboard")

    def acronyms(**params):
        return sorted(p.acronym for p in client_a.get(url, params).context["projects"])

    assert acronyms() == ["ALPHA", "CARDIO"]
    assert acronyms(programme="PREPS") == ["CARDIO"]
    assert acronyms(year=2016) == ["ALPHA"]
    assert acronyms(status="in_progress") == ["CARDIO"]
    assert acronyms(q="cardiaque") == ["CARDIO"]
    assert acronyms(q="alp") == ["ALPHA"]
    assert acronyms(q="nothing-like-this") == []
    # A bad filter value is reported on its field and ignored, never a server error.
    response = client_a.get(url, {"year": "not-a-year"})
    assert response.status_code == 200
    assert "year" in response.context["filter_form"].errors


@pytest.mark.django_db
def test_pagination_keeps_filters(client_a, establishment_a):
    bulk_projects(establishment_a, 30)
    response = client_a.get(reverse("portal:dashboard"), {"q": "cohorte"})
    assert response.context["is_paginated"]
    assert "q=cohorte" in response.content.decode()
    second = client_a.get(reverse("portal:dashboard"), {"q": "cohorte", "page": 2})
    assert len(second.context["projects"]) == 5
    # A page past the end (e.g. kept from a wider search) shows the last page.
    beyond = client_a.get(reverse("portal:dashboard"), {"q": "cohorte", "page": 9})
    assert beyond.status_code == 200 and beyond.context["page_obj"].number == 2


@pytest.mark.django_db
def test_agent_sees_every_establishment_read_only(client_agent, project_a, project_b):
    response = client_agent.get(reverse("portal:dashboard"))
    assert {p.acronym for p in response.context["projects"]} == {"ALPHA", "BETA"}
    assert "consultation seule" in response.content.decode()
