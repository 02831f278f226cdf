"""Issue 25 §2: a carriage return in a cell never splits a CSV row.

Python's csv writer quotes only the characters of its line terminator: with "\\n" a bare CR was
left unquoted, so a title "\\r=1+1" made the release's projects.csv read as a short row followed
by a row starting with a live `=1+1`, and the next release's changelog failed on it.
"""

from __future__ import annotations

import csv
import datetime
import io

import pandas as pd
import pytest
from django.db import connection

from fileformats import csv as safe_csv
from fileformats.cells import ESCAPE, is_dangerous
from opendata import releases
from opendata.release_schema import PROJECT_COLUMNS
from tests.factories import ProjectFactory

NASTY = [
    "\r=1+1",
    "avant\rarrière",
    "ligne\nsuivante",
    'fin\r\n=HYPERLINK("http://evil.example")',
    "nul\x00caractère",
    "=SUM(1+1)",
    "+33 1 23",
    "-2+3",
    "@cmd",
    "\t=1",
    "\r\n",
    'guillemet " et ; point-virgule, virgule',
]


def original(cell: str) -> str:
    """What a neutralised cell stood for."""
    return cell[len(ESCAPE) :] if cell.startswith(ESCAPE) and is_dangerous(cell[len(ESCAPE) :]) else cell


def written(rows: list[list], **fmtparams) -> str:
    buffer = io.StringIO(newline="")
    safe_csv.writer(buffer, **fmtparams).writerows(rows)
    return buffer.getvalue()


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_the_writer_keeps_every_cell_whole(delimiter):
    header = ["id", *(f"texte_{i}" for i in range(len(NASTY)))]
    rows = [[n, *NASTY[n:], *NASTY[:n]] for n in range(len(NASTY))]
    text = written([header, *rows], delimiter=delimiter)

    read = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert len(read) == len(rows) + 1
    for got, sent in zip(read[1:], rows, strict=True):
        assert len(got) == len(header)
        assert not any(is_dangerous(cell) for cell in got)
        assert [original(cell) for cell in got[1:]] == sent[1:]

    frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False)
    assert list(frame.columns) == header
    assert len(frame) == len(rows)
    for (_index, got), sent in zip(frame.iterrows(), rows, strict=True):
        assert [original(cell) for cell in got.tolist()[1:]] == sent[1:]


def test_the_writer_refuses_a_terminator_that_would_leave_cr_unquoted():
    with pytest.raises(ValueError, match="lineterminator"):
        safe_csv.writer(io.StringIO(), lineterminator="\n")


@pytest.mark.django_db
def test_release_files_keep_a_carriage_return_inside_its_cell(establishment_a, releases_root):
    establishment_a.name = "CHU\r=1+1"
    establishment_a.save()
    # PostgreSQL text refuses NUL (and forms refuse it before): the writer test above covers it.
    stored = [value for value in NASTY if "\x00" not in value] if connection.vendor == "postgresql" else NASTY
    projects = [
        ProjectFactory(establishment=establishment_a, acronym=value, title=value or "titre", summary=value)
        for value in stored
    ]
    first = releases.publish_release(today=datetime.date(2026, 12, 1))
    with open(releases_root / first.name / releases.PROJECTS_CSV, encoding="utf-8", newline="") as handle:
        text = handle.read()

    read = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(read) == len(projects)
    assert all(len(row) == len(PROJECT_COLUMNS) and None not in row for row in read)
    by_id = {row["public_id"]: row for row in read}
    for project in projects:
        row = by_id[project.public_id]
        assert original(row["title"]) == project.title
        assert original(row["acronym"]) == project.acronym
        assert original(row["establishment"]) == "CHU\r=1+1"
    assert not any(is_dangerous(cell) for row in read for cell in row.values())

    frame = pd.read_csv(releases_root / first.name / releases.PROJECTS_CSV, dtype=str, keep_default_na=False)
    assert len(frame) == len(projects)
    assert sorted(original(title) for title in frame["title"]) == sorted(p.title for p in projects)

    # The next release compares with this one (write_changelog used to fail with a TypeError).
    projects[0].title = "Titre corrigé"
    projects[0].save()
    second = releases.publish_release(today=datetime.date(2026, 12, 2))
    changelog = (releases_root / second.name / releases.CHANGELOG).read_text(encoding="utf-8")
    assert f"{projects[0].public_id} : title" in changelog
