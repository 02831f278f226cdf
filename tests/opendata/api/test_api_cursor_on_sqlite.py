"""On SQLite too, a cursor page reads the index of its sort from the cursor on (the demo's
database): row values in the cursor's condition, and planner statistics after a load, else
SQLite took the visibility index and read and sorted the whole portfolio for each page."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dbtools.planner_statistics import analyze_portfolio_tables
from tests.factories import ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

INDEXES = {
    "year": "project_year_keyset",
    "-year": "project_year_keyset",
    "award_amount": "project_amount_keyset",
    "selected_on": "project_selected_keyset",
    "-selected_on": "project_selected_keyset",
    "acronym": "project_acronym_keyset",
}


@pytest.fixture
def portfolio():
    for number in range(12):
        # some dates unknown: the selection-date sort meets both kinds
        ProjectFactory(
            acronym=f"P{number:02d}",
            selected_on=None if number % 3 == 0 else datetime.date(2020, 1, number + 1),
        )
    analyze_portfolio_tables()


def test_a_load_leaves_sqlite_planner_statistics(portfolio):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's statistics are checked under the application's role")
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        analysed = {row[0] for row in cursor.fetchall()}
    assert {"workflows_project", "workflows_projectmilestone"} <= analysed  # (empty tables get no row)


@pytest.mark.parametrize("ordering", sorted(INDEXES))
def test_a_cursor_page_reads_its_index_on_sqlite(client, portfolio, ordering):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL: test_a_cursor_page_reads_an_index_from_the_cursor")
    first = client.get(f"/api/v1/projects/?page_size=2&ordering={ordering}").json()
    with CaptureQueriesContext(connection) as queries:
        second = client.get(first["next"]).json()
    assert len(second["results"]) == 2
    main = next(q["sql"] for q in queries.captured_queries if '"public_id" AS "public_id"' in q["sql"])
    assert ") > (" in main or ") < (" in main  # a row value, not an OR of columns
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {main}")
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert INDEXES[ordering] in plan, plan
