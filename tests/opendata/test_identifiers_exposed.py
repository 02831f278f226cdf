"""The identifiers researchers link by leave the platform: the establishment's ROR id and the trial
registrations are in the API (list, detail, establishments) and in the release files."""

from __future__ import annotations

import csv

import pytest
from frictionless import validate

from opendata import releases
from tests.opendata.conftest import HIDDEN_ROR, PARIS_CITE

pytestmark = pytest.mark.django_db


def test_api_exposes_ror_ids_and_registrations(client, published):
    public_id = published["public"].public_id
    listing = client.get("/api/v1/projects/").json()["results"]
    [row] = [r for r in listing if r["public_id"] == public_id]
    assert row["establishment_ror_id"] == PARIS_CITE
    assert [r["identifier"] for r in row["registrations"]] == ["NCT01234567"]
    detail = client.get(f"/api/v1/projects/{public_id}/").json()
    assert detail["establishment_ror_id"] == PARIS_CITE
    assert detail["registrations"][0]["registry"] == "clinicaltrials"
    establishments = client.get("/api/v1/establishments/").json()["results"]
    by_finess = {e["finess"]: e for e in establishments}
    assert by_finess[published["public"].establishment.finess]["ror_id"] == PARIS_CITE
    csv_text = client.get("/api/v1/projects/?format=csv").content.decode("utf-8-sig")
    assert "establishment_ror_id" in csv_text.splitlines()[0]
    assert HIDDEN_ROR not in csv_text


def test_release_carries_ror_ids_and_registrations(releases_root, published):
    release = releases.publish_release()
    report = validate(str((releases_root / release.name) / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    with open((releases_root / release.name) / "projects.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    [row] = rows
    assert row["establishment_ror_id"] == PARIS_CITE
    assert row["clinicaltrials_ids"] == "NCT01234567"
    assert HIDDEN_ROR not in ((releases_root / release.name) / "projects.csv").read_text(encoding="utf-8")
