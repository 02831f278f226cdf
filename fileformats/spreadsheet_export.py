"""Wagtail's `SpreadsheetExportMixin` (admin listings' CSV/XLSX buttons) with formula-safe cells.

Wagtail already keeps XLSX formulas as strings but writes CSV cells as they are; this mixin
sends both formats through `fileformats` so the admin's exports follow the platform's rule.
Wagtail's own listings (site history, aging pages, redirects…) are not ours to subclass: the
one place they are made safe is `make_wagtail_exports_formula_safe`, run once at start-up by
the agents' app (agents/apps.py), which gives Wagtail's mixin the same two methods.
"""

from __future__ import annotations

from fileformats.cells import neutralise
from fileformats.csv import writer as safe_writer
from fileformats.xlsx import text_cell


class FormulaSafeExportMixin:
    """Put before Wagtail's index view class in the bases."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return neutralise(value) if export_format == self.FORMAT_CSV else value

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell in super().generate_xlsx_row(worksheet, row_dict, date_format=date_format):
            yield text_cell(worksheet, cell.value) if isinstance(cell.value, str) else cell


class _Echo:
    """A file-like sink whose `write` hands the line back (for a streaming response)."""

    def write(self, value: str) -> str:
        return value


def _stream_csv(self, queryset):
    """Wagtail's `stream_csv`, through the project's writer (headings and cells neutralised)."""
    writer = safe_writer(_Echo())
    yield writer.writerow([self.get_heading(queryset, field) for field in self.list_export])
    for item in queryset:
        row = self.to_row_dict(item)
        yield writer.writerow(
            [self.preprocess_field_value(field, value, self.FORMAT_CSV) for field, value in row.items()]
        )


def _generate_xlsx_row(self, worksheet, row_dict, date_format=None):
    for cell in _ORIGINAL_GENERATE_XLSX_ROW(self, worksheet, row_dict, date_format=date_format):
        yield text_cell(worksheet, cell.value) if isinstance(cell.value, str) else cell


_ORIGINAL_GENERATE_XLSX_ROW = None


def make_wagtail_exports_formula_safe() -> None:
    """Every `SpreadsheetExportMixin` view (Wagtail's reports and redirects included) writes its
    CSV with the project's writer and its XLSX text as text cells. Idempotent."""
    global _ORIGINAL_GENERATE_XLSX_ROW
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    if SpreadsheetExportMixin.stream_csv is _stream_csv:
        return
    _ORIGINAL_GENERATE_XLSX_ROW = SpreadsheetExportMixin.generate_xlsx_row
    SpreadsheetExportMixin.stream_csv = _stream_csv
    SpreadsheetExportMixin.generate_xlsx_row = _generate_xlsx_row
