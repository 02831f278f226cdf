"""XLSX through openpyxl with every text cell stored as a string, never a formula.

openpyxl turns any str starting with `=` into a formula cell. Here text is written with
`data_type = "s"`; text that starts with a formula trigger (`fileformats.cells`) also gets the
"quote prefix" style, so a spreadsheet keeps it as text even when someone edits the cell. The
text itself is unchanged (no visible apostrophe) but for the control characters XML cannot hold
(NUL and the like, which made openpyxl fail the whole file); numbers and dates are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

from fileformats.cells import is_dangerous


def _mark_text(cell: Cell, value: str) -> Cell:
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell._value = value
    cell.data_type = "s"
    if is_dangerous(value):
        cell.quotePrefix = True
    return cell


def text_cell(sheet, value: str) -> Cell:
    """A cell of `sheet` (normal or write-only) holding `value` as text whatever it starts with."""
    return _mark_text(Cell(sheet, row=1, column=1), value)


def safe_row(sheet, row: Iterable) -> list:
    """Values for `sheet.append`: text becomes string cells, other values are unchanged."""
    return [text_cell(sheet, v) if isinstance(v, str) else v for v in row]


def append(sheet, row: Iterable) -> None:
    """`sheet.append(row)` with text never becoming a formula (normal or write-only sheets)."""
    sheet.append(safe_row(sheet, row))


def set_value(cell: Cell, value) -> None:
    """Assign a value to a cell of a normal sheet, text staying text."""
    if isinstance(value, str):
        _mark_text(cell, value)
    else:
        cell.value = value


def neutralise_sheet(sheet, min_row: int = 1) -> None:
    """After a writer that may have made formulas (pandas' `to_excel`): text cells become strings."""
    for row in sheet.iter_rows(min_row=min_row):
        for cell in row:
            if isinstance(cell.value, str):
                _mark_text(cell, cell.value)
