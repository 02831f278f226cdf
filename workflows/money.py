"""Money rules, spelled once: which tranche states each euro figure counts, the figures' filters,
and a milestone's tranche amount (share × award) with its rounding contract.

The money selector (`workflows.selectors`), the award rule (`workflows.rules.within_award`), the
ledger, the visibility tiers and the pandas snapshot (`reports.snapshot`) all read this module.
It imports no model (the models import the rules, which read it).

committed = validated + delegated + paid (what counts against the award);
validated = committed and not yet delegated; delegated = delegated or paid (money that left
DGOS, historical tranches included); paid = paid. "As of" a day D: a SIRANo tranche counts from
the date it reached the state (validated_at, delegated_at, paid_at; the last state change when a
stamp is missing); a historical tranche (its real date predates SIRANo) counts as delegated from
its milestone's verification, else its declared date, else the project's selection date
(`reports.snapshot` reads the same rule).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from workflows.selection import selected_by
from workflows.tranche_states import TrancheStatus as S

#: States whose amount counts against the project's award (plain values: usable in SQL, in
#: Python comparisons and in pandas alike).
COMMITTED_STATES = (S.VALIDATED.value, S.DELEGATED.value, S.PAID.value)
#: Money that left DGOS.
DELEGATED_STATES = (S.DELEGATED.value, S.PAID.value)
#: Closed without money: the milestone may be requested again.
DROPPED_STATES = (S.REJECTED.value, S.WITHDRAWN.value)
#: A milestone with a request in one of these states is taken (the unique constraint agrees).
TAKEN_STATES = tuple(s.value for s in S if s.value not in DROPPED_STATES)
#: Tranche states shown outside DGOS (a request in instruction is internal business), and to
#: experts and establishments (validated included).
PUBLIC_TRANCHE_STATES = DELEGATED_STATES
EXPERT_TRANCHE_STATES = COMMITTED_STATES

MONEY_FIGURES = ("committed", "validated", "delegated", "paid")
CENT = Decimal("0.01")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(0, output_field=MONEY_FIELD)


def tranche_amount(award: Decimal, share_percent: Decimal) -> Decimal:
    """A milestone's tranche: `share_percent` % of `award`, in euros to the cent.

    Rounding contract: the product award × share / 100 is computed exactly in `Decimal` (never in
    float), then quantized once to 0.01 with ROUND_HALF_EVEN (a half cent goes to the even cent:
    8,966.825 → 8,966.82, 8,966.835 → 8,966.84). Inputs are Decimals, ints or decimal strings; a
    float is refused, since it already carries a binary error the cent could inherit.
    """
    if isinstance(award, float) or isinstance(share_percent, float):
        raise TypeError("tranche_amount takes Decimals, not floats")
    return (Decimal(award) * Decimal(share_percent) / 100).quantize(CENT, rounding=ROUND_HALF_EVEN)


def end_of_day(as_of: datetime.date) -> datetime.datetime:
    """Local midnight after `as_of`: everything stamped before it happened on or before that day."""
    return timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time()))


def _reached(stamp: str, cutoff: datetime.datetime) -> Q:
    return Q(**{f"{stamp}__lt": cutoff}) | Q(**{f"{stamp}__isnull": True, "status_changed_at__lt": cutoff})


def money_filters(as_of: datetime.date | None = None, prefix: str = "") -> dict[str, Q]:
    """`{figure: Q}` selecting the tranches (TrancheRequest rows) each figure sums, on a day."""
    if as_of is None:
        q = {
            "committed": Q(status__in=COMMITTED_STATES),
            "validated": Q(status=S.VALIDATED),
            "delegated": Q(status__in=DELEGATED_STATES),
            "paid": Q(status=S.PAID),
        }
    else:
        cutoff = end_of_day(as_of)
        historical = Q(is_historical=True) & (
            Q(milestone__verified_at__lt=cutoff)
            | Q(milestone__verified_at__isnull=True, milestone__declared_on__lte=as_of)
            | Q(
                milestone__verified_at__isnull=True,
                milestone__declared_on__isnull=True,
            )
            & selected_by(as_of, "milestone__project__")
        )
        workflow = Q(is_historical=False)
        delegated = historical | (
            workflow & Q(status__in=DELEGATED_STATES) & _reached("delegated_at", cutoff)
        )
        committed = historical | (
            workflow & Q(status__in=COMMITTED_STATES) & _reached("validated_at", cutoff)
        )
        q = {
            "committed": committed,
            "validated": committed & ~delegated,
            "delegated": delegated,
            "paid": workflow & Q(status=S.PAID) & _reached("paid_at", cutoff),
        }
    if not prefix:
        return q
    return {name: _prefixed(condition, prefix) for name, condition in q.items()}


def _prefixed(condition: Q, prefix: str) -> Q:
    children = [
        _prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1])
        for child in condition.children
    ]
    return Q(*children, _connector=condition.connector, _negated=condition.negated)


def committed_total(tranches: QuerySet) -> Decimal:
    """The committed figure over a queryset of tranche requests (one aggregate query)."""
    return tranches.aggregate(total=Coalesce(Sum("amount", filter=money_filters()["committed"]), ZERO))[
        "total"
    ]
