"""CSV writers whose every text cell is neutralised (see `fileformats.cells`).

`writer()` wraps `csv.writer` with the same signature (so it also feeds streaming responses
through a one-line sink); `frame_to_csv()` writes a pandas frame (numbers stay numbers).

Lines end with CRLF (RFC 4180), the only terminator here: Python's csv quotes a cell holding a
character of its line terminator, so with CRLF a CR or LF inside a cell is always quoted and
never splits a row; with "\n" a bare CR was left unquoted (issue 25 §2).
"""

from __future__ import annotations

import csv as _csv
from collections.abc import Iterable

from fileformats.cells import neutralise, neutralise_row

LINE_TERMINATOR = "\r\n"


class SafeWriter:
    """`csv.writer` that neutralises every text cell it is given."""

    def __init__(self, handle, **fmtparams) -> None:
        terminator = fmtparams.setdefault("lineterminator", LINE_TERMINATOR)
        if terminator != LINE_TERMINATOR or fmtparams.get("quoting", _csv.QUOTE_MINIMAL) == _csv.QUOTE_NONE:
            raise ValueError("lineterminator must be CRLF and cells quoted: a CR or LF would split a row.")
        self._writer = _csv.writer(handle, **fmtparams)

    def writerow(self, row: Iterable):
        return self._writer.writerow(neutralise_row(row))

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle, **fmtparams) -> SafeWriter:
    return SafeWriter(handle, **fmtparams)


def neutralise_frame(frame):
    """A copy of a pandas DataFrame whose text cells and headers are neutralised."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype) in ("string", "str"):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(c) for c in out.columns]
    return out


def frame_to_csv(frame, **to_csv_kwargs) -> str:
    """The frame as CSV text, CRLF-terminated like `writer()`."""
    return neutralise_frame(frame).to_csv(**{"lineterminator": LINE_TERMINATOR, **to_csv_kwargs})
