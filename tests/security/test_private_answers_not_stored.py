"""Issue 25 §6 (ASVS 14.3.2): private answers carry `Cache-Control: no-store`, so no browser or
shared cache keeps an establishment's pages or the agent-tier API answers (contact e-mails,
tranches); public answers keep their own caching."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.cache import get_max_age

from opendata.api.tokens import issue_api_token
from tests.tranche_support import advance_tranche

pytestmark = pytest.mark.django_db


def assert_not_stored(response) -> None:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert "no-store" in directives, response.get("Cache-Control")
    assert "public" not in directives
    assert not get_max_age(response)


@pytest.fixture
def submitted(project_a, member_a, instructing_agent, budget_agent):
    return advance_tranche(
        project_a.milestones.get(rank=1),
        until="submitted",
        member=member_a,
        agent=instructing_agent,
        budget=budget_agent,
    )


def test_portal_pages(client, member_a, project_a, submitted):
    client.force_login(member_a)
    for url in (
        reverse("portal:dashboard"),
        reverse("portal:project_detail", args=[project_a.public_id]),
        reverse("portal:request_detail", args=[submitted.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_not_stored(response)


def test_agent_tier_api_answers(client, instructing_agent, submitted):
    headers = {"HTTP_AUTHORIZATION": f"Token {issue_api_token(user=instructing_agent)[1]}"}
    for url in ("/api/v1/establishments/", "/api/v1/tranches/", "/api/v1/projects/"):
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        assert_not_stored(response)


def test_admin_pages(client, instructing_agent):
    client.force_login(instructing_agent)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert_not_stored(response)


def test_portal_sign_in_page_is_not_stored(client, db):
    assert_not_stored(client.get(reverse("portal:login")))


def test_anonymous_public_answers_keep_their_caching(client, project_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    response = client.get("/donnees/sirano.csv")
    assert "no-store" not in response.get("Cache-Control", "")
    assert "public" in response["Cache-Control"]
    anonymous_api = client.get("/api/v1/projects/")
    assert "no-store" not in anonymous_api.get("Cache-Control", "")
