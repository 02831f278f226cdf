"""PostgreSQL planner statistics, refreshed after bulk loads.

Autovacuum analyses a table some time after it changes, and may do so while a big load is still
uncommitted: the planner then believes a table of 4,000 projects is empty and picks nested loops
that take seconds instead of milliseconds. Bulk writers (demo seeding, imports) call
`analyze_portfolio_tables()` once their rows are written; `ANALYZE` runs inside the caller's
transaction and reads its rows. Other databases keep their own statistics: nothing to do there.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connections


def analyze_portfolio_tables(using: str = "default") -> None:
    """`ANALYZE` every table of the portfolio (the `workflows` models and their link tables)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_app_config("workflows").get_models(include_auto_created=True)
        }
    )
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
