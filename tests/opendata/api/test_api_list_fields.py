"""Lighter list rows: the project list carries what a list needs (`LIST_FIELDS`, a `url` to the
detail for the rest) or what `fields=` chooses; a bad `fields=` is a 400 naming the field."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opendata.api.serializers import LIST_FIELDS
from tests.factories import ProjectFactory
from workflows.visibility import Tier, fields_for

pytestmark = pytest.mark.django_db


def test_a_default_row_links_to_the_detail_for_the_long_texts_and_lists(client, tranches):
    rows = client.get("/api/v1/projects/").json()["results"]
    assert rows
    public = [name for name in fields_for("project", Tier.PUBLIC) if name in LIST_FIELDS]
    for row in rows:
        assert list(row) == public
        assert not {"summary", "milestones"} & set(row)
        detail = client.get(row["url"]).json()
        assert detail["public_id"] == row["public_id"] and "milestones" in detail and "summary" in detail
        assert row["url"].startswith("http") and row["url"].endswith(f"/api/v1/projects/{row['public_id']}/")


def test_fields_chooses_the_columns_in_json_and_csv(client, tranches):
    rows = client.get("/api/v1/projects/", {"fields": "title,acronym"}).json()["results"]
    assert [list(row) for row in rows] == [["public_id", "url", "acronym", "title"]] * len(rows)
    rows = client.get("/api/v1/projects/", {"fields": "milestones"}).json()["results"]
    assert all(row["milestones"] and row["milestones"][0]["rank"] == 1 for row in rows)
    csv = client.get("/api/v1/projects/", {"fields": "acronym", "format": "csv"}).content.decode("utf-8-sig")
    assert csv.splitlines()[0] == "public_id,url,acronym"
    repeated = client.get("/api/v1/projects/?fields=title&fields=acronym").json()["results"]
    assert [list(row) for row in repeated] == [["public_id", "url", "acronym", "title"]] * len(rows)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("titre", "Champ inconnu « titre ». Champs disponibles : public_id, url, acronym"),
        ("title,,acronym", "Liste de champs mal formée"),
        ("amount_validated", "Le champ « amount_validated » n'est servi qu'avec un jeton de niveau expert"),
        ("budget_breakdown", "n'est servi qu'avec un jeton de niveau interne DGOS"),
    ],
)
def test_a_bad_fields_value_is_a_precise_400(client, tranches, value, message):
    response = client.get("/api/v1/projects/", {"fields": value})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter"
    assert len(error["details"]["fields"]) == 1 and message in error["details"]["fields"][0]
    assert client.get("/api/v1/projects/", {"fields": value, "format": "csv"}).status_code == 400


def test_empty_fields_is_refused_like_any_empty_parameter(client, tranches):
    response = client.get("/api/v1/projects/?fields=")
    assert response.status_code == 400 and "fields" in response.json()["error"]["details"]


def test_a_token_may_choose_its_tier_fields(client, tranches, expert_headers):
    rows = client.get(
        "/api/v1/projects/", {"fields": "amount_validated,planned_dates"}, **expert_headers
    ).json()
    assert [list(row) for row in rows["results"]] == [
        ["public_id", "url", "planned_dates", "amount_validated"]
    ] * len(rows["results"])


def test_a_default_row_reads_no_milestone(client, tranches):
    """What a row does not carry is not read: the milestones' two queries are left out."""

    def queries_for(query: dict) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/projects/", query).status_code == 200
        return [q["sql"] for q in queries.captured_queries]

    queries_for({"fields": "acronym"})  # the catalogue of names, read once per data version
    light = queries_for({})
    full = queries_for({"fields": "milestones,registrations"})
    assert len(full) == len(light) + 2  # the milestones and their delegated amounts
    assert not [sql for sql in light if sql.startswith('SELECT "workflows_projectmilestone"')]


@pytest.mark.parametrize("fields", [None, "milestones,registrations,summary", "acronym"])
def test_query_count_is_flat_whatever_the_fields(client, tranches, fields, django_assert_max_num_queries):
    query = {"fields": fields} if fields else {}
    # 13: with the 3 reads of the names' catalogue, once per data version (`web.catalogue_names`)
    with django_assert_max_num_queries(13):
        small = client.get("/api/v1/projects/", {**query, "page_size": 1000})
    ProjectFactory.create_batch(20, historical_tranches=1)
    with django_assert_max_num_queries(13):
        large = client.get("/api/v1/projects/", {**query, "page_size": 999})
    assert len(large.json()["results"]) == len(small.json()["results"]) + 20


def test_the_schema_documents_fields_and_the_light_row(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/projects/"]["get"]["parameters"]}
    assert parameters["fields"]["schema"]["items"]["enum"] == fields_for("project", Tier.PUBLIC)
    assert parameters["fields"]["explode"] is False
    row = schema["components"]["schemas"]["ProjectList"]
    assert row["required"] == ["public_id", "url"]
    assert {"summary", "milestones", "url"} <= set(row["properties"])


def test_old_clients_are_told_at_the_root_and_in_the_schema(client):
    root = client.get("/api/v1/").json()
    assert root["changes"][0]["version"] == "1.1.0" and "fields=" in root["changes"][0]["change"]
    info = client.get("/api/v1/schema/?format=json").json()["info"]
    assert info["version"] == "1.1.0" and "milestones" in info["description"]
