"""French number and date formats shared by tables, charts and exports (no locale needed)."""

from __future__ import annotations

import datetime
import math

from content.formatting import MONTHS_FR, format_date, format_month

__all__ = ["MONTHS_FR", "cell", "compact_euros", "date", "days", "euros", "month", "number"]

NBSP = "\u00a0"


def number(value, decimals: int = 0) -> str:
    """1234567.5 → '1 234 568' (non-breaking space thousands, decimal comma)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def euros(value) -> str:
    """1234567 → '1 234 567 €' (rounded to the euro)."""
    text = number(value)
    return text if text == "–" else f"{text}{NBSP}€"


def compact_euros(value: float) -> str:
    """Axis ticks: 12 500 000 → '12,5 M€', 350 000 → '350 k€'."""
    value = float(value)
    if abs(value) >= 1_000_000:
        return f"{number(value / 1_000_000, 1 if value % 1_000_000 else 0)}{NBSP}M€"
    if abs(value) >= 1_000:
        return f"{number(value / 1_000)}{NBSP}k€"
    return euros(value)


def days(value) -> str:
    text = number(value, 0 if value is None or float(value).is_integer() else 1)
    return text if text == "–" else f"{text}{NBSP}j"


def date(value: datetime.date) -> str:
    """'1er mars 2026': the site's one date format (`content.formatting.format_date`)."""
    return format_date(value)


def month(value: datetime.date) -> str:
    return format_month(value)


def cell(value, kind: str) -> str:
    """Format one table cell according to its column kind."""
    if kind == "money":
        return euros(value)
    if kind == "int":
        return number(value)
    if kind == "days":
        return days(value)
    if kind == "month":
        return month(value)
    if kind == "year":
        # pandas holds a year column with gaps as floats: 2010.0 is written 2010
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return "" if value is None else str(value)
