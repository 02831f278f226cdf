"""The domain owns "something changed": every committed write to a domain table moves the data
version, whatever wrote it (save, delete, `bulk_update`, `.update()`, bulk insert, COPY, raw SQL),
and a write that commits nothing (rolled back, or matching no row) moves nothing.

Transactional tests: each write commits for real, as in production, so the version is read after
the commit, not guessed from a callback.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from dbtools import bulk
from tests.factories import UserFactory
from tests.workflows.builders import request_in_state
from workflows import ledger, services
from workflows.data_version import _PendingBump, data_version
from workflows.models import (
    AuditEvent,
    Discipline,
    DocumentImportRun,
    ImportRun,
    LegacyDocument,
    Programme,
    Project,
    ProjectMilestone,
    ProjectStatus,
    TrialRegistration,
)
from workflows.project_status import abandon_project
from workflows.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def domain_models() -> list:
    """Every table of the domain core, link tables of many-to-many fields included."""
    config = apps.get_app_config("workflows")
    return [model for model in config.get_models(include_auto_created=True) if not model._meta.proxy]


def bump_pending_after(write) -> bool:
    """Whether `write` leaves a bump waiting for the commit (the transaction is then rolled back)."""
    with transaction.atomic():
        write()
        pending = any(isinstance(func, _PendingBump) for _sids, func, _robust in connection.run_on_commit)
        transaction.set_rollback(True)
    return pending


@pytest.fixture
def portfolio(project_a, member_a, instructing_agent, budget_agent):
    """At least one row in every domain table."""
    request_in_state(
        "delegated",
        milestone=project_a.milestones.get(rank=1),
        member=member_a,
        instructor=instructing_agent,
        budget=budget_agent,
    )
    registration = TrialRegistration.objects.create(registry="clinicaltrials", identifier="NCT01234567")
    project_a.registrations.add(registration)
    project_a.discipline = Discipline.objects.first()
    project_a.save()
    decider = UserFactory(username="decideuse", roles=[Role.ADMINISTRATOR], is_staff=True)
    abandon_project(project=project_a, actor=decider, comment="Projet arrêté par le porteur")
    ImportRun.objects.create(file_name="portefeuille.csv")
    run = DocumentImportRun.objects.create(source_name="archives.zip")
    LegacyDocument.objects.create(
        import_run=run,
        original_name="circulaire.pdf",
        source_path="a/circulaire.pdf",
        sha256="0" * 64,
        size=10,
        content_type="x",
    )
    return project_a


def test_every_domain_table_moves_the_version_on_save_and_delete(portfolio):
    empty = [model._meta.label for model in domain_models() if not model.objects.exists()]
    assert empty == [], "give these tables a row in the `portfolio` fixture"
    stale = []
    for model in domain_models():
        row = model.objects.order_by("pk").first()
        before = data_version()
        if model is AuditEvent:  # append-only: a new event is its only write
            AuditEvent.objects.create(action="update_project", created_at=timezone.now())
        else:
            row.save()
        if data_version() == before:
            stale.append(f"{model._meta.label} (save)")
        if model is not AuditEvent and not bump_pending_after(
            lambda model=model, row=row: model.objects.filter(pk=row.pk)._raw_delete(connection.alias)
        ):
            stale.append(f"{model._meta.label} (delete)")
    assert stale == []


def test_update_and_raw_sql_move_the_version(reference):
    programme = Programme.objects.get(code="PHRCN")
    before = data_version()
    Programme.objects.filter(pk=programme.pk).update(name="Programme hospitalier renommé")
    assert data_version() != before
    before = data_version()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Programme._meta.db_table} SET name = %s WHERE id = %s", ["Nom brut", programme.pk]
        )
    assert data_version() != before


def test_writes_that_commit_nothing_do_not_move_it(reference):
    before = data_version()
    assert Programme.objects.filter(code="INCONNU").update(name="x") == 0
    with transaction.atomic():
        Programme.objects.filter(code="PHRCN").update(name="annulé")
        transaction.set_rollback(True)
    assert data_version() == before


def test_marking_milestones_late_moves_the_version_and_is_audited(project_a):
    project_a.status = ProjectStatus.IN_PROGRESS
    Project.objects.filter(pk=project_a.pk).update(status=ProjectStatus.IN_PROGRESS)
    today = project_a.milestones.order_by("-planned_date").first().planned_date + datetime.timedelta(days=30)
    before = data_version()
    counts = services.mark_late_milestones(today=today)
    assert counts["updated"] > 0
    assert data_version() != before
    event = AuditEvent.objects.get(action="mark_late_milestones")
    assert event.changes["days_late"]["new"] == counts["updated"]
    # The same day again: nothing changes, nothing moves, nothing is audited again.
    before = data_version()
    services.mark_late_milestones(today=today)
    assert data_version() == before
    assert AuditEvent.objects.filter(action="mark_late_milestones").count() == 1


def test_bulk_inserts_move_the_version(project_a):
    before = data_version()
    bulk.insert_many(
        TrialRegistration, [TrialRegistration(registry="clinicaltrials", identifier="NCT07654321")]
    )
    assert data_version() != before
    before = data_version()
    bulk.insert_rows(
        AuditEvent, ("action", "created_at", "project_id"), [("x", timezone.now(), project_a.pk)]
    )
    assert data_version() != before


@pytest.mark.postgres
def test_copy_moves_the_version(project_a):
    """On PostgreSQL `insert_rows` sends the rows with COPY, which no cursor wrapper sees."""
    assert connection.vendor == "postgresql"
    before = data_version()
    bulk.insert_rows(
        AuditEvent, ("action", "created_at", "project_id"), [("x", timezone.now(), project_a.pk)]
    )
    assert data_version() != before


def test_historical_tranches_move_the_version(project_a):
    """The ledger writes its tranches and their audit events with `insert_rows` (COPY on PostgreSQL)."""
    before = data_version()
    outcome = ledger.record_historical_tranches(
        entries=[
            ledger.HistoricalStock(project_id=project_a.pk, last_rank=1, amounts={1: Decimal("1000.00")})
        ]
    )
    assert outcome.conflicts == []
    assert ProjectMilestone.objects.filter(project=project_a, reached_before_sirano=True).exists()
    assert data_version() != before


def test_a_cache_outage_after_commit_never_fails_the_saved_write(reference, monkeypatch, caplog):
    """The bump runs after the commit: a cache that cannot be written is logged, the write stays
    saved and the caller sees no error (the log line names the hook)."""
    from django.core.cache import cache

    def outage(*_args, **_kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "set", outage)
    monkeypatch.setattr(cache, "set_many", outage)
    with transaction.atomic():
        Programme.objects.filter(code="PHRCN").update(name="Programme renommé pendant la panne")

    assert Programme.objects.get(code="PHRCN").name == "Programme renommé pendant la panne"
    assert "bump_on_commit" in caplog.text


def test_the_code_version_reads_every_package_that_makes_what_is_cached():
    """A package added by a restructuring must be in the release digest, or its changes would be
    served from caches filled by the previous release (`demo` only fills the database)."""
    import tomllib
    from pathlib import Path

    from workflows.data_version import SOURCE_PACKAGES

    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    packages = set(pyproject["tool"]["importlinter"]["root_packages"]) - {"demo"}
    assert packages == set(SOURCE_PACKAGES)
