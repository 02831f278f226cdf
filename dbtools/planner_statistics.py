"""Planner statistics, refreshed after bulk loads (PostgreSQL and SQLite).

Autovacuum analyses a table some time after it changes, and may do so while a big load is still
uncommitted: the planner then believes a table of 4,000 projects is empty and picks nested loops
that take seconds instead of milliseconds. Bulk writers (demo seeding, imports) call
`analyze_portfolio_tables()` once their rows are written; `ANALYZE` runs inside the caller's
transaction and reads its rows. SQLite gathers no statistics at all unless asked: without them
it took any index with an equality (the project's visibility: every public project) over the
keyset index a page is sorted by, and read and sorted the whole portfolio for each API page
(7 ms instead of 0.2 at 4,000 projects); the same calls run `ANALYZE` there, table by table.

A load also outgrows its own statistics while it runs: after a dry run or on a fresh database the
planner believes the tables empty, and the per-batch reads of an import (a tranche joined to its
milestone, for 500 projects) turn into scans of everything loaded so far, each batch slower than
the last. `GrowthAnalyzer` re-analyses the tables a load writes each time it has doubled its rows.

In production the application's role owns no table (`grant_app_role`), and PostgreSQL skips a bare
`ANALYZE` from it with a warning. So the statistics go through `sirano_analyze(tables)`, a
SECURITY DEFINER function of the tables' owner (migration workflows/0013) that analyses only
portfolio tables.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import connections
from django.db.models import Model


def analyze_portfolio_tables(using: str = "default") -> None:
    """`ANALYZE` every table of the portfolio (the `workflows` models and their link tables)."""
    connection = connections[using]
    _analyze(connection, apps.get_app_config("workflows").get_models(include_auto_created=True))


def analyze_tables(models: Iterable[type[Model]], using: str = "default") -> None:
    """`ANALYZE` the tables of these models (link tables are models too)."""
    _analyze(connections[using], models)


def _analyze(connection, models: Iterable[type[Model]]) -> None:
    """PostgreSQL: one call of the owner's function, in the caller's transaction (it sees its
    rows). SQLite: `ANALYZE` of each table. Other databases: nothing."""
    tables = sorted({model._meta.db_table for model in models})
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT sirano_analyze(%s::text[])", [tables])
        elif connection.vendor == "sqlite":
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


class GrowthAnalyzer:
    """Calls `analyze_tables` when the rows loaded so far pass 500, 1,000, 2,000…: a handful of
    `ANALYZE` per load (7 for 40,000 rows), so plans follow the data while it is loaded."""

    def __init__(self, models: Iterable[type[Model]], *, first: int = 500, using: str = "default") -> None:
        self.models = list(models)
        self.using = using
        self.loaded = 0
        self.next_at = first

    def loaded_rows(self, count: int) -> None:
        self.loaded += count
        if self.loaded >= self.next_at:
            analyze_tables(self.models, using=self.using)
            while self.next_at <= self.loaded:
                self.next_at *= 2
