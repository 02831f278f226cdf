"""`/api/v1/projects/` costs the same number of queries for 50 or 800 projects, and walking
the `next` links returns each published project exactly once, whatever the ordering."""

from __future__ import annotations

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.portfolio import seed_portfolio
from workflows.data_version import bump_data_version
from workflows.models import Project

# Keyset pages compare and sort in the database: the `sqlite` mark runs these on both engines.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def count_queries(client, url: str) -> int:
    """Queries of a computed answer (public pages are otherwise kept per data version)."""
    bump_data_version()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def walk(client, url: str) -> tuple[list[str], list[str]]:
    """Follow `next` links; return the ids seen and the URLs of the pages visited."""
    seen, urls = [], []
    while url:
        urls.append(url)
        page = client.get(url)
        assert page.status_code == 200, page.content
        body = page.json()
        seen += [row["public_id"] for row in body["results"]]
        url = body["next"]
    return seen, urls


def test_constant_queries_and_exhaustive_walk(client, reference):
    today = datetime.date(2026, 6, 1)
    seed_portfolio(projects=50, rng=random.Random(1), today=today)
    small = count_queries(client, "/api/v1/projects/?page_size=1000")
    seed_portfolio(projects=800, rng=random.Random(2), today=today)  # tops the portfolio up
    assert Project.objects.count() >= 800
    large = count_queries(client, "/api/v1/projects/?page_size=1000")
    assert small == large, (small, large)
    assert large <= 6

    published = set(Project.objects.public().values_list("public_id", flat=True))
    assert len(published) > 600
    # `year` has ~50 ties per value: the tie-breaker keeps the walk exact across page edges.
    seen, urls = walk(client, "/api/v1/projects/?page_size=150&ordering=-year")
    assert len(seen) == len(set(seen)), "a project came back twice"
    assert set(seen) == published, "a published project was skipped"
    # The last page costs what the first one costs: no OFFSET, no cap on depth.
    assert len(urls) >= 4
    assert count_queries(client, urls[-1]) == count_queries(client, urls[0])


@pytest.mark.parametrize("ordering", ["selected_on", "-selected_on"])
def test_walk_by_selection_date_with_unknown_dates(client, reference, ordering):
    """Projects whose source gave only the year have no date (NULL): a walk sorted by date still
    returns every project once, the unknown ones together at one end (issue 27, item 4)."""
    seed_portfolio(projects=120, rng=random.Random(3), today=datetime.date(2026, 6, 1))
    ids = list(Project.objects.public().order_by("pk").values_list("pk", flat=True))
    Project.objects.filter(pk__in=ids[::3]).update(selected_on=None)
    published = set(Project.objects.public().values_list("public_id", flat=True))
    unknown = set(Project.objects.public().filter(selected_on=None).values_list("public_id", flat=True))
    assert len(unknown) >= 20

    seen, urls = walk(client, f"/api/v1/projects/?page_size=7&ordering={ordering}")
    assert len(urls) > len(published) // 7
    assert len(seen) == len(set(seen)), "a project came back twice"
    assert set(seen) == published, "a project was skipped"
    ends = seen[-len(unknown) :] if ordering == "selected_on" else seen[: len(unknown)]
    assert set(ends) == unknown, "projects without a date are not together at one end"
