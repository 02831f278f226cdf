"""French figures for the desk whatever the admin user's interface language."""

from __future__ import annotations

from decimal import Decimal

NNBSP = "\u202f"


def euros(amount: Decimal | int | None) -> str:
    """12345.6 -> '12 345,60 €' (narrow no-break spaces, decimal comma)."""
    if amount is None:
        return "—"
    text = f"{Decimal(amount):,.2f}".replace(",", NNBSP).replace(".", ",")
    return f"{text}{NNBSP}€"
