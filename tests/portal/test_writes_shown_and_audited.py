"""Issue 24's acceptance: with the page store on, each of these writes shows on the next anonymous
request of the project page, the directory and the API, and leaves an audit event naming the
actor and the change — rename a programme, correct an investigator, add a trial registration,
mark milestones late, import a file (by COPY on PostgreSQL).

Transactional: each write commits for real, so its data version moves as in production (no
`bump_data_version()` by hand).
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demo.site import ensure_home
from ingest.projects.services import import_projects_file
from tests.factories import UserFactory
from tests.ingest.projects.builders import write_csv
from web import page_store
from workflows import portfolio_services, services
from workflows.data_version import data_version
from workflows.models import AuditEvent, Project, ProjectStatus
from workflows.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)

API = "/api/v1/projects/"
DIRECTORY = "/projets/"


@pytest.fixture
def administrator(reference):
    return UserFactory(username="administratrice", roles=[Role.ADMINISTRATOR], is_staff=True)


@pytest.fixture
def admin_client(administrator):
    client = Client()
    client.force_login(administrator)
    return client


@pytest.fixture
def surfaces(client, project_a, project_b):
    """The three anonymous surfaces, warmed into the store: {address: first answer}."""
    ensure_home()
    pages = {DIRECTORY: None, f"/projets/{project_a.public_id}/": None, API: None}
    for url in pages:
        pages[url] = client.get(url)
        assert pages[url].status_code == 200
        assert client.get(url)["ETag"] == pages[url]["ETag"]  # served from the store now
    return pages


def next_visits(client, surfaces) -> dict[str, str]:
    return {url: client.get(url).content.decode() for url in surfaces}


def events(action: str, target) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action,
            target_type=ContentType.objects.get_for_model(type(target)),
            target_id=str(target.pk),
        )
    )


def test_a_programme_renamed_in_the_admin(client, admin_client, administrator, surfaces, project_a):
    programme = project_a.call.programme
    response = admin_client.post(
        reverse("wagtailsnippets_workflows_programme:edit", args=[programme.pk]),
        {"code": programme.code, "name": "Programme renommé par la DGOS", "operator": "", "description": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    seen = next_visits(client, surfaces)
    assert "Programme renommé par la DGOS" in seen[f"/projets/{project_a.public_id}/"]
    assert "Programme renommé par la DGOS" in seen[DIRECTORY]  # the programme facet's label
    [event] = events("update_programme", programme)
    assert event.actor == administrator and event.changes["name"]["new"] == "Programme renommé par la DGOS"


def test_an_investigator_corrected_in_the_admin(client, admin_client, administrator, surfaces, project_a):
    investigator = project_a.investigator
    response = admin_client.post(
        reverse("wagtailsnippets_workflows_investigator:edit", args=[investigator.pk]),
        {
            "title": investigator.title,
            "last_name": "CORRIGÉ",
            "first_name": investigator.first_name,
            "email": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    seen = next_visits(client, surfaces)
    assert "CORRIGÉ" in seen[f"/projets/{project_a.public_id}/"]
    assert "CORRIGÉ" in seen[API]
    [event] = events("update_investigator", investigator)
    assert event.actor == administrator and event.changes["last_name"]["new"] == "CORRIGÉ"


def test_a_trial_registration_added(client, administrator, surfaces, project_a):
    portfolio_services.add_trial_registration(
        actor=administrator, project=project_a, registry="clinicaltrials", identifier="NCT01234567"
    )
    seen = next_visits(client, surfaces)
    assert "NCT01234567" in seen[f"/projets/{project_a.public_id}/"]
    [event] = events("update_project", project_a)
    assert event.actor == administrator and event.changes["registrations"]["new"] == ["NCT01234567"]


def test_milestones_marked_late(client, administrator, surfaces, project_a):
    """Lateness is an expert field, not on the anonymous pages: what shows is that every stored
    page is keyed anew, so the next visit renders from the database (not from the store)."""
    Project.objects.filter(pk=project_a.pk).update(status=ProjectStatus.IN_PROGRESS)
    next_visits(client, surfaces)  # stored again after the status change
    before = data_version()
    late_day = project_a.milestones.get(rank=1).planned_date + datetime.timedelta(days=40)
    counts = services.mark_late_milestones(today=late_day, actor=administrator)
    assert counts["updated"] > 0
    assert data_version() != before
    page_store.clear_local_copies()
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/projets/{project_a.public_id}/")
    assert any("workflows_projectmilestone" in q["sql"] for q in queries.captured_queries)
    [event] = AuditEvent.objects.filter(action="mark_late_milestones")
    assert event.actor == administrator and event.changes["days_late"]["new"] == counts["updated"]


def test_a_file_imported(client, administrator, surfaces, tmp_path, establishment_a):
    header = ["Appel à projets", "ANNEE", "acronyme", "Intitulé", "PI", "N° FINESS", "Etablissement",
              "Financement total", "N° NCT", "Numéro de tranche", "Date de sélection", "Observations"]  # fmt: skip
    row = ["PHRC-N", "2016", "IMPORTE", "Projet importé par fichier", "Pr Jean NOUVEAU", "690781810",
           "Hospices Civils de Lyon", "100000", "", "Aucune tranche", "2016-03-14", ""]  # fmt: skip
    path = write_csv(tmp_path / "stock.csv", [header, row])
    _run, outcome = import_projects_file(path=path, actor=administrator)
    assert outcome.created == 1, outcome.rejected
    seen = next_visits(client, surfaces)
    assert "IMPORTE" in seen[DIRECTORY] and "IMPORTE" in seen[API]
    [event] = AuditEvent.objects.filter(action="import_projects")
    assert event.actor == administrator and "1" in event.comment
