"""A column added to the release files (here `establishment_ror_id`) is announced once in the
CHANGELOG, not reported as a change of every project against a release that lacked it."""

from __future__ import annotations

import csv
import datetime

import pytest

from opendata import releases
from tests.opendata.conftest import PARIS_CITE

pytestmark = pytest.mark.django_db


def _drop_column(path, column: str) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = [name for name in rows[0] if name != column]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def test_a_new_column_is_announced_once(releases_root, published, tmp_path):
    first = releases.publish_release()
    previous = tmp_path / "previous"
    previous.mkdir()
    for name in (releases.PROJECTS_CSV, releases.TRANCHES_CSV):
        (previous / name).write_bytes(((releases_root / first.name) / name).read_bytes())
    _drop_column(previous / releases.PROJECTS_CSV, "establishment_ror_id")
    out = tmp_path / "CHANGELOG.md"
    releases.write_changelog(
        out,
        name="2026-12-08",
        created=datetime.datetime(2026, 12, 8, 10, tzinfo=datetime.UTC),
        previous=previous,
        current=(releases_root / first.name),
        counts=(1, 0),
    )
    text = out.read_text(encoding="utf-8")
    assert "Nouvelles colonnes : establishment_ror_id" in text
    assert "## Autres changements de projets (avancement, statut, textes) (0)" in text
    assert PARIS_CITE not in text


def _set_column(path, column: str, value: str) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, column: value} for row in rows)


def test_a_made_up_selection_date_withdrawn_is_listed_apart(releases_root, published, tmp_path):
    """Issue 27, item 4: a 1st of January made up from the year, now left empty, is announced with
    the year that is known, not as an unexplained change."""
    first = releases.publish_release()
    previous = tmp_path / "previous"
    previous.mkdir()
    for name in (releases.PROJECTS_CSV, releases.TRANCHES_CSV):
        (previous / name).write_bytes(((releases_root / first.name) / name).read_bytes())
    current = tmp_path / "current"
    current.mkdir()
    for name in (releases.PROJECTS_CSV, releases.TRANCHES_CSV):
        (current / name).write_bytes(((releases_root / first.name) / name).read_bytes())
    _set_column(previous / releases.PROJECTS_CSV, "selected_on", "2016-01-01")
    _set_column(current / releases.PROJECTS_CSV, "selected_on", "")
    out = tmp_path / "CHANGELOG.md"
    releases.write_changelog(
        out,
        name="2026-12-08",
        created=datetime.datetime(2026, 12, 8, 10, tzinfo=datetime.UTC),
        previous=previous,
        current=current,
        counts=(1, 0),
    )
    text = out.read_text(encoding="utf-8")
    public_id = published["public"].public_id
    assert "## Dates de sélection retirées : la source ne donne que l'année (voir year) (1)" in text
    assert f"- {public_id} : {published['public'].call.year} (au lieu du 1er janvier 2016)" in text
