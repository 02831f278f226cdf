"""Issue 22 point 4: planner statistics refresh under the application's non-owner role.

After `grant_app_role` the application owns no table; a bare `ANALYZE` is then skipped with a
warning and the planner keeps believing the tables empty. The statistics must move anyway.
"""

from __future__ import annotations

import secrets

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from dbtools.planner_statistics import analyze_portfolio_tables, analyze_tables
from tests.factories import ProjectFactory
from workflows.models import Project

pytestmark = pytest.mark.postgres


@pytest.fixture
def as_app_role(transactional_db):
    """The test's own connection switched to a login role that owns nothing, granted as the
    release step grants it (`scripts/release.sh` → `grant_app_role`)."""
    name = f"sirano_app_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN")
    call_command("grant_app_role", name, stdout=open("/dev/null", "w"))  # noqa: SIM115
    notices: list[str] = []
    connection.ensure_connection()
    connection.connection.add_notice_handler(lambda diagnostic: notices.append(diagnostic.message_primary))
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {name}")
    try:
        yield notices
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(f"DROP OWNED BY {name}")
            cursor.execute(f"DROP ROLE {name}")


def reltuples(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        return cursor.fetchone()[0]


def test_the_app_role_owns_no_table(as_app_role):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class WHERE relname = %s",
            [Project._meta.db_table],
        )
        assert cursor.fetchone()[0] is False


def test_portfolio_statistics_move_under_the_app_role(establishment_a, as_app_role):
    ProjectFactory.create_batch(7, establishment=establishment_a)
    analyze_portfolio_tables()
    assert reltuples(Project._meta.db_table) == 7
    assert not [notice for notice in as_app_role if "skipping" in notice], as_app_role


def test_growth_statistics_move_under_the_app_role(establishment_a, as_app_role):
    ProjectFactory.create_batch(3, establishment=establishment_a)
    analyze_tables([Project])
    assert reltuples(Project._meta.db_table) == 3
    assert as_app_role == []


def test_the_function_analyses_only_portfolio_tables(as_app_role):
    """The owner's function is no way for the application to touch any other table."""
    with (
        pytest.raises(DatabaseError, match="not a portfolio table"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT sirano_analyze(ARRAY['auth_user'])")
