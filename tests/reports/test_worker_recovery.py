"""Issue 22, faults: a worker killed mid-task left the task and its run « en cours » for ever (django-tasks'
database backend never looks at a claimed task again). Live workers beat; the running tasks of a worker
that stopped beating are resumed (imports) or failed with a French reason (releases and reports)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ingest.projects.tasks import run_project_import
from reports import jobs, worker
from reports.models import BackgroundJob
from tests.ingest.projects.builders import OPENDATA_HEADER, opendata_row, write_csv
from workflows.models import ImportRun

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.timedelta(minutes=10)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def interrupted_dry_run(
    client, instructing_agent, tmp_path, establishment_a, database_tasks, django_capture_on_commit_callbacks
):
    """A dry run claimed by a worker that was killed (its last beat ten minutes ago)."""
    path = write_csv(
        tmp_path / "projets.csv", [OPENDATA_HEADER, opendata_row(), opendata_row(acronyme="BETA")]
    )
    client.force_login(instructing_agent)
    with path.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ingest_import_upload"), {"file": handle, "format": "auto"})
    task = DBTaskResult.objects.get()
    task.claim("killed-worker")
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - LONG_AGO)
    ImportRun.objects.update(status=ImportRun.Status.RUNNING, done=1)
    worker.beat("killed-worker", now=timezone.now() - LONG_AGO)
    return ImportRun.objects.get()


def test_an_interrupted_import_is_resumed_and_finishes(
    interrupted_dry_run, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = worker.recover_interrupted()
    assert outcomes == [("ingest.projects.tasks.run_project_import", interrupted_dry_run.pk, "resumed")]
    run = ImportRun.objects.get()
    assert (run.status, run.report["attempts"]) == (ImportRun.Status.QUEUED, 2)
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1
    queued = DBTaskResult.objects.get(status="READY")
    assert (queued.task_path, queued.args_kwargs["args"]) == (run_project_import.module_path, [run.pk])
    run_project_import.call(run.pk)  # what the next worker does with it
    run.refresh_from_db()
    assert (run.status, run.done, run.total) == (ImportRun.Status.DRY_RUN, 2, 2)


def test_an_import_interrupted_twice_fails_in_french(interrupted_dry_run, django_capture_on_commit_callbacks):
    ImportRun.objects.update(report={**interrupted_dry_run.report, "attempts": worker.MAX_ATTEMPTS})
    with django_capture_on_commit_callbacks(execute=True):
        assert worker.recover_interrupted()[0][2] == "failed"
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert "processus de fond s'est arrêté" in run.report["error"] and "relancez" in run.report["error"]


def test_a_live_worker_keeps_its_task(interrupted_dry_run):
    worker.beat("killed-worker")  # it beats after all: only slow
    assert worker.recover_interrupted() == []
    assert ImportRun.objects.get().status == ImportRun.Status.RUNNING
    assert DBTaskResult.objects.get().status == "RUNNING"


def test_an_interrupted_release_fails_with_a_reason_and_an_audit_record(
    database_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.request_job(kind=BackgroundJob.Kind.RELEASE, actor=None)
    jobs.start_job(job_id=job.pk)
    task = DBTaskResult.objects.get()
    task.claim("killed-worker")
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - LONG_AGO)
    assert worker.recover_interrupted()[0][2] == "failed"
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED and "Relancez-le" in job.error
