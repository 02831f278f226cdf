"""Public API pages of projects kept as the bytes sent, per data version, address and format
(`web.page_store`): a repeated question renders nothing and costs one query (the data version),
`If-None-Match` gets a 304, and a token holder's page is never shared."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings

from tests.factories import UserFactory
from web import page_store
from workflows import catalogue_services
from workflows.models import Investigator
from workflows.roles import Role

pytestmark = pytest.mark.django_db

PAGES = [
    "/api/v1/projects/",
    "/api/v1/projects/?programme=PHRCN&year=2016",
    "/api/v1/projects/?page_size=1",
    "/api/v1/projects/?format=csv",
]


@pytest.fixture
def portfolio(project_a, project_b):
    return {"a": project_a, "b": project_b}


@pytest.fixture
def throttling_off():
    """`API_ANON_RATE=off` (a proxy limits): the throttle's counter, when on, is one read and one
    write of the shared cache per request (six queries with the database cache), before any page."""
    rates = {"anon": None, "user": None}
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        yield


def test_a_warm_public_page_costs_one_query(
    client, portfolio, database_cache, throttling_off, django_assert_max_num_queries
):
    for url in PAGES:
        first = client.get(url)
        assert first.status_code == 200, first.content
        with django_assert_max_num_queries(1):  # the data version; the page is in the worker's memory
            second = client.get(url)
        assert second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]
        assert second["ETag"] == first["ETag"]


def test_another_worker_reads_the_shared_copy(
    client, portfolio, database_cache, throttling_off, django_assert_max_num_queries
):
    first = client.get(PAGES[0])
    page_store.clear_local_copies()  # what a second gunicorn worker holds
    with django_assert_max_num_queries(2):  # the data version and the entry
        second = client.get(PAGES[0])
    assert second.content == first.content


def test_links_and_headers_are_kept(client, portfolio):
    first = client.get("/api/v1/projects/?page_size=1")
    second = client.get("/api/v1/projects/?page_size=1")
    assert 'rel="next"' in first["Link"] and second["Link"] == first["Link"]
    assert second.json()["next"] == first.json()["next"]
    assert "public" in second["Cache-Control"] and "max-age=60" in second["Cache-Control"]
    for header in ("Accept", "Authorization", "Cookie"):
        assert header in second["Vary"]


def test_if_none_match_is_answered_304(client, portfolio):
    etag = client.get(PAGES[0])["ETag"]
    revalidated = client.get(PAGES[0], HTTP_IF_NONE_MATCH=etag)
    assert revalidated.status_code == 304 and revalidated["ETag"] == etag
    assert not revalidated.content
    assert client.get(PAGES[0], HTTP_IF_NONE_MATCH='"autre"').status_code == 200


def test_format_chosen_by_accept_is_kept_apart(client, portfolio):
    as_json = client.get(PAGES[0])
    as_csv = client.get(PAGES[0], HTTP_ACCEPT="text/csv")
    assert as_json["Content-Type"] == "application/json"
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert client.get(PAGES[0])["Content-Type"] == "application/json"
    assert client.get(PAGES[0], HTTP_ACCEPT="text/csv").content == as_csv.content


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_shows_on_the_next_request(client, portfolio):
    """A real write, committed: the investigator's name corrected through the audited service."""
    project = portfolio["a"]
    before = client.get(PAGES[0])
    assert client.get(PAGES[0])["ETag"] == before["ETag"]
    administrator = UserFactory(username="administratrice", roles=[Role.ADMINISTRATOR], is_staff=True)
    catalogue_services.save_record(
        actor=administrator,
        model=Investigator,
        instance=project.investigator,
        values={"last_name": "NOMCORRIGÉ"},
    )
    after = client.get(PAGES[0])
    assert "NOMCORRIGÉ" in after.content.decode()
    assert after["ETag"] != before["ETag"]


def test_junk_parameters_add_no_entry(client, portfolio):
    page_store.clear_local_copies()
    canonical = client.get("/api/v1/projects/?page_size=1&year=2016")
    for junk in ("/api/v1/projects/?year=2016&page_size=1", "/api/v1/projects/?page_size=1&year=2016&utm=1"):
        assert client.get(junk)["ETag"] == canonical["ETag"]
    assert len(page_store._local.entries) == 1
    assert "utm" not in client.get("/api/v1/projects/?page_size=1&utm=1").json()["next"]


def test_token_holders_get_their_own_private_page(client, portfolio, agent_headers):
    public = client.get(PAGES[0])
    internal = client.get(PAGES[0], **agent_headers)
    assert "private" in internal["Cache-Control"] and "ETag" not in internal
    assert "investigator_email" in internal.json()["results"][0]
    assert "investigator_email" not in public.json()["results"][0]
    # and the internal page was not kept for the next anonymous client
    assert "investigator_email" not in client.get(PAGES[0]).json()["results"][0]
