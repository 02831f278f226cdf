"""The ministry's historical open-data file, byte-compatible with what scanR and the Open
Science Barometer read today: `;`, cp1252, decimal comma, CRLF, 14 columns in this order.

One writer serves `export_opendata` and `/donnees/sirano.csv`; it streams row by row.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from fileformats import csv as safe_csv
from ingest.projects.headers import OPENDATA_COLUMNS as COLUMNS
from workflows import selectors
from workflows.models import Project, Region

ENCODING = "cp1252"
_REGIONS = dict(Region.choices)
NO_TRANCHE = "Aucune tranche"


class _Line:
    """File-like sink that hands back the last line csv.writer wrote."""

    def __init__(self) -> None:
        self.value = ""

    def write(self, text: str) -> None:
        self.value = text


def decimal_comma(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def row_for(project, identifiers: list[str]) -> list[str]:
    """One row of `selectors.public_project_values()` as the 14 historical cells."""
    tranche = project.tranche_number or 0
    # as the source published the name, not the de-duplicated spelling
    last_name, first_name = Project.published_pi(
        project.published_pi_last_name,
        project.published_pi_first_name,
        project.investigator__last_name,
        project.investigator__first_name,
    )
    return [
        project.call__code,
        str(project.call__year),
        str(_REGIONS.get(project.establishment__region, project.establishment__region)),
        project.establishment__name,
        project.establishment__finess,
        project.establishment__type,
        project.acronym,
        project.title,
        project.discipline_raw or (project.discipline__label or ""),
        last_name,
        first_name,
        decimal_comma(project.award_amount),
        ", ".join(identifiers),
        str(tranche) if tranche else NO_TRANCHE,
    ]


def _encode(text: str) -> bytes:
    # Characters cp1252 lacks are replaced, never allowed to break the whole export.
    return text.encode(ENCODING, errors="replace")


def iter_csv_bytes(chunk_size: int = 5000) -> Iterator[bytes]:
    """Stream the file of the public projects: header, then one encoded line per project.

    Rows come from `values_list` (no model instance) with `tranche_number` computed in SQL;
    the registry identifiers are read once beforehand (a few per project).
    """
    line = _Line()
    writer = safe_csv.writer(line, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield _encode(line.value)
    identifiers = selectors.public_registration_identifiers()
    for project in selectors.public_project_values().iterator(chunk_size=chunk_size):
        writer.writerow(row_for(project, identifiers.get(project.pk, ())))
        yield _encode(line.value)


def write_compat_csv(path) -> int:
    """Write the file to `path`; return the number of project rows."""
    count = -1
    with open(path, "wb") as handle:
        for chunk in iter_csv_bytes():
            handle.write(chunk)
            count += 1
    return count
