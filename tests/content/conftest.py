from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest

from demo.site import build_site
from tests.factories import ProjectFactory
from workflows.models import Discipline
from workflows.reference import get_or_create_call


@pytest.fixture
def portfolio(reference):
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
def site_tree(portfolio):
    from django.core.cache import cache

    cache.clear()
    return build_site(rng=random.Random(1), today=datetime.date(2026, 11, 1))
