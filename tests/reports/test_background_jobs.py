"""The job service of releases and reports: one queued or running job per kind (database and
service), every change of state audited, progress in steps, failures in French with nothing
half-written, and the commands going through the same service."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from opendata import releases
from reports import jobs
from reports.models import BackgroundJob
from reports.registry import INDICATORS
from workflows.audit_labels import action_label
from workflows.data_version import data_version
from workflows.models import AuditEvent

pytestmark = pytest.mark.django_db
Kind, Status = BackgroundJob.Kind, BackgroundJob.Status


def actions(job) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_id=str(job.pk)).order_by("pk").values_list("action", flat=True)
    )


def test_request_records_a_queued_job_and_its_audit(instructing_agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        job = jobs.request_job(kind=Kind.RELEASE, actor=instructing_agent)
    assert (job.status, job.actor, job.done, job.total) == (Status.QUEUED, instructing_agent, 0, None)
    event = AuditEvent.objects.get(action="request_release")
    assert (event.actor, event.target_label, event.changes) == (
        instructing_agent,
        f"Publication des données ouvertes n° {job.pk}",
        {"status": {"old": "", "new": "queued"}},
    )
    assert event.target_type.model == "backgroundjob"
    assert len(callbacks) == 1  # the enqueue, once committed


@pytest.mark.django_db(transaction=True)
def test_jobs_change_no_figure(releases_root, instructing_agent, project_a):
    """Their audit records do not move the data version: the cached indicators stay valid.
    (Autocommit: every on-commit bump runs at once, and the immediate backend runs the job.)"""
    version = data_version()
    job = jobs.request_job(kind=Kind.RELEASE, actor=instructing_agent)
    job.refresh_from_db()
    assert job.status == Status.DONE and AuditEvent.objects.filter(target_id=str(job.pk)).count() == 3
    assert data_version() == version
    project_a.save()  # a portfolio write still does
    assert data_version() != version


@pytest.mark.parametrize("kind", [Kind.RELEASE, Kind.REPORT])
def test_one_active_job_per_kind_in_the_service(instructing_agent, budget_agent, kind):
    first = jobs.request_job(kind=kind, actor=instructing_agent, enqueue=False)
    with pytest.raises(jobs.JobAlreadyActive) as refused:
        jobs.request_job(kind=kind, actor=budget_agent, enqueue=False)
    assert refused.value.job == first and "déjà en cours" in refused.value.messages[0]
    assert BackgroundJob.objects.count() == 1
    # The other kind is independent.
    other = Kind.REPORT if kind == Kind.RELEASE else Kind.RELEASE
    jobs.request_job(kind=other, actor=budget_agent, enqueue=False)


def test_one_active_job_per_kind_in_the_database(instructing_agent):
    now = timezone.now()
    BackgroundJob.objects.create(kind=Kind.REPORT, status=Status.RUNNING, created_at=now, updated_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        BackgroundJob.objects.create(kind=Kind.REPORT, status=Status.QUEUED, created_at=now, updated_at=now)
    # Finished jobs do not count.
    for status in (Status.DONE, Status.FAILED, Status.DONE):
        BackgroundJob.objects.create(kind=Kind.REPORT, status=status, created_at=now, updated_at=now)


def test_an_interrupted_job_does_not_block_for_ever(instructing_agent):
    old = timezone.now() - jobs.STALE_AFTER - datetime.timedelta(minutes=1)
    stuck = BackgroundJob.objects.create(
        kind=Kind.RELEASE, status=Status.RUNNING, created_at=old, updated_at=old
    )
    job = jobs.request_job(kind=Kind.RELEASE, actor=instructing_agent, enqueue=False)
    stuck.refresh_from_db()
    assert stuck.status == Status.FAILED and "Interrompu" in stuck.error
    assert job.status == Status.QUEUED


def test_only_dgos_agents_may_ask(member_a, editor):
    for user in (member_a, editor):
        with pytest.raises(PermissionDenied):
            jobs.request_job(kind=Kind.RELEASE, actor=user, enqueue=False)
    assert not BackgroundJob.objects.exists()


def test_report_parameters_are_checked_in_french(budget_agent, reference):
    with pytest.raises(ValidationError, match="dans le futur"):
        jobs.request_job(kind=Kind.REPORT, actor=budget_agent, parameters={"as_of": "2999-01-01"})
    with pytest.raises(ValidationError, match="Programme inconnu"):
        jobs.request_job(kind=Kind.REPORT, actor=budget_agent, parameters={"programme": "XYZ"})
    assert not BackgroundJob.objects.exists() and not AuditEvent.objects.exists()


def test_release_job_runs_with_progress_and_audit(releases_root, budget_agent, project_a):
    job = jobs.request_job(kind=Kind.RELEASE, actor=budget_agent, enqueue=False)
    job = jobs.run_job(job_id=job.pk)
    assert job.status == Status.DONE and (job.done, job.total) == (6, 6) and job.percent == 100
    assert releases.latest_name() == job.result["release"]
    assert actions(job) == ["request_release", "start_release", "publish_release"]
    assert action_label("publish_release") == "Données ouvertes publiées"
    assert jobs.run_job(job_id=job.pk) is None  # a job runs once


def test_release_failure_is_recorded_in_french_and_publishes_nothing(
    releases_root, budget_agent, project_a, monkeypatch
):
    first = releases.publish_release()
    job = jobs.request_job(kind=Kind.RELEASE, actor=budget_agent, enqueue=False)

    def broken(*args, **kwargs):
        raise RuntimeError("changelog impossible")

    monkeypatch.setattr(releases, "write_changelog", broken)
    with pytest.raises(RuntimeError):
        jobs.run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.finished_at is not None
    assert job.error.startswith("La publication a échoué") and "« latest » est inchangée" in job.error
    assert sorted(p.name for p in releases_root.iterdir()) == [first.name, "latest"]
    assert releases.latest_name() == first.name
    assert actions(job) == ["request_release", "start_release", "fail_release"]
    # The kind is free again.
    jobs.request_job(kind=Kind.RELEASE, actor=budget_agent, enqueue=False)


def test_report_job_writes_both_files_under_its_directory(reports_root, portfolio, budget_agent):
    job = jobs.request_job(
        kind=Kind.REPORT,
        actor=budget_agent,
        parameters={"as_of": "2018-03-10", "programme": "phrcn"},
        enqueue=False,
    )
    assert job.parameters == {"as_of": "2018-03-10", "programme": "PHRCN", "region": "", "year": None}
    job = jobs.run_job(job_id=job.pk)
    assert job.status == Status.DONE and job.total == 2 * len(INDICATORS) + 1 == job.done
    directory = reports_root / str(job.pk)
    assert job.result == {  # names in the reports storage, which every host reads
        "xlsx": f"{job.pk}/sirano-indicateurs-2018-03-10.xlsx",
        "pdf": f"{job.pk}/sirano-indicateurs-2018-03-10.pdf",
    }
    assert sorted(p.name for p in directory.iterdir()) == [
        "sirano-indicateurs-2018-03-10.pdf",
        "sirano-indicateurs-2018-03-10.xlsx",
    ]
    assert actions(job) == ["request_report", "start_report", "build_report"]
    event = AuditEvent.objects.get(action="request_report")
    assert event.comment == "Rapport des indicateurs (XLSX et PDF) au 10 mars 2018, programme PHRCN demandé."


def test_report_failure_leaves_no_file(reports_root, portfolio, budget_agent, monkeypatch):
    job = jobs.request_job(
        kind=Kind.REPORT, actor=budget_agent, parameters={"as_of": "2018-03-10"}, enqueue=False
    )

    def broken(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(jobs, "write_pdf", broken)
    with pytest.raises(MemoryError):
        jobs.run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.error.startswith("Le rapport n'a pas pu être produit")
    assert not (reports_root / str(job.pk)).exists()


def test_commands_go_through_the_job_service(releases_root, tmp_path, portfolio):
    call_command("publish_release")
    release_job = BackgroundJob.objects.get(kind=Kind.RELEASE)
    assert release_job.status == Status.DONE and release_job.actor is None
    out = tmp_path / "rapport.xlsx"
    call_command("build_report", "--as-of", "2018-03-10", "--out", str(out))
    report_job = BackgroundJob.objects.get(kind=Kind.REPORT)
    assert report_job.result == {"xlsx": str(out), "pdf": str(tmp_path / "rapport.pdf")}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.pdf", "rapport.xlsx", "releases"]


def test_commands_refuse_while_a_job_of_their_kind_is_pending(
    releases_root, tmp_path, budget_agent, reference
):
    jobs.request_job(kind=Kind.RELEASE, actor=budget_agent, enqueue=False)
    with pytest.raises(CommandError, match="déjà en attente ou en cours"):
        call_command("publish_release")
    jobs.request_job(kind=Kind.REPORT, actor=budget_agent, enqueue=False)
    with pytest.raises(CommandError, match="déjà en attente ou en cours"):
        call_command("build_report", "--out", str(tmp_path / "r.xlsx"))
