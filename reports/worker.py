"""Background workers' heartbeats, and what becomes of a task whose worker died.

django-tasks' database backend marks a task `RUNNING` when a worker claims it and never looks at it
again: a worker killed mid-task (a deploy, an out-of-memory kill, a lost host) leaves the task and
its run "en cours" for ever, and the agent's page waits for ever. Each worker therefore writes a
heartbeat every few seconds (`WorkerHeartbeat`), and every worker, when it starts and then every
minute, takes over the running tasks of workers that stopped beating:

- a project import or a legacy-document import (dry run or confirmed) is **resumed**: its run goes
  back to the queue and runs again from the start (the interrupted transaction was rolled back by
  the database, the stored upload is still there), at most `MAX_ATTEMPTS` times, then fails with a
  French reason and the page's usual retry path;
- a release or a report job **fails** through `reports.jobs.fail_job` (audited) with a French
  reason; the agent asks for it again from the same page.
"""

from __future__ import annotations

import datetime
import logging
import socket
import threading

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from ingest.documents.tasks import run_document_import
from ingest.projects.tasks import release_claim, run_project_import
from reports import jobs
from reports.models import WorkerHeartbeat
from workflows.models import DocumentImportRun, ImportRun

logger = logging.getLogger(__name__)

BEAT_EVERY = 5  # seconds
#: a worker silent this long is taken as stopped (several missed beats, never one slow query)
STOPPED_AFTER = datetime.timedelta(seconds=45)
RECOVER_EVERY = 60  # seconds
MAX_ATTEMPTS = 2
RUNNING = "RUNNING"


def beat(worker_id: str, *, now: datetime.datetime | None = None) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"host": socket.gethostname()[:255], "beat_at": now or timezone.now()}
    )


def _interrupted_message() -> str:
    return _(
        "Traitement interrompu : le processus de fond s'est arrêté pendant l'exécution "
        "(%(attempts)s tentatives). La base est restée inchangée : relancez-le."
    ) % {"attempts": MAX_ATTEMPTS}


def _attempt(report: dict) -> int:
    return int((report or {}).get("attempts", 1)) + 1


def _resume(model, run_id: int, task, *, give_up) -> str:
    """Put an interrupted run back in the queue, or `give_up(run)` after MAX_ATTEMPTS."""
    run = model.objects.select_for_update().filter(pk=run_id).first()
    if run is None or run.status not in (model.Status.QUEUED, model.Status.RUNNING):
        return "finished"
    report = dict(run.report or {})
    attempt = _attempt(report)
    if attempt > MAX_ATTEMPTS:
        give_up(run)
        return "failed"
    report["attempts"] = attempt
    run.status, run.report, run.done = model.Status.QUEUED, report, 0
    run.save(update_fields=["status", "report", "done"])
    transaction.on_commit(lambda: task.enqueue(run_id))
    return "resumed"


def _give_up_project_import(run: ImportRun) -> None:
    report = {**(run.report or {}), "error": _interrupted_message()}
    run.status, run.report, run.finished_at = ImportRun.Status.FAILED, report, timezone.now()
    run.save(update_fields=["status", "report", "finished_at"])
    if report.get("confirmed_from"):
        release_claim(report["confirmed_from"])  # the dry run may be confirmed again


def _give_up_document_import(run: DocumentImportRun) -> None:
    run.status, run.error = DocumentImportRun.Status.FAILED, _interrupted_message()
    run.save(update_fields=["status", "error"])


def _resume_project_import(run_id: int) -> str:
    return _resume(ImportRun, run_id, run_project_import, give_up=_give_up_project_import)


def _resume_document_import(run_id: int) -> str:
    return _resume(DocumentImportRun, run_id, run_document_import, give_up=_give_up_document_import)


def _fail_background_job(job_id: int) -> str:
    job = jobs.fail_job(
        job_id=job_id,
        message=_(
            "Traitement interrompu : le processus de fond s'est arrêté pendant l'exécution. "
            "Relancez-le depuis cette page."
        ),
    )
    return "failed" if job else "finished"


#: task path -> what to do with its run when its worker died
HANDLERS = {
    run_project_import.module_path: _resume_project_import,
    run_document_import.module_path: _resume_document_import,
    jobs.run_background_job.module_path: _fail_background_job,
}


def recover_interrupted(*, now: datetime.datetime | None = None) -> list[tuple[str, int, str]]:
    """Take over the running tasks of stopped workers; returns (task, run id, outcome) for each."""
    now = now or timezone.now()
    alive = set(
        WorkerHeartbeat.objects.filter(beat_at__gte=now - STOPPED_AFTER).values_list("worker_id", flat=True)
    )
    outcomes = []
    with transaction.atomic():
        # skip_locked: two workers starting together never take the same task over twice.
        for task in DBTaskResult.objects.select_for_update(skip_locked=True).filter(status=RUNNING):
            if task.worker_ids and task.worker_ids[-1] in alive:
                continue
            if task.started_at and task.started_at >= now - STOPPED_AFTER:
                continue  # claimed moments ago: its worker may not have beaten yet
            handler = HANDLERS.get(task.task_path)
            args = (task.args_kwargs or {}).get("args") or []
            outcome = handler(int(args[0])) if handler and args else "unknown task"
            task.set_failed(RuntimeError(f"worker {task.worker_ids[-1:]} stopped: {outcome}"))
            outcomes.append((task.task_path, int(args[0]) if args else 0, outcome))
            logger.warning("Interrupted task %s (%s) taken over: %s", task.task_path, args, outcome)
        WorkerHeartbeat.objects.filter(beat_at__lt=now - STOPPED_AFTER * 20).delete()
    return outcomes


class Heartbeat(threading.Thread):
    """Beats for one worker process and, every minute, recovers other workers' interrupted tasks."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()

    def run(self) -> None:
        from django.db import connection

        last_recovery = 0.0
        while not self.stopping.is_set():
            try:
                beat(self.worker_id)
                if timezone.now().timestamp() - last_recovery >= RECOVER_EVERY:
                    recover_interrupted()
                    last_recovery = timezone.now().timestamp()
            except Exception:  # the database restarting: beat again at the next turn
                logger.exception("Worker heartbeat failed")
                connection.close()
            self.stopping.wait(BEAT_EVERY)
        connection.close()
