"""Acceptance on the real open-data sample: import, re-import, export, re-import of the export."""

import csv
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import F

from opendata.compat_csv import COLUMNS
from workflows.models import Establishment, Investigator, Project, TrialRegistration

# The ministry's real file (Licence Ouverte), shipped with the tests: this test never skips.
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sirano-opendata-sample.csv"

pytestmark = pytest.mark.django_db


def test_the_real_sample_is_present():
    assert SAMPLE.is_file(), f"{SAMPLE} is missing: the real-data round trip cannot run"
    assert SAMPLE.stat().st_size > 250_000


def summary(capsys) -> str:
    return capsys.readouterr().out.strip().splitlines()[-1]


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="cp1252", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def test_sample_import_is_idempotent_and_round_trips(tmp_path, capsys):
    call_command("import_projects", str(SAMPLE))
    assert summary(capsys) == "created=1008 updated=0 unchanged=0 rejected=0"
    assert Establishment.objects.count() == 74
    assert {len(finess) for finess in Establishment.objects.values_list("finess", flat=True)} == {9}
    assert Establishment.objects.filter(finess__startswith="0").count() > 0  # padded FINESS
    # "Aucune tranche": the only project without historical tranches in the ledger.
    assert Project.objects.exclude(milestones__tranche_requests__is_historical=True).count() == 1
    assert TrialRegistration.objects.filter(registry="prospero").count() == 1

    call_command("import_projects", str(SAMPLE))
    assert summary(capsys) == "created=0 updated=0 unchanged=1008 rejected=0"

    exported = tmp_path / "export.csv"
    call_command("export_opendata", str(exported))
    capsys.readouterr()
    call_command("import_projects", str(exported))
    assert summary(capsys) == "created=0 updated=0 unchanged=1008 rejected=0"

    raw = exported.read_bytes()
    raw.decode("cp1252")  # the historical encoding
    assert raw.startswith(";".join(COLUMNS).encode() + b"\r\n")
    sample_rows, export_rows = read(SAMPLE), read(exported)
    assert export_rows[0] == sample_rows[0] == COLUMNS
    assert len(export_rows) == len(sample_rows) == 1009

    def comparable(row, *, pad):
        row = list(row)
        if pad:
            row[4] = row[4].zfill(9)  # the sample's FINESS lost their leading zero; the export has 9
        return tuple(row)

    # Every column, investigators' names included, byte for byte: only FINESS padding differs.
    assert Counter(comparable(r, pad=True) for r in sample_rows[1:]) == Counter(
        comparable(r, pad=False) for r in export_rows[1:]
    )
    # De-duplication still links spelling variants to one investigator, without rewriting them.
    variants = Project.objects.exclude(published_pi_last_name=F("investigator__last_name")) | (
        Project.objects.exclude(published_pi_first_name=F("investigator__first_name"))
    )
    assert variants.exists()
    assert Investigator.objects.count() < len({tuple(row[9:11]) for row in sample_rows[1:]})
    amounts = {row[11] for row in export_rows[1:]}
    assert all("," in amount and "." not in amount for amount in amounts)
