"""List rows name calls, disciplines and establishments from a catalogue kept per data version
(`web.catalogue_names`), not by joining those tables into every page's query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EstablishmentFactory, ProjectFactory
from workflows.data_version import bump_data_version
from workflows.models import Establishment

pytestmark = pytest.mark.django_db

REFERENCE_TABLES = (
    "workflows_call",
    "workflows_programme",
    "workflows_discipline",
    "workflows_establishment",
)


def _rows_query(client, query: dict) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/projects/", query).status_code == 200
    (sql,) = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "workflows_project"."id" AS')
    ]
    return sql


@pytest.mark.parametrize("ordering", ["public_id", "-year", "award_amount", "selected_on", "acronym"])
def test_a_page_of_rows_joins_no_reference_table(client, project_a, project_b, ordering):
    """Each join cost PostgreSQL a join-order search on every cursor page (2.6 ms of planning for
    0.4 ms of work at 40,000 projects); the names come from the kept catalogue instead."""
    sql = _rows_query(client, {"ordering": ordering, "page_size": 1})
    assert not [table for table in REFERENCE_TABLES if f'JOIN "{table}"' in sql], sql
    row = client.get("/api/v1/projects/", {"ordering": ordering, "page_size": 1}).json()["results"][0]
    establishment = Establishment.objects.get(projects__public_id=row["public_id"])
    assert row["establishment"] == establishment.name and row["region"]["code"] == establishment.region
    assert row["programme"] == "PHRCN" and row["call"] and row["year"] == 2016


def test_a_filter_on_a_reference_table_still_filters(client, project_a, project_b):
    rows = client.get("/api/v1/projects/", {"establishment": project_b.establishment.finess}).json()[
        "results"
    ]
    assert [row["public_id"] for row in rows] == [project_b.public_id]


def test_a_project_whose_establishment_is_newer_than_the_catalogue_is_named(client, project_a):
    """A row committed after the catalogue was read (its write's version move still on its way):
    the tables are read again rather than the page failing."""
    client.get("/api/v1/projects/")  # the catalogue is kept
    newer = ProjectFactory(establishment=EstablishmentFactory(name="CENTRE OUVERT HIER"))
    rows = {
        row["public_id"]: row for row in client.get("/api/v1/projects/", {"page_size": 7}).json()["results"]
    }
    assert rows[newer.public_id]["establishment"] == "CENTRE OUVERT HIER"


def test_a_renamed_establishment_is_named_anew_once_the_version_moves(client, project_a):
    client.get("/api/v1/projects/")
    Establishment.objects.filter(pk=project_a.establishment_id).update(name="NOUVEAU NOM")
    bump_data_version()  # what the write's commit does (`workflows.data_version.bump_on_commit`)
    (row,) = client.get("/api/v1/projects/").json()["results"]
    assert row["establishment"] == "NOUVEAU NOM"


def test_the_filter_set_runs_only_when_a_filter_is_asked_for(client, project_a, project_b, monkeypatch):
    """Without a filter in the query, the filter set (its form, its validation) has nothing to do."""
    from opendata.api import filters

    built = []
    original = filters.ProjectFilter.__init__

    def counting(self, *args, **kwargs):
        built.append(kwargs.get("data"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(filters.ProjectFilter, "__init__", counting)
    everything = client.get("/api/v1/projects/", {"ordering": "-year", "page_size": 1})
    assert everything.status_code == 200 and built == []
    assert client.get(everything.json()["next"]).status_code == 200 and built == []
    only_b = client.get("/api/v1/projects/", {"region": project_b.establishment.region, "page_size": 5})
    assert len(built) == 1 and only_b.status_code == 200
    assert client.get("/api/v1/projects/", {"year": "1850"}).status_code == 400  # still validated
