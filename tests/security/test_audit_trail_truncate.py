"""Issue 13 item 7: the audit trail survives TRUNCATE, and the application can run as a role that does
not own the tables (migrations as the owner, `grant_app_role` after them)."""

from __future__ import annotations

import secrets

import psycopg
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from workflows.models import AuditEvent

pytestmark = pytest.mark.postgres


def test_truncate_by_the_owner_is_refused_by_a_trigger(transactional_db, instructing_agent):
    event = AuditEvent.objects.create(actor=instructing_agent, action="validate", created_at=timezone.now())
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The test runner's own flush flag is switched off: this is the application's session.
        cursor.execute("SET LOCAL sirano.allow_audit_truncate = 'off'")
        cursor.execute("TRUNCATE workflows_auditevent CASCADE")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.fixture
def app_role(transactional_db):
    """A login role that owns nothing, granted by `grant_app_role` as the deployment does."""
    name, password = f"sirano_app_{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    with connection.cursor() as cursor:
        # DDL takes no bound parameter (parameters are bound on the server): a quoted literal
        statement = psycopg.sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            psycopg.sql.Identifier(name), psycopg.sql.Literal(password)
        )
        cursor.execute(statement.as_string(cursor.connection))
    call_command("grant_app_role", name, stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings = connection.settings_dict
    conninfo = psycopg.conninfo.make_conninfo(
        host=settings["HOST"] or "127.0.0.1",
        port=str(settings["PORT"] or 5432),
        dbname=settings["NAME"],
        user=name,
        password=password,
    )
    with psycopg.connect(conninfo, autocommit=True) as app_connection:
        yield app_connection
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {name}")
        cursor.execute(f"DROP ROLE {name}")


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE workflows_auditevent",
        "UPDATE workflows_auditevent SET comment = 'falsifié'",
        "DELETE FROM workflows_auditevent",
        "ALTER TABLE workflows_auditevent DISABLE TRIGGER ALL",
        "DROP TABLE workflows_auditevent CASCADE",
    ],
)
def test_app_role_cannot_rewrite_the_audit_trail(app_role, instructing_agent, statement):
    event = AuditEvent.objects.create(actor=instructing_agent, action="validate", created_at=timezone.now())
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app_role.execute(statement)
    assert AuditEvent.objects.filter(pk=event.pk, comment="").exists()


def test_app_role_does_its_normal_writes(app_role, project_a, instructing_agent):
    app_role.execute(
        "INSERT INTO workflows_auditevent (actor_id, action, from_state, to_state, comment, evidence_sha256,"
        " created_at, project_id, target_id, target_label, changes) VALUES (%s, 'change_project', '', '',"
        " 'écrit par le rôle applicatif', '', now(), %s, '', '', '{}')",
        [instructing_agent.pk, project_a.pk],
    )
    app_role.execute("UPDATE workflows_project SET title = 'Titre modifié' WHERE id = %s", [project_a.pk])
    app_role.execute(
        "INSERT INTO django_session (session_key, session_data, expire_date) VALUES ('k', 'd', now())"
    )
    app_role.execute("DELETE FROM django_session WHERE session_key = 'k'")
    assert AuditEvent.objects.filter(project=project_a, comment="écrit par le rôle applicatif").exists()
    project_a.refresh_from_db()
    assert project_a.title == "Titre modifié"


def test_grant_app_role_refuses_the_owner_itself(db):
    from django.core.management.base import CommandError

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="propriétaire"):
        call_command("grant_app_role", owner)
