"""Issue 14 acceptance on the ministry's real sample: what people type finds what they mean, and
the directory, the API, the establishments' portal and the agents' listing give the same results."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from workflows.data_version import bump_data_version
from workflows.models import Project, TrialRegistration
from workflows.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_export_limit(settings):
    """These tests read the directory's CSV once per query: the per-client download limit
    (tests/security/test_anonymous_exports.py) is not what they measure."""
    settings.EXPORT_RATE_PER_MINUTE = 100_000


def api_ids(client, text: str) -> list[str]:
    response = client.get("/api/v1/projects/", {"search": text, "page_size": 1000})
    assert response.status_code == 200, response.content
    return [row["public_id"] for row in response.json()["results"]]


def directory_ids(client, text: str) -> list[str]:
    """Every result of `/projets/?q=`, in the page's order (its CSV holds them all)."""
    bump_data_version()  # a rendered page (with its context), not the one kept for this version
    page = client.get("/projets/", {"q": text})
    assert page.status_code == 200
    response = client.get(reverse("projects:csv"), {"q": text})
    rows = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";")
    )
    ids = [row[0] for row in rows[1:]]
    assert page.context["paginator"].count == len(ids)
    assert [p.public_id for p in page.context["page_obj"].object_list] == ids[:20]
    return ids


def both(client, text: str) -> tuple[list[str], list[str]]:
    api, directory = api_ids(client, text), directory_ids(client, text)
    assert set(api) == set(directory), text
    return api, directory


def test_accents_and_case_are_folded(client, sample):
    results = {text: both(client, text) for text in ("étude", "etude", "ETUDE")}
    sets = {text: set(api) for text, (api, _directory) in results.items()}
    assert sets["étude"] == sets["etude"] == sets["ETUDE"]
    assert len(sets["etude"]) >= 280
    hopital, _ = both(client, "hopital")
    assert set(hopital) == set(both(client, "hôpital")[0])
    assert len(hopital) >= 1


def test_plural_and_feminine_forms_are_one_word(client, sample):
    cancer, _ = both(client, "cancer")
    cancers, _ = both(client, "cancers")
    assert len(set(cancers) & set(cancer)) >= 0.9 * len(cancer) > 0
    assert set(both(client, "randomisé")[0]) == set(both(client, "randomisée")[0]) != set()


def test_one_typo_per_long_word_is_tolerated(client, sample):
    expected, _ = both(client, "insuffisance cardiaque")
    assert 3 <= len(expected) <= 10
    api, directory = both(client, "insufisance cardiaque")
    assert set(expected) <= set(api[:10])
    assert set(expected) <= set(directory[:10])


def test_a_trial_number_ranks_its_project_first(client, sample):
    project = Project.objects.get(registrations__identifier="NCT02611440")
    api, directory = both(client, "NCT02611440")
    assert api[0] == directory[0] == project.public_id
    assert api_ids(client, "nct02611440")[0] == project.public_id


@pytest.mark.parametrize("registry", ["clinicaltrials", "prospero"])
def test_every_registry_id_finds_its_project(client, sample, registry):
    registrations = TrialRegistration.objects.filter(registry=registry, projects__isnull=False)
    if not registrations.exists():
        pytest.skip(f"no {registry} id in the sample")
    for registration in registrations.order_by("identifier")[:5]:
        wanted = set(registration.projects.values_list("public_id", flat=True))
        api, directory = both(client, registration.identifier)
        assert set(api[: len(wanted)]) == set(directory[: len(wanted)]) == wanted, registration.identifier


def test_investigator_names_ignore_accents(client, sample):
    dreno, _ = both(client, "dreno")
    assert set(dreno) == set(both(client, "DRÉNO")[0])
    assert dreno
    assert all(
        "DR" in p.investigator.last_name.upper()
        for p in Project.objects.filter(public_id__in=dreno).select_related("investigator")
    )


def test_an_acronym_ranks_its_project_first(client, sample):
    projects = list(Project.objects.order_by("public_id"))
    counts: dict[str, int] = {}
    for project in projects:
        counts[project.acronym.upper()] = counts.get(project.acronym.upper(), 0) + 1
    chosen = [p for p in projects if counts[p.acronym.upper()] == 1][::60]
    assert len(chosen) >= 10
    for project in chosen:
        api, directory = both(client, project.acronym)
        assert api[0] == directory[0] == project.public_id, project.acronym
        assert api_ids(client, project.acronym.lower())[0] == project.public_id


def test_a_public_id_ranks_its_project_first(client, sample):
    project = Project.objects.order_by("public_id")[500]
    api, directory = both(client, project.public_id)
    assert api[0] == directory[0] == project.public_id


def test_establishment_finess_and_region_find_their_projects(client, sample):
    project = Project.objects.select_related("establishment").order_by("public_id")[100]
    establishment = project.establishment
    wanted = set(Project.objects.filter(establishment=establishment).values_list("public_id", flat=True))
    assert set(both(client, establishment.finess)[0]) == wanted
    region = establishment.get_region_display()
    in_region = set(
        Project.objects.filter(establishment__region=establishment.region).values_list("public_id", flat=True)
    )
    assert in_region <= set(both(client, region)[0])


def test_portal_and_agents_listing_find_the_same_projects(client, sample):
    agent = UserFactory(username="instructeur-recherche", roles=[Role.INSTRUCTING_AGENT])
    for text in ("insufisance cardiaque", "DRÉNO", "NCT02611440"):
        expected = api_ids(client, text)
        client.force_login(agent)
        portal = client.get(reverse("portal:dashboard"), {"q": text})
        assert portal.status_code == 200
        assert {p.public_id for p in portal.context["projects"]} == set(expected)  # one page
        assert portal.context["projects"][0].public_id in expected[:2]
        admin = client.get(reverse("wagtailsnippets_workflows_project:list"), {"q": text})
        assert admin.status_code == 200
        listed = [p.public_id for p in admin.context["object_list"]]
        assert set(listed) == set(expected), text
        client.logout()
    assert portal.context["projects"][0].public_id == listed[0] == expected[0]  # NCT02611440
