"""The project list renders from `values()` rows (`opendata.api.project_rows`): it must say exactly
what `ProjectSerializer` says, for every tier, in JSON and in CSV, in a flat number of queries."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from opendata.api import project_rows, selectors
from opendata.api.serializers import LIST_FIELDS, ProjectSerializer
from tests.factories import ProjectFactory
from workflows.data_version import bump_data_version
from workflows.models import Project, TrialRegistration
from workflows.visibility import Tier, fields_for

pytestmark = pytest.mark.django_db

PATHS = ["public_id", "call__year", "award_amount", "selected_on", "acronym"]


@pytest.fixture
def varied(tranches, project_a, project_b, instructing_agent):
    """Historical tranches, a registration pair, a declared milestone with its author, a
    project without discipline: every branch of the row builder holds a value somewhere."""
    ProjectFactory(acronym="GAMMA", historical_tranches=2, discipline=None, results_url="https://r.example")
    project_a.source_file, project_a.source_row, project_a.budget_breakdown = "f.csv", 3, "Personnel"
    project_a.results_posted_on = datetime.date(2024, 5, 2)
    project_a.save()
    for identifier, registry in (("NCT01234567", "clinicaltrials"), ("2015-001234-12", "eudract")):
        project_a.registrations.add(
            TrialRegistration.objects.create(registry=registry, identifier=identifier)
        )
    milestone = project_b.milestones.get(rank=2)
    milestone.declared_on = datetime.date(2020, 1, 3)
    milestone.declared_by = instructing_agent
    milestone.declaration_comment = "Premier patient inclus"
    milestone.save()
    return Project.objects.public()


def _json(data) -> list:
    return json.loads(JSONRenderer().render(data))


@pytest.mark.parametrize("tier", list(Tier))
def test_rows_equal_the_serializer(varied, tier):
    queryset = selectors.api_projects(tier).order_by("public_id")
    expected = ProjectSerializer(queryset, many=True, context={"tier": tier}).data
    rows = list(project_rows.project_values(queryset, tier, PATHS))
    assert len(rows) == 3
    assert _json(project_rows.project_rows(rows, tier)) == _json(expected)
    # key order too: the CSV columns and the JSON read the same
    assert [list(r) for r in project_rows.project_rows(rows, tier)] == [list(r) for r in expected]


@pytest.mark.parametrize("persona", ["anonymous", "expert", "agent"])
def test_list_json_and_csv_equal_the_detail_serializer(client, varied, persona, request):
    """With every field of the tier chosen by `fields=`, a row is the project's detail; by
    default it is the detail without the long texts and nested lists (`LIST_FIELDS`)."""
    headers = {} if persona == "anonymous" else request.getfixturevalue(f"{persona}_headers")
    every = ",".join(
        fields_for("project", {"anonymous": Tier.PUBLIC, "expert": Tier.EXPERT}.get(persona, Tier.INTERNAL))
    )
    listed = client.get("/api/v1/projects/", {"fields": every}, **headers).json()["results"]
    default = client.get("/api/v1/projects/", **headers).json()["results"]
    for row, light in zip(listed, default, strict=True):
        detail = client.get(row["url"], **headers).json()
        assert detail == row
        assert light == {name: value for name, value in detail.items() if name in LIST_FIELDS}
    csv_list = client.get("/api/v1/projects/", {"format": "csv", "fields": every}, **headers).content.decode(
        "utf-8-sig"
    )
    detail_lines = [
        client.get(f"/api/v1/projects/{row['public_id']}/", {"format": "csv"}, **headers)
        .content.decode("utf-8-sig")
        .splitlines()
        for row in listed
    ]
    assert csv_list.splitlines() == [detail_lines[0][0], *(lines[1] for lines in detail_lines)]


def test_list_query_count_is_flat(client, varied, expert_headers, django_assert_max_num_queries):
    # 15: with the 3 reads of the names' catalogue, once per data version (`web.catalogue_names`)
    with django_assert_max_num_queries(15):
        small = client.get("/api/v1/projects/", **expert_headers)
    ProjectFactory.create_batch(25, historical_tranches=1)
    with django_assert_max_num_queries(15):
        large = client.get("/api/v1/projects/", **expert_headers)
    assert len(large.json()["results"]) == len(small.json()["results"]) + 25


def test_rows_keep_the_ordering_paths_for_the_cursor():
    """The keyset paginator signs each page edge from these keys."""
    queryset = project_rows.project_values(selectors.api_projects(Tier.PUBLIC), Tier.PUBLIC, PATHS)
    assert set(PATHS) <= set(queryset.query.values_select) | set(queryset.query.annotation_select)


def test_public_pages_are_kept_per_data_version(client, varied, expert_headers):
    url = "/api/v1/projects/?page_size=2"
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.json() == first.json() and again["Link"] == first["Link"]
    assert not [q for q in queries.captured_queries if "workflows_project" in q["sql"]]
    # CSV of the same address: same rows
    assert client.get(url, {"format": "csv"}).status_code == 200
    # a committed write moves the version: the next answer is computed again
    Project.objects.filter(public_id=first.json()["results"][0]["public_id"]).update(acronym="RENOMMÉ")
    assert client.get(url).json() == first.json()  # no commit seen yet: the kept page
    bump_data_version()
    assert client.get(url).json()["results"][0]["acronym"] == "RENOMMÉ"
    # experts are never served from the public pages
    with CaptureQueriesContext(connection) as queries:
        client.get(url, **expert_headers)
        client.get(url, **expert_headers)
    assert len([q for q in queries.captured_queries if 'AS "public_id"' in q["sql"]]) == 2
