"""The bulk writers of imports and of the ledger: what they store is what a save would store.

Both paths run: COPY on PostgreSQL (the suite's CI database), `bulk_create` on SQLite (the
`sqlite` mark: `make test` runs these again on SQLite after the PostgreSQL pass)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from dbtools import bulk
from dbtools.bulk import insert_many, insert_rows
from tests.factories import ProjectFactory
from workflows.models import (
    AuditEvent,
    EvidenceType,
    ProjectSearchDocument,
    ProjectStatusChange,
    TrancheRequest,
)
from workflows.services import copy_schedule_to_project

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_postgresql_writes_by_copy_and_sqlite_by_bulk_create(monkeypatch):
    """The vendor branch itself: one COPY per insert on PostgreSQL, none on SQLite."""
    copies = []
    real_copy = bulk._copy

    def counting_copy(cursor, conn, meta, fields, rows):
        copies.append(meta.db_table)
        return real_copy(cursor, conn, meta, fields, rows)

    project = ProjectFactory()
    milestones = copy_schedule_to_project(project=project)
    at = timezone.now()
    monkeypatch.setattr(bulk, "_copy", counting_copy)
    ids = insert_rows(
        TrancheRequest,
        ("milestone_id", "amount", "status", "created_at", "status_changed_at"),
        [(milestones[0].pk, Decimal("10.00"), "delegated", at, at)],
    )
    assert TrancheRequest.objects.get(pk=ids[0]).amount == Decimal("10.00")
    expected = [TrancheRequest._meta.db_table] if connection.vendor == "postgresql" else []
    assert copies == expected


def test_insert_rows_returns_the_ids_in_order_and_fills_the_other_columns():
    project = ProjectFactory()
    milestones = copy_schedule_to_project(project=project)
    at = timezone.now() - datetime.timedelta(days=3)
    rows = [
        (m.pk, Decimal(f"{index + 1}00.50"), "delegated", at, at) for index, m in enumerate(milestones[:3])
    ]

    ids = insert_rows(
        TrancheRequest, ("milestone_id", "amount", "status", "created_at", "status_changed_at"), rows
    )

    assert len(set(ids)) == 3
    stored = TrancheRequest.objects.in_bulk(ids)
    for pk, (milestone_id, amount, _status, _created, _changed) in zip(ids, rows, strict=True):
        tranche = stored[pk]
        assert (tranche.milestone_id, tranche.amount, tranche.status) == (milestone_id, amount, "delegated")
        assert (tranche.created_at, tranche.status_changed_at) == (at, at)
        # columns not given: the field's default, as a save would have written
        assert (tranche.comment, tranche.is_historical, tranche.source_file) == ("", False, "")
        assert tranche.created_by is None and tranche.paid_at is None


def test_insert_rows_dates_auto_now_columns_and_takes_shared_defaults():
    project = ProjectFactory()
    before = timezone.now()
    (change_id,) = insert_rows(
        ProjectStatusChange,
        ("project_id", "from_status", "to_status", "effective_on", "recorded_at", "comment"),
        [(project.pk, "selected", "in_progress", datetime.date(2020, 1, 1), before, "Reprise")],
    )
    (event_id,) = insert_rows(AuditEvent, ("action", "created_at", "project_id"), [("x", before, project.pk)])

    assert ProjectStatusChange.objects.get(pk=change_id).comment == "Reprise"
    event = AuditEvent.objects.get(pk=event_id)
    assert event.changes == {} and event.from_state == "" and event.actor is None


def test_insert_rows_of_nothing_writes_nothing():
    assert insert_rows(TrancheRequest, ("milestone_id",), []) == []


def test_insert_many_with_a_given_primary_key():
    """A one-to-one primary key (the search document) has no sequence: its value is written."""
    project = ProjectFactory()
    ProjectSearchDocument.objects.filter(project=project).delete()
    document = ProjectSearchDocument(project_id=project.pk, acronym_key="abc", identifier_keys=" abc ")

    insert_many(ProjectSearchDocument, [document])

    stored = ProjectSearchDocument.objects.get(pk=project.pk)
    assert (stored.acronym_key, stored.identifier_keys, stored.body) == ("abc", " abc ", "")


def test_insert_rows_without_ids_numbers_the_rows_itself():
    project = ProjectFactory()
    milestone = copy_schedule_to_project(project=project)[0]
    milestone.evidence_types.clear()
    through = milestone.evidence_types.through
    codes = list(EvidenceType.objects.order_by("pk").values_list("pk", flat=True)[:2])

    assert (
        insert_rows(
            through, ("projectmilestone_id", "evidencetype_id"), [(milestone.pk, c) for c in codes], ids=False
        )
        == []
    )

    assert sorted(milestone.evidence_types.values_list("pk", flat=True)) == codes
