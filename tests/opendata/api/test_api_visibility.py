"""Walk every field the API serves, for every audience, against `workflows.visibility.FIELDS`.

Driven by the registry: a field the registry does not classify, or classifies above the
reader's tier, fails the test wherever it appears (JSON keys, nested objects, CSV headers).
"""

from __future__ import annotations

import csv
import io

import pytest

from workflows.visibility import FIELDS, Tier, fields_for

pytestmark = pytest.mark.django_db

#: endpoint -> registry model of each result
ENDPOINTS = {
    "/api/v1/projects/": "project",
    "/api/v1/tranches/": "tranche",
    "/api/v1/establishments/": "establishment",
    "/api/v1/calls/": "call",
}
#: nested fields whose items are themselves registry models
NESTED = {("project", "milestones"): "milestone"}


def walk(obj: dict, model: str, seen: list[tuple[str, str]]) -> None:
    for key, value in obj.items():
        seen.append((model, key))
        child = NESTED.get((model, key))
        if child:
            for item in value:
                walk(item, child, seen)


def served_fields(client, headers) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    for url, model in ENDPOINTS.items():
        response = client.get(url, **headers)
        assert response.status_code == 200, response.content
        results = response.json()["results"]
        assert results, f"{url} returned nothing: the walk would prove nothing"
        for row in results:
            walk(row, model, seen)
        header = next(
            csv.reader(io.StringIO(client.get(url, {"format": "csv"}, **headers).content.decode("utf-8-sig")))
        )
        seen.extend((model, column.split(".")[0]) for column in header)
    for row in client.get("/api/v1/projects/", **headers).json()["results"]:
        walk(client.get(f"/api/v1/projects/{row['public_id']}/", **headers).json(), "project", seen)
    return seen


@pytest.fixture
def rich_data(tranches, project_a, project_b):
    """Every internal field holds a value, so a leak cannot hide behind an empty string."""
    for project in (project_a, project_b):
        project.source_file = "dgos-2016.csv"
        project.source_row = 12
        project.budget_breakdown = "Personnel 60 %"
        project.discipline_raw = "cardiologie"
        project.save()
        project.investigator.email = "porteur@chu.example"
        project.investigator.save()
        project.establishment.contact_email = "drci@chu.example"
        project.establishment.save()
    return tranches


@pytest.mark.parametrize(
    ("persona", "tier"), [("anonymous", Tier.PUBLIC), ("expert", Tier.EXPERT), ("agent", Tier.INTERNAL)]
)
def test_every_served_field_is_allowed_for_the_tier(client, rich_data, persona, tier, request):
    headers = {} if persona == "anonymous" else request.getfixturevalue(f"{persona}_headers")
    seen = served_fields(client, headers)
    for model, field in seen:
        assert field in FIELDS[model], f"{model}.{field} is served but not classified in visibility.FIELDS"
        assert FIELDS[model][field] <= tier, (
            f"{model}.{field} ({FIELDS[model][field].name}) served to {persona}"
        )
    served = {(m, f) for m, f in seen}
    # Each tier gets at least every public field of each model (nothing silently dropped).
    for model in [*ENDPOINTS.values(), "milestone"]:
        missing = set(fields_for(model, Tier.PUBLIC)) - {f for m, f in served if m == model}
        assert not missing, f"public fields of {model} not served: {missing}"


def test_anonymous_never_sees_an_internal_or_expert_field(client, rich_data):
    hidden = {(m, f) for m, fields in FIELDS.items() for f, level in fields.items() if level > Tier.PUBLIC}
    leaked = hidden & set(served_fields(client, {}))
    assert not leaked
    body = client.get("/api/v1/projects/").content.decode()
    for secret in ("porteur@chu.example", "drci@chu.example", "Personnel 60 %", "dgos-2016.csv"):
        assert secret not in body


def test_expert_fields_need_an_expert_token(client, rich_data, expert_headers):
    every = {"fields": "discipline_raw,late_milestones,amount_validated,planned_dates,milestones"}
    anonymous = client.get("/api/v1/projects/", {"fields": "discipline_raw,milestones"}).json()["results"][0]
    expert = client.get("/api/v1/projects/", every, **expert_headers).json()["results"][0]
    listed = client.get("/api/v1/projects/", **expert_headers).json()["results"][0]
    assert {"late_milestones", "amount_validated"} <= set(listed)  # the list's expert columns
    internal = client.get("/api/v1/projects/", {"fields": "budget_breakdown"}, **expert_headers)
    assert internal.status_code == 400  # an internal field asked with an expert token
    assert "late_milestones" not in anonymous and anonymous["discipline_raw"] == "cardiologie"
    assert {"late_milestones", "amount_validated", "planned_dates"} <= set(expert)
    assert "budget_breakdown" not in expert and "investigator_email" not in expert
    assert "planned_date" in expert["milestones"][0] and "planned_date" not in anonymous["milestones"][0]


def test_release_columns_are_public_fields():
    from opendata.release_schema import PROJECT_COLUMNS, TRANCHE_COLUMNS

    for model, columns in (("project", PROJECT_COLUMNS), ("tranche", TRANCHE_COLUMNS)):
        for column in columns:
            assert FIELDS[model][column.source] == Tier.PUBLIC, column.name
