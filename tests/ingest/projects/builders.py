"""Messy files built in code: legacy XLSX workbooks and CSVs in every encoding and shape."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl


def write_csv(
    path: Path, rows: list[list[object]], *, encoding: str = "cp1252", separator: str = ";"
) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(
    path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None
) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cell_range in (merges or {}).get(name, []):
            sheet.merge_cells(cell_range)
    workbook.save(path)
    return path


OPENDATA_HEADER = [
    "appel_a_projets", "annee_de_selection", "region", "nom_etablissement", "finess", "type_etablissement",
    "acronyme", "titre", "discipline_principale", "nom_porteur", "prenom_porteur", "financement_total",
    "numero_registre_essais", "numero_tranche",
]  # fmt: skip


def opendata_row(**overrides) -> list[str]:
    row = {
        "appel_a_projets": "PHRCN",
        "annee_de_selection": "2016",
        "region": "Auvergne-Rhône-Alpes",
        "nom_etablissement": "HOSPICES CIVILS DE LYON",
        "finess": "690781810",
        "type_etablissement": "CHUR",
        "acronyme": "ALPHA",
        "titre": "Étude œsophage – ‘pilote’",
        "discipline_principale": "cardiologie",
        "nom_porteur": "DUPONT",
        "prenom_porteur": "Jean",
        "financement_total": "215630,00",
        "numero_registre_essais": "NCT02611440",
        "numero_tranche": "2",
    }
    row.update(overrides)
    return [row[column] for column in OPENDATA_HEADER]
