"""The one French formatter of SIRANo, for every page, chart, table, export and message.

Numbers come from Babel's French locale data (CLDR): narrow no-break space (U+202F) between
thousands, decimal comma. Units follow a no-break space (U+00A0): "1 234 567 €", "12,5 M€",
"3 j". A missing value is an em dash "—" everywhere. Dates are written "1er décembre 2026"
(French writes the first day of a month as an ordinal) with Babel's month names. Names sort in
French alphabetical order. A leaf package: it imports nothing of the project.
"""

from __future__ import annotations

import datetime
import math
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import get_month_names
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from django.utils import timezone

LOCALE = "fr_FR"
NBSP = "\u00a0"  # before a unit: "€", "M€", "j"
EMPTY = "—"  # a value that is not known

MONTHS_FR = tuple(get_month_names("wide", locale=LOCALE)[month] for month in range(1, 13))


def _is_missing(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


#: Python's grouped number ("1,234,567.50") in the French locale's symbols, read from Babel once:
#: Babel's own formatting took 45 µs a number (a directory page writes a hundred of them);
#: `tests/formatting` holds this to Babel's output
_TO_FRENCH = str.maketrans(
    {",": get_group_symbol(LOCALE), ".": get_decimal_symbol(LOCALE), "-": get_minus_sign_symbol(LOCALE)}
)


def format_number(value, places: int = 0) -> str:
    """1234567.5 → '1 234 568'; with `places=2` → '1 234 567,50' (halves rounded up)."""
    if _is_missing(value):
        return EMPTY
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{amount:,.{places}f}".translate(_TO_FRENCH)


def format_euros(value, *, places: int = 0, compact: bool = False) -> str:
    """'1 234 567 €' (whole euros), '12 345,60 €' with `places=2` (desk and history amounts),
    or compact for key figures and chart axes: '3,45 Md€', '1,2 M€', '350 k€'."""
    if _is_missing(value):
        return EMPTY
    amount = Decimal(str(value))
    if compact:
        for size, places_, unit in (
            (Decimal("1e9"), 2, "Md€"),
            (Decimal("1e6"), 1, "M€"),
            (Decimal("1e3"), 0, "k€"),
        ):
            if abs(amount) >= size:
                scaled = amount / size
                shown = places_ if scaled != scaled.to_integral_value() else 0
                return f"{format_number(scaled, shown)}{NBSP}{unit}"
    return f"{format_number(amount, places)}{NBSP}€"


def format_days(value) -> str:
    """'12 j', '3,5 j'."""
    if _is_missing(value):
        return EMPTY
    places = 0 if float(value).is_integer() else 1
    return f"{format_number(value, places)}{NBSP}j"


def format_date(value: datetime.date | datetime.datetime | None, *, with_year: bool = True) -> str:
    """'1er décembre 2026', '11 septembre 2026' ('' for no date); never depends on the server's locale."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        # a moment is dated in the site's time zone: 00:30 in Paris is not the day before (UTC)
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day} {MONTHS_FR[value.month - 1]}"
    return f"{text} {value.year}" if with_year else text


def format_datetime(value: datetime.datetime | None) -> str:
    """'7 décembre 2026 à 9 h 05' ('' for none), in the site's time zone for an aware moment."""
    if value is None or value == "":
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{format_date(value)} à {value.hour} h {value.minute:02d}"


def format_month(value: datetime.date) -> str:
    """'mars 2026'."""
    return f"{MONTHS_FR[value.month - 1]} {value.year}"


def format_cell(value, kind: str) -> str:
    """One table cell by its column kind: money, int, days, month, year or text."""
    if kind == "money":
        return format_euros(value)
    if kind == "int":
        return format_number(value)
    if kind == "days":
        return format_days(value)
    if kind == "month":
        return format_month(value)
    if kind == "year":
        # pandas holds a year column with gaps as floats: 2010.0 is written 2010
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return "" if value is None else str(value)


def french_sort_key(text: object) -> tuple[str, str]:
    """Key for sorting names in French alphabetical order: accents, case and apostrophes are
    ignored at first ("Génétique" before "Gynécologie", "Île-de-France" among the I), then
    break ties on the text itself so the order is total and stable."""
    raw = "" if text is None else str(text)
    decomposed = unicodedata.normalize("NFKD", raw.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = folded.replace("œ", "oe").replace("æ", "ae")
    primary = "".join(c if c.isalnum() else " " for c in folded)
    return " ".join(primary.split()), raw


def sorted_french(items, key=lambda item: item):
    """`items` sorted in French alphabetical order of `key(item)`."""
    return sorted(items, key=lambda item: french_sort_key(key(item)))
