"""Wagtail's `SpreadsheetExportMixin` (admin listings' CSV/XLSX buttons) with formula-safe cells.

Wagtail already keeps XLSX formulas as strings but writes CSV cells as they are; this mixin
sends both formats through `fileformats` so the admin's exports follow the platform's rule.
"""

from __future__ import annotations

from fileformats.cells import neutralise
from fileformats.xlsx import text_cell


class FormulaSafeExportMixin:
    """Put before Wagtail's index view class in the bases."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return neutralise(value) if export_format == self.FORMAT_CSV else value

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell in super().generate_xlsx_row(worksheet, row_dict, date_format=date_format):
            yield text_cell(worksheet, cell.value) if isinstance(cell.value, str) else cell
