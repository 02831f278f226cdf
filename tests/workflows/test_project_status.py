"""Project status changes are dated, audited services; indicators "as of" read the dated status."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from reports.snapshot import Filters, build_snapshot
from tests.factories import ProjectFactory, UserFactory
from workflows import project_status
from workflows.models import AuditEvent, ProjectStatus
from workflows.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(reference):
    return UserFactory(username="admin-dgos", roles=[Role.ADMINISTRATOR])


def test_abandon_is_dated_audited_and_read_by_indicators_as_of(administrator):
    project = ProjectFactory(historical_tranches=1)
    assert project.status == ProjectStatus.IN_PROGRESS  # the ledger moved it
    project_status.abandon_project(
        project=project,
        actor=administrator,
        comment="Arrêt de l'essai.",
        effective_on=datetime.date(2020, 3, 1),
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.ABANDONED
    change = project.status_changes.order_by("recorded_at", "pk").last()
    assert (change.from_status, change.to_status, change.effective_on, change.actor) == (
        "in_progress",
        "abandoned",
        datetime.date(2020, 3, 1),
        administrator,
    )
    event = AuditEvent.objects.filter(project=project, action="change_project_status").last()
    assert (event.from_state, event.to_state, event.comment) == (
        "in_progress",
        "abandoned",
        "Arrêt de l'essai.",
    )

    def status_on(day):
        return build_snapshot(day, Filters()).projects.loc[project.pk, "status"]

    assert status_on(datetime.date(2020, 2, 29)) == "in_progress"
    assert status_on(datetime.date(2020, 3, 1)) == "abandoned"
    assert project_status.status_on(project, datetime.date(2016, 6, 1)) == "in_progress"

    project_status.resume_project(
        project=project, actor=administrator, comment="Reprise avec un nouvel investigateur."
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.IN_PROGRESS
    assert status_on(datetime.date(2020, 3, 1)) == "abandoned"


def test_only_administrators_decide_and_a_reason_is_required(
    instructing_agent, administrator, member_a, project_a
):
    for user in (instructing_agent, member_a):
        with pytest.raises(PermissionDenied):
            project_status.lapse_project(project=project_a, actor=user, comment="Sans nouvelles.")
    with pytest.raises(ValidationError, match="motif est obligatoire"):
        project_status.lapse_project(project=project_a, actor=administrator, comment="  ")
    with pytest.raises(ValidationError, match="futur"):
        project_status.lapse_project(
            project=project_a,
            actor=administrator,
            comment="x",
            effective_on=datetime.date.today() + datetime.timedelta(days=2),
        )
    project_status.complete_project(project=project_a, actor=administrator, comment="Rapport final reçu.")
    with pytest.raises(ValidationError, match="n'est pas possible"):
        project_status.abandon_project(project=project_a, actor=administrator, comment="x")
    project_a.refresh_from_db()
    assert project_a.status == ProjectStatus.COMPLETED


def test_the_last_tranche_completes_the_project(reference):
    project = ProjectFactory(historical_tranches=5)
    assert project.status == ProjectStatus.COMPLETED
    assert list(project.status_changes.values_list("to_status", flat=True)) == ["in_progress", "completed"]


def test_desk_page_lets_an_administrator_decide(client, administrator, project_a):
    from django.urls import reverse

    administrator.user_permissions.add(Permission.objects.get(codename="view_project"))
    client.force_login(administrator)
    url = reverse("workflows_desk:project_lifecycle", args=[project_a.public_id])
    assert "Déclarer abandonné" in client.get(url).content.decode()
    response = client.post(url, {"decision": "abandon", "effective_on": "2024-01-10", "comment": "Arrêt."})
    assert response.status_code == 302
    project_a.refresh_from_db()
    assert project_a.status == ProjectStatus.ABANDONED
