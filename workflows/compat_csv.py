"""The ministry's historical open-data file, byte-compatible with what scanR and the Open
Science Barometer read today: `;`, cp1252, decimal comma, CRLF, 14 columns in this order.

One writer serves `export_opendata` and `/donnees/sirano.csv`; it streams row by row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from fileformats import csv as safe_csv

COLUMNS = [
    "appel_a_projets",
    "annee_de_selection",
    "region",
    "nom_etablissement",
    "finess",
    "type_etablissement",
    "acronyme",
    "titre",
    "discipline_principale",
    "nom_porteur",
    "prenom_porteur",
    "financement_total",
    "numero_registre_essais",
    "numero_tranche",
]
ENCODING = "cp1252"
NO_TRANCHE = "Aucune tranche"


class _Line:
    """File-like sink that hands back the last line csv.writer wrote."""

    def __init__(self) -> None:
        self.value = ""

    def write(self, text: str) -> None:
        self.value = text


def decimal_comma(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def row_for(project) -> list[str]:
    """One project (from `selectors.public_projects`) as the 14 historical cells."""
    establishment = project.establishment
    tranche = getattr(project, "tranche_number", None) or 0
    return [
        project.call.code,
        str(project.call.year),
        establishment.get_region_display(),
        establishment.name,
        establishment.finess,
        establishment.type,
        project.acronym,
        project.title,
        project.discipline_raw or (project.discipline.label if project.discipline else ""),
        project.pi_last_name,  # as the source published it, not the de-duplicated spelling
        project.pi_first_name,
        decimal_comma(project.award_amount),
        ", ".join(r.identifier for r in project.registrations.all()),
        str(tranche) if tranche else NO_TRANCHE,
    ]


def _encode(text: str) -> bytes:
    # Characters cp1252 lacks are replaced, never allowed to break the whole export.
    return text.encode(ENCODING, errors="replace")


def iter_csv_bytes(projects: Iterable, chunk_size: int = 2000) -> Iterator[bytes]:
    """Stream the file: header then one encoded line per project, memory flat in the row count."""
    line = _Line()
    writer = safe_csv.writer(line, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield _encode(line.value)
    iterator = projects.iterator(chunk_size=chunk_size) if hasattr(projects, "iterator") else projects
    for project in iterator:
        writer.writerow(row_for(project))
        yield _encode(line.value)


def write_compat_csv(path, projects: Iterable) -> int:
    """Write the file to `path`; return the number of project rows."""
    count = -1
    with open(path, "wb") as handle:
        for chunk in iter_csv_bytes(projects):
            handle.write(chunk)
            count += 1
    return count
