"""With a query, the directory and the API keep the same number of SQL queries from 50 to 850
projects: the search is one vocabulary look-up plus subqueries, never a query per row."""

from __future__ import annotations

import datetime
import random

import pytest

from demo.portfolio import seed_portfolio
from workflows.data_version import bump_data_version

# Words of the demo title patterns (results at both sizes, so no empty-result suggestion runs),
# one with a typo.
QUERIES = ("essai randomisé", "etude cohorte", "multicentriqe", "pronostic")


def _count(client, django_assert_max_num_queries, url: str, param: str, extra: dict) -> int:
    client.get(url)  # warm the per-process caches (site, settings) out of the measure
    with django_assert_max_num_queries(100) as captured:  # 4 pages of at most 25 queries
        for text in QUERIES:
            response = client.get(url, {param: text, **extra})
            assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.postgres
def test_search_query_count_is_flat_from_50_to_850_projects(client, reference, django_assert_max_num_queries):
    today = datetime.date(2026, 11, 1)
    seed_portfolio(projects=50, rng=random.Random(1), today=today)
    bump_data_version()  # the test's writes are never committed: move the version by hand
    small = {
        "directory": _count(client, django_assert_max_num_queries, "/projets/", "q", {}),
        "api": _count(
            client, django_assert_max_num_queries, "/api/v1/projects/", "search", {"page_size": 100}
        ),
    }
    seed_portfolio(projects=800, rng=random.Random(2), today=today)
    bump_data_version()  # pages are cached per data version: measure freshly computed answers
    large = {
        "directory": _count(client, django_assert_max_num_queries, "/projets/", "q", {}),
        "api": _count(
            client, django_assert_max_num_queries, "/api/v1/projects/", "search", {"page_size": 100}
        ),
    }
    print(f"4 searches: {small} queries at 50 projects, {large} at 850")
    assert small == large
