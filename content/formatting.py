"""French number formatting for public pages: narrow no-break space thousands, decimal comma."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NNBSP = "\u202f"  # espace fine insécable, the French thousands separator
NBSP = "\u00a0"


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
