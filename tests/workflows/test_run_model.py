"""The one abstract run model: project imports, document imports and reports jobs share its
status, progress columns and timestamps; a dry run is confirmed once, as the database decides."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from reports.models import BackgroundJob
from workflows.models import DocumentImportRun, ImportRun, Run, RunStatus

pytestmark = pytest.mark.django_db


def test_the_three_runs_share_one_shape():
    for model in (ImportRun, DocumentImportRun, BackgroundJob):
        assert issubclass(model, Run) and model.Status is RunStatus
        names = {f.name for f in model._meta.get_fields()}
        assert {"status", "done", "total", "actor", "created_at", "started_at", "finished_at"} <= names
    assert str(RunStatus.RUNNING.label) == "en cours"


def test_a_dry_run_is_confirmed_once(instructing_agent, budget_agent):
    dry = ImportRun.objects.create(file_name="p.csv", status=RunStatus.DRY_RUN, dry_run=True)
    assert ImportRun.claim_confirmation(pk=dry.pk, actor=instructing_agent)
    assert not ImportRun.claim_confirmation(pk=dry.pk, actor=budget_agent)  # the second click
    dry.refresh_from_db()
    assert dry.confirmed_by == instructing_agent and dry.confirmed_at is not None
    # A confirmation that failed before importing anything releases the dry run, once more.
    ImportRun.release_confirmation(pk=dry.pk)
    assert ImportRun.claim_confirmation(pk=dry.pk, actor=budget_agent)
    assert not ImportRun.claim_confirmation(pk=dry.pk, actor=instructing_agent)


def test_only_a_dry_run_is_confirmed(instructing_agent):
    done = ImportRun.objects.create(file_name="p.csv", status=RunStatus.DONE)
    assert not ImportRun.claim_confirmation(pk=done.pk, actor=instructing_agent)
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportRun.objects.filter(pk=done.pk).update(
            confirmed_at=timezone.now(), confirmed_by=instructing_agent
        )


def test_an_author_never_without_the_date(instructing_agent):
    dry = ImportRun.objects.create(file_name="p.csv", status=RunStatus.DRY_RUN, dry_run=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportRun.objects.filter(pk=dry.pk).update(confirmed_by=instructing_agent)


def test_progress_lives_in_the_columns():
    run = DocumentImportRun.objects.create(source_name="a.zip", status=RunStatus.RUNNING, total=200, done=50)
    job = BackgroundJob.objects.create(
        kind=BackgroundJob.Kind.REPORT, status=RunStatus.RUNNING, done=3, total=4, updated_at=timezone.now()
    )
    assert (run.percent, job.percent, run.is_active) == (25, 75, True)
    run.status = job.status = RunStatus.DONE
    assert (run.percent, job.percent, run.is_active) == (100, 100, False)


def test_the_json_claim_moves_to_the_columns_and_back(instructing_agent, budget_agent):
    """Migration 0017: a dry run marked `report["confirming"]` becomes `confirmed_at`/`confirmed_by`
    (dated and signed by the run that confirmed it); reversing puts the key back."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("workflows.migrations.0017_confirmation_claim_from_report_to_columns")
    dry = ImportRun.objects.create(
        file_name="p.csv",
        status=RunStatus.DRY_RUN,
        dry_run=True,
        actor=budget_agent,
        report={"confirming": True},
    )
    real = ImportRun.objects.create(
        file_name="p.csv",
        status=RunStatus.RUNNING,
        actor=instructing_agent,
        report={"confirmed_from": dry.pk},
    )
    untouched = ImportRun.objects.create(file_name="q.csv", status=RunStatus.DRY_RUN, dry_run=True)

    migration.claims_to_columns(apps, None)
    dry.refresh_from_db()
    assert (dry.confirmed_at, dry.confirmed_by, dry.report) == (real.created_at, instructing_agent, {})
    assert not ImportRun.claim_confirmation(pk=dry.pk, actor=budget_agent)
    untouched.refresh_from_db()
    assert untouched.confirmed_at is None

    migration.columns_to_claims(apps, None)
    dry.refresh_from_db()
    assert (dry.confirmed_at, dry.confirmed_by, dry.report) == (None, None, {"confirming": True})
