"""The public timeline says what happened to a tranche once: no "versée le X, versée le Y"."""

from __future__ import annotations

import datetime

from content.directory.presenters import tranche_label


def test_paid_the_day_it_was_delegated():
    day = datetime.date(2026, 12, 1)
    label = tranche_label(status="versée", delegated_on=day, paid_on=day)
    assert label == "déléguée et versée le 1er décembre 2026"
    assert label.count("versée") == 1


def test_paid_after_delegation():
    label = tranche_label(
        status="versée", delegated_on=datetime.date(2026, 9, 11), paid_on=datetime.date(2026, 10, 1)
    )
    assert label == "déléguée le 11 septembre 2026, versée le 1er octobre 2026"


def test_delegated_not_paid_and_legacy():
    assert (
        tranche_label(status="déléguée", delegated_on=datetime.date(2026, 3, 2)) == "déléguée le 2 mars 2026"
    )
    assert tranche_label(status="déléguée avant SIRANo") == "déléguée avant SIRANo"
