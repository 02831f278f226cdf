"""Audit events are append-only: the model refuses change and removal, and on PostgreSQL so does
the database (trigger of migration workflows/0002) even for raw SQL."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from workflows.models import AuditEvent, AuditEventImmutable


@pytest.fixture
def event(db, instructing_agent):
    return AuditEvent.objects.create(
        actor=instructing_agent,
        action="validate",
        from_state="under_review",
        to_state="validated",
        created_at=timezone.now(),
    )


def test_model_refuses_update(event):
    event.comment = "réécrit"
    with pytest.raises(AuditEventImmutable):
        event.save()
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(comment="réécrit")
    event.refresh_from_db()
    assert event.comment == ""


def test_model_refuses_delete(event):
    with pytest.raises(AuditEventImmutable):
        event.delete()
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE workflows_auditevent SET comment = 'falsifié' WHERE id = %s",
        "UPDATE workflows_auditevent SET created_at = created_at - interval '1 day' WHERE id = %s",
        "DELETE FROM workflows_auditevent WHERE id = %s",
    ],
)
def test_database_trigger_refuses_raw_sql(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.comment == ""
    assert event.created_at < timezone.now() + datetime.timedelta(seconds=1)
