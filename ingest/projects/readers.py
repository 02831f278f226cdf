"""File readers: CSV (encoding and separator detected) and XLSX (openpyxl, read-only, every sheet).

Readers stream: each sheet yields `(row_number, cells)` with the row number a spreadsheet user
sees (1 = first line), so memory stays flat whatever the file size.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from formatting import format_number

SEPARATORS = (";", ",", "\t", "|")
_CHUNK = 1 << 20
#: A real row is a few kilobytes; a longer line is a file without line ends or not a CSV at all.
MAX_LINE_BYTES = 100_000


class UnreadableFile(Exception):
    """The file cannot be read at all (the command exits with code 2); message in French."""


@dataclass
class Sheet:
    name: str  # "" for a CSV
    rows: Iterator[tuple[int, list[object]]]
    total: int | None  # rows in the sheet when known, for the progress bar


@dataclass
class Source:
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    separator: str = ""
    sheets: list[Sheet] | None = None
    close: object = None

    def release(self) -> None:
        if callable(self.close):
            self.close()

    def describe(self) -> dict:
        return {"type": self.kind, "encoding": self.encoding, "separator": self.separator}


def open_source(path: str | Path) -> Source:
    """Detect the file type and open it; raise `UnreadableFile` with a French message."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise UnreadableFile(
            _("Impossible d'ouvrir « %(path)s » : %(error)s") % {"path": path, "error": error.strerror}
        )
    if head.startswith(b"PK\x03\x04"):
        return _open_xlsx(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            _("« %(name)s » est un classeur Excel 97-2003 (.xls) : enregistrez-le en .xlsx ou en CSV.")
            % {"name": path.name}
        )
    if not head:
        raise UnreadableFile(_("Le fichier « %(name)s » est vide.") % {"name": path.name})
    return _open_csv(path)


# CSV


def detect_encoding(path: Path) -> tuple[str, int]:
    """UTF-8 (with or without BOM) when every byte decodes, else cp1252; also count lines."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok, lines = True, 0
    with path.open("rb") as handle:
        first = handle.read(3)
        bom = first == codecs.BOM_UTF8
        handle.seek(0)
        while chunk := handle.read(_CHUNK):
            lines += chunk.count(b"\n")
            if utf8_ok:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
        if utf8_ok:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8_ok = False
    if bom:
        return "utf-8-sig", lines
    if utf8_ok:
        return "utf-8", lines
    return "cp1252", lines


def check_text(path: Path) -> None:
    """Refuse, with the line number, a CSV holding a NUL byte or a line too long to be a row.

    A NUL byte means a binary file (and PostgreSQL text cannot hold it); a line of a megabyte
    means missing line ends. Both are told in French before anything is parsed.
    """
    line, length = 1, 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            for part_index, part in enumerate(chunk.split(b"\n")):
                if part_index:
                    line, length = line + 1, 0
                nul = part.find(b"\x00")
                if nul >= 0:
                    raise UnreadableFile(
                        _(
                            "Ligne %(row)s : le fichier contient un caractère nul (octet 0x00), ce n'est "
                            "pas un fichier texte CSV. Enregistrez-le à nouveau en CSV depuis votre tableur."
                        )
                        % {"row": line}
                    )
                length += len(part)
                if length > MAX_LINE_BYTES:
                    raise UnreadableFile(
                        _(
                            "Ligne %(row)s : plus de %(max)s caractères sur une seule ligne. Vérifiez que le "
                            "fichier est bien un CSV avec une ligne par projet."
                        )
                        % {"row": line, "max": format_number(MAX_LINE_BYTES)}
                    )


def detect_separator(sample_lines: list[str]) -> str:
    """The separator giving the most lines of one same width (title lines have width 1)."""
    best, best_score = ";", (-1, -1)
    for separator in SEPARATORS:
        widths: dict[int, int] = {}
        for row in csv.reader(sample_lines, delimiter=separator):
            if len(row) > 1:
                widths[len(row)] = widths.get(len(row), 0) + 1
        if not widths:
            continue
        width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
        score = (count, width)
        if score > best_score:
            best, best_score = separator, score
    return best


def _open_csv(path: Path) -> Source:
    check_text(path)
    encoding, lines = detect_encoding(path)
    # cp1252 leaves five bytes undefined: decode them as latin-1 rather than fail the file.
    errors = "strict" if encoding.startswith("utf-8") else "replace"
    with path.open(encoding=encoding, errors=errors, newline="") as handle:
        sample = [line for _index, line in zip(range(40), handle, strict=False)]
    try:
        separator = detect_separator(sample)
    except csv.Error as error:
        raise UnreadableFile(_("CSV illisible (%(error)s).") % {"error": error})

    def rows() -> Iterator[tuple[int, list[object]]]:
        with path.open(encoding=encoding, errors=errors, newline="") as handle:
            reader = csv.reader(handle, delimiter=separator)
            start = 1
            try:
                for row in reader:
                    yield start, row
                    start = reader.line_num + 1
            except csv.Error as error:
                raise UnreadableFile(
                    _("Ligne %(row)s : CSV illisible (%(error)s).") % {"row": start, "error": error}
                )

    return Source(
        kind="csv",
        encoding=encoding,
        separator=separator,
        sheets=[Sheet(name="", rows=rows(), total=lines)],
    )


# XLSX


def _open_xlsx(path: Path) -> Source:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    # A file object, not the path: openpyxl judges paths by their extension, uploads have none.
    handle = path.open("rb")
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        handle.close()
        raise UnreadableFile(
            _("Classeur « %(name)s » illisible : %(error)s") % {"name": path.name, "error": error}
        )

    def rows(worksheet) -> Iterator[tuple[int, list[object]]]:
        for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
            yield number, list(row)

    def close() -> None:
        workbook.close()
        handle.close()

    sheets = [Sheet(name=ws.title, rows=rows(ws), total=ws.max_row) for ws in workbook.worksheets]
    return Source(kind="xlsx", sheets=sheets, close=close)
