"""Versioned releases: Frictionless-valid, a CHANGELOG against the previous one, immutable
snapshots, a `latest` pointer, and files served from /donnees/ without path tricks."""

from __future__ import annotations

import csv
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from frictionless import validate
from openpyxl import load_workbook

from opendata import releases
from tests.factories import ProjectFactory
from workflows.models import Project, Visibility

pytestmark = pytest.mark.django_db


def digests(path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.iterdir())}


def rows(path, name) -> list[dict]:
    with open(path / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_release_is_valid_frictionless_data(releases_root, tranches, project_a, project_b):
    release = releases.publish_release()
    assert releases.latest_name() == release.name
    latest = releases_root / release.name

    report = validate(str(latest / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    projects = rows(latest, "projects.csv")
    assert [p["public_id"] for p in projects] == sorted(
        Project.objects.public().values_list("public_id", flat=True)
    )
    alpha = next(p for p in projects if p["public_id"] == project_a.public_id)
    assert alpha["establishment_finess"] == "690781810"
    assert alpha["award_amount"] == "100000.00"
    assert alpha["tranche_number"] == "1"
    assert [(t["project_public_id"], t["rank"], t["status"]) for t in rows(latest, "tranches.csv")] == [
        (project_a.public_id, "1", "paid")  # validated and submitted requests stay out
    ]
    # SHA256SUMS matches every other file, and nothing else is in the snapshot.
    sums = dict(reversed(line.split("  ")) for line in (latest / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == set(releases.RELEASE_FILES) - {"SHA256SUMS"}
    assert {n: d for n, d in digests(latest).items() if n != "SHA256SUMS"} == sums
    workbook = load_workbook(latest / "sirano.xlsx", read_only=True)
    assert workbook.sheetnames == ["projets", "tranches"]
    assert sum(1 for _ in workbook["projets"].iter_rows()) == len(projects) + 1
    assert "Première publication" in (latest / "CHANGELOG.md").read_text()


def test_registry_ids_are_typed_columns(releases_root, project_a):
    from workflows.models import TrialRegistration

    for registry, identifier in (("clinicaltrials", "NCT01234567"), ("idrcb", "2019-A00012-34")):
        project_a.registrations.add(
            TrialRegistration.objects.create(registry=registry, identifier=identifier)
        )
    releases.publish_release()
    row = rows(releases_root / releases.latest_name(), "projects.csv")[0]
    assert row["clinicaltrials_ids"] == "NCT01234567"
    assert row["idrcb_ids"] == "2019-A00012-34"
    assert row["eudract_ids"] == ""
    assert validate(str(releases_root / releases.latest_name() / "datapackage.json")).valid


def test_malformed_legacy_registry_ids_are_set_apart(releases_root, project_a):
    """A bulk-loaded id that fails its registry's format must not break the typed columns."""
    from workflows.models import TrialRegistration

    bad = TrialRegistration.objects.create(registry="prospero", identifier="CRD422021543163")
    good = TrialRegistration.objects.create(registry="prospero", identifier="CRD42021543163")
    project_a.registrations.add(bad, good)
    releases.publish_release()
    row = rows(releases_root / releases.latest_name(), "projects.csv")[0]
    assert row["prospero_ids"] == "CRD42021543163"
    assert row["other_registry_ids"] == "prospero:CRD422021543163"
    report = validate(str(releases_root / releases.latest_name() / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])


def test_second_release_reports_changes_and_keeps_the_first_intact(releases_root, project_a, project_b):
    first = releases.publish_release()
    before = digests(releases_root / first.name)

    project_a.award_amount = Decimal("125000.00")
    project_a.save()
    project_b.visibility = Visibility.INTERNAL
    project_b.save()
    newcomer = ProjectFactory(acronym="NOUVEAU")

    second = releases.publish_release()
    assert second.name == f"{first.name}-2"
    assert releases.latest_name() == second.name
    changelog = (releases_root / second.name / "CHANGELOG.md").read_text()
    assert f"Changements depuis la publication {first.name}" in changelog
    assert "## Nouveaux projets (1)" in changelog and newcomer.public_id in changelog
    assert (
        "## Projets retirés de la publication (1)" in changelog
        and f"- {project_b.public_id} BETA" in changelog
    )
    assert "## Montants accordés modifiés (1)" in changelog
    assert f"{project_a.public_id} ALPHA : 100\u202f000,00\xa0€ → 125\u202f000,00\xa0€" in changelog

    # The older snapshot is byte-for-byte what it was and its checksums still hold.
    assert digests(releases_root / first.name) == before
    assert releases.read_checksums(first.name) == {
        n: d for n, d in digests(releases_root / first.name).items() if n != "SHA256SUMS"
    }
    assert validate(str(releases_root / second.name / "datapackage.json")).valid


def test_publish_release_command(releases_root, project_a):
    out = io.StringIO()
    call_command("publish_release", "--date", "2026-01-15", stdout=out)
    assert "Publication 2026-01-15" in out.getvalue()
    assert "projects.csv" in out.getvalue()
    assert (releases_root / "2026-01-15" / "datapackage.json").exists()


def test_page_lists_releases_and_explains_files(client, releases_root, project_a):
    assert "Aucune publication" in client.get("/donnees/").content.decode()
    first = releases.publish_release()
    second = releases.publish_release()
    html = client.get("/donnees/").content.decode()
    for release in (first, second):
        assert f"/donnees/{release.name}/projects.csv" in html
        for item in release.files:
            if item.sha256:
                assert item.sha256 in html
    assert "establishment_finess" in html and "numero_tranche" in html  # columns explained
    assert "<caption>" in html and 'scope="col"' in html


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("projects.csv", "text/csv; charset=utf-8"),
        ("tranches.csv", "text/csv; charset=utf-8"),
        ("datapackage.json", "application/json"),
        ("sirano.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("SHA256SUMS", "text/plain; charset=utf-8"),
        ("CHANGELOG.md", "text/markdown; charset=utf-8"),
    ],
)
def test_files_are_streamed_with_their_type(client, releases_root, project_a, filename, content_type):
    release = releases.publish_release()
    for name in ("latest", release.name):
        response = client.get(f"/donnees/{name}/{filename}")
        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Type"] == content_type
        assert b"".join(response.streaming_content) == (releases_root / release.name / filename).read_bytes()
    assert "immutable" in client.get(f"/donnees/{release.name}/{filename}")["Cache-Control"]
    assert client.get(f"/donnees/latest/{filename}")["Cache-Control"] == "no-cache"


@pytest.mark.parametrize(
    "url",
    [
        "/donnees/latest/../../../etc/passwd",
        "/donnees/latest/%2e%2e%2fSHA256SUMS",
        "/donnees/latest/manage.py",
        "/donnees/latest/.building",
        "/donnees/2001-01-01/projects.csv",
        "/donnees/..%2f..%2fsecret/projects.csv",
    ],
)
def test_no_path_traversal(client, releases_root, project_a, url):
    releases.publish_release()
    assert client.get(url).status_code == 404


def test_missing_latest_is_404(client, releases_root):
    assert client.get("/donnees/latest/projects.csv").status_code == 404


@pytest.mark.sqlite
def test_release_order_is_byte_wise_on_both_engines(reference):
    """Release files merge-join in Python's order: the database sorts byte-wise (collation "C"
    on PostgreSQL, BINARY on SQLite), never by a locale that folds case, accents or hyphens."""
    from opendata.releases import _binary_order
    from workflows.models import Programme

    codes = ["b-2", "B1", "a_b", "ab", "Éc", "Z", "a-c"]
    for code in codes:
        Programme.objects.create(code=code, name=f"Programme {code}")
    ordered = list(
        Programme.objects.filter(code__in=codes)
        .order_by(_binary_order("code"))
        .values_list("code", flat=True)
    )
    assert ordered == sorted(codes, key=lambda c: c.encode())
