"""One `tranche_amount()` (share × award) with a written rounding contract, read by the model,
the ledger and the pandas snapshot alike: the indicators' amounts are the ledger's to the cent."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from reports.snapshot import build_snapshot
from tests.factories import ProjectFactory
from workflows import ledger, selectors
from workflows.models import ProjectMilestone
from workflows.money import tranche_amount

D = Decimal
#: Thirds of an award whose 33.34 % falls on a half cent: 100,075.00 × 33.34 % = 33,365.005 €.
#: In float the product is 33,365.00500000001 and rounds up; the contract rounds half to even.
AWARD = D("100075.00")
THIRDS = (D("33.33"), D("33.33"), D("33.34"))


@pytest.mark.parametrize(
    ("award", "share", "expected"),
    [
        (AWARD, D("33.33"), D("33355.00")),  # 33,354.9975: an ordinary round up
        (AWARD, D("33.34"), D("33365.00")),  # 33,365.005: half a cent, to the even cent
        (D("35867.30"), D("25"), D("8966.82")),  # 8,966.825: to the even cent (down)
        (D("35867.34"), D("25"), D("8966.84")),  # 8,966.835: to the even cent (up)
        (D("100000.00"), D("33.33"), D("33330.00")),
        (D("0.01"), D("50"), D("0.00")),  # half a cent of a cent: 0.005 → 0.00
    ],
)
def test_rounding_contract(award, share, expected):
    assert tranche_amount(award, share) == expected
    assert tranche_amount(award, share).as_tuple().exponent == -2


def test_a_float_is_refused():
    with pytest.raises(TypeError):
        tranche_amount(100075.0, D("33.34"))


def test_float_arithmetic_would_miss_the_cent():
    """What the snapshot did before: the float product rounds the half cent the other way."""
    assert round(float(AWARD) * float(D("33.34")) / 100, 2) == 33365.01
    assert tranche_amount(AWARD, D("33.34")) == D("33365.00")


@pytest.mark.django_db
def test_snapshot_and_selector_agree_to_the_cent_on_thirds(establishment_a):
    project = ProjectFactory(
        establishment=establishment_a, award_amount=AWARD, with_milestones=False, acronym="TIERS"
    )
    for rank, share in enumerate(THIRDS, start=1):
        ProjectMilestone.objects.create(
            project=project,
            rank=rank,
            label=f"Jalon {rank}",
            share_percent=share,
            is_last=rank == len(THIRDS),
            planned_date=datetime.date(2017 + rank, 1, 1),
        )
    # The ledger records tranches 1 and 2 as delegated (amount = share × award, derived).
    ledger.record_historical_tranches(
        entries=[ledger.HistoricalStock(project_id=project.pk, last_rank=2, source_file="tiers.csv")]
    )
    milestones = list(project.milestones.order_by("rank"))
    expected = [D("33355.00"), D("33355.00"), D("33365.00")]
    assert [m.tranche_amount for m in milestones] == expected

    snap = build_snapshot(timezone.localdate())
    rows = snap.milestones.set_index("milestone_id").loc[[m.pk for m in milestones]]
    # To the cent: the snapshot's float is the Decimal amount exactly (no 0.01 drift).
    assert [D(repr(value)) for value in rows["tranche_amount"].tolist()] == expected

    money = selectors.project_money(project)
    delegated = snap.tranches[snap.tranches["project_id"] == project.pk]["amount"]
    assert money["delegated"] == D("66710.00") == D(repr(round(float(delegated.sum()), 2)))
    # The last third, still to request: the snapshot's amount for it is the selector's remaining
    # figure (the thirds add up to the award to the cent).
    assert money["remaining"] == D("33365.00") == D(repr(float(rows["tranche_amount"].iloc[2])))
