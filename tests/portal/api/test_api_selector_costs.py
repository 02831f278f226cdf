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
