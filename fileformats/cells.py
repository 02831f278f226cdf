"""The neutralisation rule for cells that come from users (OWASP "CSV injection", defusedcsv's rule).

A spreadsheet evaluates a text cell that starts with `=`, `+`, `-` or `@` (and, in some
programs, a tab or a carriage return before one of them) as a formula. Such text gets a
leading apostrophe, which spreadsheets read as "text follows" and never evaluate. Numbers,
dates and booleans are values, never formulas, and pass unchanged; so does text that is only a
number (`-1234,50`, `+12.5`), so amounts written with a decimal comma stay numbers.
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: What a neutralised CSV cell starts with.
ESCAPE = "'"
_NUMBER = re.compile(r"^[+-]?\d[\d\u00a0\u202f ]*(?:[.,]\d+)?$")


def is_dangerous(text: str) -> bool:
    """True when a spreadsheet could read `text` as a formula."""
    return text.startswith(FORMULA_TRIGGERS) and not _NUMBER.match(text)


def neutralise(value):
    """The cell as it may be written to a CSV: dangerous text is prefixed with `'`."""
    if isinstance(value, str) and is_dangerous(value):
        return ESCAPE + value
    return value


def neutralise_row(row) -> list:
    return [neutralise(value) for value in row]
