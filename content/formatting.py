"""French formats for every page, chart, export and message: numbers (narrow no-break space
thousands, decimal comma), euros, dates ("1er" for the first day of a month) and the French
alphabetical order of names. A leaf: it imports nothing of the project."""

from __future__ import annotations

import datetime
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

NNBSP = "\u202f"  # espace fine insécable, the French thousands separator
NBSP = "\u00a0"
MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def format_int(value: int | Decimal | float) -> str:
    """12345 -> '12 345'."""
    return f"{int(value):,}".replace(",", NNBSP)


def format_decimal(value: Decimal | float, places: int = 1) -> str:
    quantum = Decimal(1).scaleb(-places)
    text = f"{Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP):,}"
    return text.replace(",", NNBSP).replace(".", ",")


def format_euros(value: Decimal | float | int | None, *, compact: bool = False, places: int = 0) -> str:
    """Euros in French: '1 234 567 €' (whole euros), '12 345,60 €' with `places=2` (desk amounts),
    or compact ('1,2 M€', '3,45 Md€') for key figures."""
    if value is None:
        return "—"
    amount = Decimal(value)
    if compact and abs(amount) >= Decimal("1e9"):
        return f"{format_decimal(amount / Decimal('1e9'), 2)}{NBSP}Md€"
    if compact and abs(amount) >= Decimal("1e6"):
        return f"{format_decimal(amount / Decimal('1e6'), 1)}{NBSP}M€"
    if places:
        return f"{format_decimal(amount, places)}{NNBSP}€"
    return f"{format_int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))}{NBSP}€"


def format_date(value: datetime.date | datetime.datetime | None, *, with_year: bool = True) -> str:
    """The one French date format: '1er décembre 2026', '11 septembre 2026' ('' for no date).

    French writes the first day of a month as an ordinal ("1er"), the others as cardinals; the
    month is lower case and no locale is needed, so the result never depends on the server."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day} {MONTHS_FR[value.month - 1]}"
    return f"{text} {value.year}" if with_year else text


def format_month(value: datetime.date) -> str:
    """'mars 2026'."""
    return f"{MONTHS_FR[value.month - 1]} {value.year}"


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
