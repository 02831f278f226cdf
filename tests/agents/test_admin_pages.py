"""Wagtail admin at /admin/: login page, who gets in, and the instructeur's project listing."""

import pytest
from django.urls import reverse

from tests.factories import ProjectFactory, UserFactory
from workflows.models import Programme
from workflows.reference import get_or_create_call
from workflows.roles import Role

pytestmark = pytest.mark.django_db

SNIPPETS = [
    "project",
    "establishment",
    "investigator",
    "establishmentmembership",
    "call",
    "fundingschedule",
    "programme",
    "evidencetype",
    "discipline",
]


def test_admin_login_page_renders_in_french(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "Administration de SIRANo" in html
    assert "Mot de passe oublié" in html


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_instructeur_logs_in_through_the_login_form(client, instructing_agent):
    response = client.post("/admin/login/", {"username": "instructeur", "password": "sirano-test-pw"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_establishment_member_has_no_admin_access(client, member_a):
    client.force_login(member_a)
    assert client.get("/admin/").status_code == 302  # back to the admin login


@pytest.fixture
def portfolio(establishment_a, establishment_b):
    calls = {key: get_or_create_call(*key) for key in [("PHRCN", 2016), ("PHRCN", 2017), ("PHRCI", 2016)]}
    projects = {}
    for index, key in enumerate([("PHRCN", 2016), ("PHRCN", 2016), ("PHRCN", 2017), ("PHRCI", 2016)]):
        establishment = establishment_a if index % 2 else establishment_b
        projects.setdefault(key, []).append(ProjectFactory(call=calls[key], establishment=establishment))
    return projects


def test_instructeur_lists_projects_filtered_by_programme_and_year(client, instructing_agent, portfolio):
    client.force_login(instructing_agent)
    listing = reverse("wagtailsnippets_workflows_project:list")
    everything = client.get(listing).content.decode()
    assert all(p.public_id in everything for group in portfolio.values() for p in group)

    phrcn = Programme.objects.get(code="PHRCN")
    response = client.get(listing, {"programme": phrcn.pk, "year": 2016})
    assert response.status_code == 200
    html = response.content.decode()
    assert [p.public_id for p in portfolio[("PHRCN", 2016)]] == ["PHRCN-2016-0001", "PHRCN-2016-0002"]
    for project in portfolio[("PHRCN", 2016)]:
        assert project.public_id in html
    assert "PHRCN-2017-0001" not in html
    assert "PHRCI-2016-0001" not in html
    assert "HOSPICES CIVILS DE LYON" in html  # establishment column, selected with the project

    by_region = client.get(listing, {"region": "ARA"}).content.decode()
    assert "PHRCN-2016-0002" in by_region and "PHRCN-2016-0001" not in by_region

    searched = client.get(listing, {"q": portfolio[("PHRCI", 2016)][0].acronym}).content.decode()
    assert "PHRCI-2016-0001" in searched and "PHRCN-2017-0001" not in searched


def test_instructeur_sees_the_catalogue_read_only(client, instructing_agent, portfolio):
    client.force_login(instructing_agent)
    for model in ("call", "fundingschedule", "programme", "establishment"):
        assert client.get(reverse(f"wagtailsnippets_workflows_{model}:list")).status_code == 200
    add = client.get(reverse("wagtailsnippets_workflows_call:add"))
    assert add.status_code in (302, 403)


def test_editor_reaches_the_admin_but_not_the_portfolio(client, editor, portfolio):
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("wagtailsnippets_workflows_project:list")).status_code in (302, 403)


@pytest.mark.parametrize("model", SNIPPETS)
def test_every_snippet_page_renders_for_an_administrator(client, member_a, portfolio, model):
    admin = UserFactory(username="dgos-admin", roles=[Role.ADMINISTRATOR], is_staff=True)
    client.force_login(admin)
    listing = client.get(reverse(f"wagtailsnippets_workflows_{model}:list"))
    assert listing.status_code == 200
    assert client.get(reverse(f"wagtailsnippets_workflows_{model}:add")).status_code == 200
    instance = listing.context["object_list"][0]
    assert (
        client.get(reverse(f"wagtailsnippets_workflows_{model}:edit", args=[instance.pk])).status_code == 200
    )


def test_instructeur_exports_the_filtered_listing_as_csv(client, instructing_agent, portfolio):
    client.force_login(instructing_agent)
    phrcn = Programme.objects.get(code="PHRCN")
    response = client.get(
        reverse("wagtailsnippets_workflows_project:list"),
        {"programme": phrcn.pk, "year": 2016, "export": "csv"},
    )
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("Identifiant,Acronyme,Titre,Appel,Établissement coordonnateur")
    assert [line.split(",")[0] for line in lines[1:]] == ["PHRCN-2016-0001", "PHRCN-2016-0002"]
    assert "sélectionné" in lines[1]
