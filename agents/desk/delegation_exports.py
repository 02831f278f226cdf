"""The table a budget agent sends to one ARS for a delegation: XLSX (openpyxl) or CSV.

Columns: establishment, FINESS, project id, tranche rank, amount. CSV is `;`-separated UTF-8 with
BOM and decimal comma, so French spreadsheet software opens it as is.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from fileformats import csv as safe_csv
from fileformats import xlsx as safe_xlsx
from workflows import selectors
from workflows.models import Delegation, Region

EXPORT_FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def header() -> list[str]:
    return [
        _("Établissement"),
        _("FINESS"),
        _("Identifiant du projet"),
        _("Rang de la tranche"),
        _("Montant (€)"),
    ]


def delegation_rows(*, delegation: Delegation, region: str) -> list[tuple[str, str, str, int, Decimal]]:
    """One row per tranche of the delegation whose establishment is in `region`."""
    return [
        (
            line.milestone.project.establishment.name,
            line.milestone.project.establishment.finess,
            line.milestone.project.public_id,
            line.milestone.rank,
            line.amount,
        )
        for line in selectors.delegation_lines(delegation, region=region)
    ]


def _french_decimal(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def to_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = safe_csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header())
    for name, finess, public_id, rank, amount in rows:
        writer.writerow([name, finess, public_id, rank, _french_decimal(amount)])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows, *, delegation: Delegation, region: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = region
    ars = f"ARS {Region(region).label}"
    safe_xlsx.append(
        sheet, [_("Délégation"), delegation.reference, _("Circulaire du"), delegation.circular_date]
    )
    sheet.append([_("Destinataire"), ars])
    sheet.append([])
    sheet.append(header())
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for name, finess, public_id, rank, amount in rows:
        safe_xlsx.append(sheet, [name, finess, public_id, rank, amount])
        sheet.cell(row=sheet.max_row, column=5).number_format = "#,##0.00"
    total = sum((row[4] for row in rows), Decimal(0))
    sheet.append([_("Total"), None, None, None, total])
    sheet.cell(row=sheet.max_row, column=5).number_format = "#,##0.00"
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for column, width in zip("ABCDE", (50, 12, 20, 10, 16), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_delegation(*, delegation: Delegation, region: str, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of one ARS table."""
    rows = delegation_rows(delegation=delegation, region=region)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"delegation-{delegation.reference}-{region}")
    if fmt == "csv":
        return to_csv(rows), "text/csv; charset=utf-8", f"{stem}.csv"
    return to_xlsx(rows, delegation=delegation, region=region), XLSX_TYPE, f"{stem}.xlsx"
