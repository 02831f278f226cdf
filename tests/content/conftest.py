from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest

from demo.site import build_site
from tests.factories import ProjectFactory
from tests.shared_data import shared_data
from workflows.models import Discipline
from workflows.reference import ensure_reference_data, get_or_create_call


def make_portfolio() -> list:
    ensure_reference_data()
    cardio = Discipline.objects.get(code="cardiologie")
    return [
        ProjectFactory(acronym="TELECARD", discipline=cardio, award_amount=Decimal("612000")),
        ProjectFactory(
            acronym="LEGACY", discipline=cardio, award_amount=Decimal("200000"), historical_tranches=2
        ),
        ProjectFactory(
            acronym="INFIRMIER",
            call=get_or_create_call("PHRIP", 2020),
            award_amount=Decimal("1500000"),
            selected_on=datetime.date(2020, 6, 1),
        ),
    ]


@pytest.fixture
def portfolio(reference):
    return make_portfolio()


@pytest.fixture(scope="class")
def site_tree(django_db_setup, django_db_blocker):
    """The demo site over `make_portfolio()`, built once per test class (tests/shared_data.py)."""
    with shared_data(django_db_blocker):
        make_portfolio()
        yield build_site(rng=random.Random(1), today=datetime.date(2026, 11, 1))
