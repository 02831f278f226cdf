"""The money selector costs one lookup per project read, not one aggregation of the portfolio
per page (issue 18: a GROUP BY over 40,000 projects made every API page, even a cursor page
deep in the list, cost a second)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opendata.api import project_rows
from opendata.api import selectors as api_selectors
from workflows import selectors
from workflows.models import Project
from workflows.visibility import Tier

pytestmark = pytest.mark.django_db


def test_funding_figures_never_group_the_portfolio():
    queryset = selectors.with_funding_figures(Project.objects.all())
    assert queryset.query.group_by is None
    assert selectors.public_project_values().query.group_by is None
    rows = project_rows.project_values(
        api_selectors.api_projects(Tier.INTERNAL), Tier.INTERNAL, ["public_id"]
    )
    assert rows.query.group_by is None


def test_a_cursor_page_limits_before_it_computes(client, project_a, project_b):
    """The page's query ends in LIMIT and carries the cursor as a WHERE on the sort key, so the
    figures are computed for the page's rows only, at any depth."""
    first = client.get("/api/v1/projects/?page_size=1").json()
    with CaptureQueriesContext(connection) as queries:
        second = client.get(first["next"]).json()
    assert [r["public_id"] for r in second["results"]] == [project_b.public_id]
    main = next(q["sql"] for q in queries.captured_queries if '"public_id" AS "public_id"' in q["sql"])
    assert main.rstrip().upper().endswith("LIMIT 2")
    assert '"workflows_project"."public_id" >' in main


@pytest.mark.postgres  # reads PostgreSQL's plan: skips outside CI, fails in CI without PostgreSQL
@pytest.mark.parametrize(
    "ordering", ["award_amount", "-award_amount", "selected_on", "-acronym", "public_id"]
)
def test_a_cursor_page_reads_an_index_from_the_cursor(client, project_a, project_b, ordering):
    """A cursor page sorted by any indexed key is a row-value comparison an index answers in
    order: PostgreSQL reads the page's rows from the cursor on and stops (the earlier `OR` of
    per-column clauses was a filter on every row before the cursor, or a sort of every row after
    it)."""
    first = client.get(f"/api/v1/projects/?page_size=1&ordering={ordering}").json()
    with CaptureQueriesContext(connection) as queries:
        second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    main = next(q["sql"] for q in queries.captured_queries if '"public_id" AS "public_id"' in q["sql"])
    with connection.cursor() as cursor:
        # Sorting made prohibitively dear: a plan without a Sort node exists only if an index
        # gives the rows in the page's order from the cursor on.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {main}")
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "Sort" not in plan, plan
    # …and the cursor is where the index scan starts (an Index Cond), not a filter on every row
    # read from the index's beginning.
    assert "Index Cond: (ROW(" in plan or "Index Cond: ((public_id)" in plan, plan


def _main_query(client, params: dict) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/projects/", params).status_code == 200
    return next(q["sql"] for q in queries.captured_queries if '"public_id" AS "public_id"' in q["sql"])


def test_a_list_row_reads_only_the_columns_its_fields_show(client, project_a, project_b):
    """A default row has no summary: the summary stays in the table (at 1,000 rows it was most
    of what the page read). A row of `fields=programme,region` shows no money figure: none is
    computed."""
    default = _main_query(client, {})
    assert '"summary"' not in default
    assert "workflows_trancherequest" in default  # amount_delegated, amount_paid, tranche_number
    light = _main_query(client, {"fields": "programme,region"})
    assert "workflows_trancherequest" not in light
    assert '"title"' not in light
    every = _main_query(client, {"fields": "summary,amount_paid"})
    assert '"summary"' in every and "workflows_trancherequest" in every
