"""The directory's facet counts, read in one statement on PostgreSQL (GROUPING SETS) and in one
pass elsewhere (`content.directory.filters.facet_counts`), agree with their definition: for each
facet, one GROUP BY over the projects matching every OTHER active filter (and the search), over
random filter combinations of a seeded portfolio. Run on both databases (`sqlite` mark)."""

from __future__ import annotations

import datetime
import random

import pytest
from django.http import QueryDict

from content.directory import filters
from content.directory.filters import FACET_NAMES, ProjectFilter, facet_choices, facet_counts
from content.directory.queries import directory_queryset
from demo.portfolio import seed_portfolio
from search.query import search_projects
from workflows import selectors

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def by_definition(data: QueryDict) -> dict[str, dict[str, int]]:
    base = directory_queryset()
    text = (data.getlist("q") or [""])[-1].strip()
    if text:
        base = search_projects(base, text)
    result = {}
    for name in FACET_NAMES:
        others = data.copy()
        others.pop(name, None)
        others.pop("q", None)
        queryset = ProjectFilter(others, base, choices=facet_choices()).qs
        if name == "montant":
            result[name] = {k: v for k, v in filters._award_counts(queryset).items() if v}
        else:
            counts = selectors.facet_counts(queryset, ProjectFilter.FACETS[name])
            result[name] = {str(k): v for k, v in counts.items()}
    return result


def nonzero(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {name: {k: v for k, v in values.items() if v} for name, values in counts.items()}


@pytest.fixture
def portfolio(reference):
    seed_portfolio(projects=120, rng=random.Random(7), today=datetime.date(2026, 11, 1))


def random_query(rng: random.Random, values: dict[str, list[str]], searching: bool) -> QueryDict:
    data = QueryDict(mutable=True)
    for name in rng.sample(list(values), rng.randint(0, 4)):
        data.setlist(name, rng.sample(values[name], min(len(values[name]), rng.randint(1, 2))))
    if searching:
        data["q"] = rng.choice(["essai", "patients", "cancer", "étude"])
    return data


def test_one_read_counts_agree_with_one_group_by_per_facet(portfolio):
    everything = by_definition(QueryDict())
    values = {name: sorted(counts) for name, counts in everything.items() if counts}
    rng = random.Random(26)
    checked = 0
    for searching in (False, True):
        for _ in range(25):
            data = random_query(rng, values, searching)
            counts, total = facet_counts(data, directory_queryset())
            assert nonzero(counts) == by_definition(data), data.urlencode()
            if total is not None:
                assert total == ProjectFilter(data, directory_queryset(), choices=facet_choices()).qs.count()
            checked += 1
    assert checked == 50
    assert nonzero(facet_counts(QueryDict(), directory_queryset())[0]) == everything
