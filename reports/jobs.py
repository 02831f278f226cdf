"""Open-data releases and indicator reports as background jobs: every change of a job's state
(asked, started, done, failed) goes through the services below, in one transaction with its
audit record; `run_job` is what the worker task and the commands execute.

The report is built here; a release is built by `opendata`, which hands its `ReleasePublisher`
over from its AppConfig.ready (`register_releases`): the jobs never import the open-data face.

At most one job of a kind is queued or running (`reports_one_active_job_per_kind`); a second
request raises `JobAlreadyActive`, which names the job to follow instead.
"""

from __future__ import annotations

import datetime
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

import formatting as fmt
from workflows.data_version import unseen_writes
from workflows.log_context import current_request_id, task_context
from workflows.models import AuditEvent
from workflows.roles import is_dgos_agent

from . import indicators
from .exports import frames_to_xlsx, write_pdf
from .models import BackgroundJob

logger = logging.getLogger(__name__)

Kind = BackgroundJob.Kind
Status = BackgroundJob.Status

#: A queued or running job with no news for this long was interrupted (worker stopped or killed):
#: the next request of its kind marks it failed instead of waiting for it for ever.
STALE_AFTER = datetime.timedelta(minutes=30)

#: audit actions, by kind: asked, started, done, failed (labels in workflows/audit_labels.py)
ACTIONS = {
    Kind.RELEASE: ("request_release", "start_release", "publish_release", "fail_release"),
    Kind.REPORT: ("request_report", "start_report", "build_report", "fail_report"),
}
#: every action above: they change no figure (see reports/signals.py)
JOB_ACTIONS = frozenset(action for actions in ACTIONS.values() for action in actions)

REPORT_PARAMETERS = ("as_of", "programme", "region", "year")


class JobAlreadyActive(ValidationError):
    """A job of this kind is already queued or running; `job` is the one to follow."""

    def __init__(self, job: BackgroundJob) -> None:
        self.job = job
        if job.kind == Kind.RELEASE:
            message = _("Une publication des données ouvertes est déjà en cours (n° %(pk)s) : suivez-la ici.")
        else:
            message = _("Un rapport des indicateurs est déjà en cours (n° %(pk)s) : suivez-le ici.")
        super().__init__(message % {"pk": job.pk}, code="job_already_active")


def report_storage() -> Storage:
    """Where the admin's reports live: a bucket prefix every host reads, or REPORTS_ROOT (demo)."""
    return storages["reports"]


def job_folder(job: BackgroundJob) -> str:
    """The job's folder in the reports storage: its files are `<job id>/<name>`."""
    return str(job.pk)


# -- services: every change of state, audited ------------------------------------------------


def _audit(*, job: BackgroundJob, actor, action: str, old: str, comment: str, at) -> None:
    """A job's record changes no figure: it leaves the data version (and the cached figures) alone."""
    with unseen_writes():
        _write_audit(job=job, actor=actor, action=action, old=old, comment=comment, at=at)


def _write_audit(*, job: BackgroundJob, actor, action: str, old: str, comment: str, at) -> None:
    AuditEvent.objects.create(
        actor=actor,
        action=action,
        created_at=at,
        comment=comment,
        target_type=ContentType.objects.get_for_model(BackgroundJob),
        target_id=str(job.pk),
        target_label=str(job)[:255],
        changes={"status": {"old": old, "new": job.status}},
    )


def _describe(kind: str, parameters: dict) -> str:
    """« Rapport des indicateurs au 10 mars 2018, programme PHRCN » for the audit trail."""
    if kind == Kind.RELEASE:
        return str(Kind.RELEASE.label)
    day = datetime.date.fromisoformat(parameters["as_of"])
    parts = [_("%(kind)s au %(day)s") % {"kind": Kind.REPORT.label, "day": fmt.format_date(day)}]
    for key, label in (("programme", _("programme")), ("region", _("région")), ("year", _("année"))):
        if parameters.get(key):
            parts.append(f"{label} {parameters[key]}")
    return ", ".join(parts)


def report_parameters(*, as_of, programme: str = "", region: str = "", year=None) -> dict:
    """Checked report parameters as the job keeps them (French `ValidationError` otherwise)."""
    day = indicators.parse_as_of(as_of)
    filters = indicators.parse_filters(programme=programme, region=region, year=year)
    return {
        "as_of": day.isoformat(),
        "programme": filters.programme,
        "region": filters.region,
        "year": filters.year,
    }


def _fail_if_stale(kind: str, now: datetime.datetime) -> None:
    stale = list(
        BackgroundJob.objects.select_for_update()
        .active()
        .of_kind(kind)
        .filter(updated_at__lt=now - STALE_AFTER)
    )
    for job in stale:
        _fail(
            job,
            _(
                "Interrompu : aucune nouvelle du traitement en arrière-plan depuis plus de %(minutes)s minutes "
                "(le service de traitement était arrêté ?). Relancez-le si besoin."
            )
            % {"minutes": int(STALE_AFTER.total_seconds() // 60)},
            now,
        )


def request_job(
    *, kind: str, actor, parameters: dict | None = None, enqueue: bool = True, now=None
) -> BackgroundJob:
    """Record a queued job and, once committed, hand it to the worker (unless `enqueue` is False:
    the commands run it themselves). Raises `JobAlreadyActive` when one of its kind is pending."""
    if actor is not None and not is_dgos_agent(actor):
        raise PermissionDenied(_("Publications et rapports réservés aux agents de la DGOS."))
    if kind not in Kind.values:
        raise ValidationError(_("Nature de travail inconnue : « %(kind)s ».") % {"kind": kind})
    parameters = dict(parameters or {})
    if kind == Kind.REPORT:
        parameters = report_parameters(**{k: parameters.get(k) for k in REPORT_PARAMETERS})
    now = now or timezone.now()
    with transaction.atomic():
        _fail_if_stale(kind, now)
        active = BackgroundJob.objects.active().of_kind(kind).first()
        if active is not None:
            raise JobAlreadyActive(active)
        try:
            with transaction.atomic():
                job = BackgroundJob.objects.create(
                    kind=kind,
                    status=Status.QUEUED,
                    actor=actor,
                    created_at=now,
                    updated_at=now,
                    parameters=parameters,
                )
        except IntegrityError:
            # Another request created its job between our read and our insert (it waited for that
            # transaction to commit, so the job is visible now).
            other = BackgroundJob.objects.active().of_kind(kind).first()
            if other is None:
                raise
            raise JobAlreadyActive(other) from None
        _audit(
            job=job,
            actor=actor,
            action=ACTIONS[kind][0],
            old="",
            comment=_("%(what)s demandée.") % {"what": _describe(kind, parameters)}
            if kind == Kind.RELEASE
            else _("%(what)s demandé.") % {"what": _describe(kind, parameters)},
            at=now,
        )
        if enqueue:
            # The request's id goes with the task: the worker logs it (workflows/log_context.py).
            request_id = current_request_id()
            transaction.on_commit(lambda: run_background_job.enqueue(job.pk, request_id=request_id))
    return job


def start_job(*, job_id: int) -> BackgroundJob | None:
    """queued → running; None when the job is no longer queued (already run, failed meanwhile)."""
    now = timezone.now()
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().filter(pk=job_id, status=Status.QUEUED).first()
        if job is None:
            return None
        job.status, job.started_at, job.updated_at = Status.RUNNING, now, now
        job.save(update_fields=["status", "started_at", "updated_at"])
        _audit(
            job=job,
            actor=job.actor,
            action=ACTIONS[job.kind][1],
            old=Status.QUEUED,
            comment=_describe(job.kind, job.parameters),
            at=now,
        )
    return job


def record_progress(*, job_id: int, done: int, total: int) -> None:
    """Where a running job is (not a change of state: no audit record)."""
    BackgroundJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
        done=done, total=total, updated_at=timezone.now()
    )


def finish_job(*, job_id: int, result: dict, summary: str) -> BackgroundJob:
    """running → done, with its result."""
    now = timezone.now()
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().filter(pk=job_id, status=Status.RUNNING).first()
        if job is None:
            # Taken for interrupted (no news for STALE_AFTER) while it was still working: it stays failed.
            logger.warning("Background job %s finished after being marked failed", job_id)
            return BackgroundJob.objects.get(pk=job_id)
        job.status, job.result, job.finished_at, job.updated_at = Status.DONE, result, now, now
        if job.total:
            job.done = job.total
        job.save(update_fields=["status", "result", "finished_at", "updated_at", "done"])
        _audit(
            job=job,
            actor=job.actor,
            action=ACTIONS[job.kind][2],
            old=Status.RUNNING,
            comment=summary,
            at=now,
        )
    return job


def _fail(job: BackgroundJob, message: str, now) -> None:
    old = job.status
    job.status, job.error, job.finished_at, job.updated_at = Status.FAILED, message, now, now
    job.save(update_fields=["status", "error", "finished_at", "updated_at"])
    _audit(job=job, actor=job.actor, action=ACTIONS[job.kind][3], old=old, comment=message, at=now)


def fail_job(*, job_id: int, message: str) -> BackgroundJob | None:
    """queued or running → failed, with the French reason shown on the job's page."""
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().active().filter(pk=job_id).first()
        if job is None:
            return None
        _fail(job, message, timezone.now())
    return job


# -- running a job ------------------------------------------------------------------------------


class _Steps:
    """Progress of a job in steps: each phase reports (done, total) of its own; the job sees the sum."""

    def __init__(self, job_id: int, total: int) -> None:
        self.job_id, self.total, self.offset = job_id, total, 0

    def phase(self, size: int):
        offset = self.offset
        self.offset += size
        return lambda done, _total: record_progress(job_id=self.job_id, done=offset + done, total=self.total)


@dataclass(frozen=True)
class ReleasePublisher:
    """What the open-data package tells the jobs of its releases (`opendata/release_jobs.py`)."""

    #: how many files a release writes (the job's progress counts them)
    file_count: int
    #: writes the release of `today` (None: the local date), reporting progress(done, total);
    #: returns its (name, number of files)
    publish: Callable[..., tuple[str, int]]
    #: the name `latest` points to, or None
    latest_name: Callable[[], str | None]
    #: the name a release written on that day would take
    next_name: Callable[[datetime.date], str]
    #: the public page of a release by name, or "" when the name is not a release's
    page_url: Callable[[str], str]


_publisher: ReleasePublisher | None = None


def register_releases(publisher: ReleasePublisher) -> None:
    global _publisher
    _publisher = publisher


def releases() -> ReleasePublisher:
    if _publisher is None:
        raise LookupError("No release publisher: the opendata app registers it in its AppConfig.ready.")
    return _publisher


def _run_release(job: BackgroundJob) -> tuple[dict, str]:
    day = job.parameters.get("date")
    publisher = releases()
    steps = _Steps(job.pk, publisher.file_count)
    name, count = publisher.publish(
        today=datetime.date.fromisoformat(day) if day else None,
        progress=steps.phase(publisher.file_count),
    )
    summary = _("Publication %(name)s écrite (%(count)s fichiers).") % {"name": name, "count": count}
    return {"release": name}, summary


def report_file_name(day: datetime.date) -> str:
    return f"sirano-indicateurs-{day.isoformat()}.xlsx"


def _run_report(job: BackgroundJob, out: Path | None) -> tuple[dict, str]:
    """Every indicator to one XLSX (a sheet each) and a PDF summary beside it; written under temporary
    names and moved into place at the end, so a failure leaves no half-written file."""
    params = job.parameters
    day = datetime.date.fromisoformat(params["as_of"])
    filters = indicators.parse_filters(
        programme=params.get("programme") or "", region=params.get("region") or "", year=params.get("year")
    )
    count = len(indicators.INDICATORS)
    steps = _Steps(job.pk, 2 * count + 1)

    def write(xlsx: Path) -> None:
        """Both files under temporary names, moved into place at the end."""
        pdf = xlsx.with_suffix(".pdf")
        partial_xlsx, partial_pdf = (p.with_name(f".{p.name}.partiel") for p in (xlsx, pdf))
        try:
            frames = indicators.build_all(day, filters, progress=steps.phase(count))
            with open(partial_xlsx, "wb") as handle:
                frames_to_xlsx(frames, day, target=handle)
            steps.phase(1)(1, 1)
            write_pdf(frames, day, partial_pdf, progress=steps.phase(count))
            partial_xlsx.replace(xlsx)
            partial_pdf.replace(pdf)
        except BaseException:
            for path in (partial_xlsx, partial_pdf):
                path.unlink(missing_ok=True)
            raise
        written.append(len(frames))

    written: list[int] = []
    if out is not None:  # `build_report --out`: a path chosen by whoever runs the command
        write(out)
        xlsx, pdf = str(out), str(out.with_suffix(".pdf"))
    else:
        xlsx, pdf = _store_report(job, report_file_name(day), write)
    summary = _("%(count)s indicateurs au %(day)s : %(xlsx)s et %(pdf)s.") % {
        "count": written[0],
        "day": fmt.format_date(day),
        "xlsx": Path(xlsx).name,
        "pdf": Path(pdf).name,
    }
    return {"xlsx": xlsx, "pdf": pdf}, summary


def _store_report(job: BackgroundJob, file_name: str, write) -> tuple[str, str]:
    """Build the files in a temporary local folder, then store both under the job's folder; a
    failure stores nothing (and removes what was stored). Returns their storage names."""
    store = report_storage()
    stored: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sirano-report-") as folder:
        xlsx = Path(folder) / file_name
        write(xlsx)
        try:
            for path in (xlsx, xlsx.with_suffix(".pdf")):
                with path.open("rb") as handle:
                    stored.append(store.save(f"{job_folder(job)}/{path.name}", File(handle)))
        except BaseException:
            for name in stored:
                store.delete(name)
            raise
    return stored[0], stored[1]


FAILURE_MESSAGES = {
    Kind.RELEASE: gettext_lazy(
        "La publication a échoué sur une erreur inattendue : aucune version n'a été publiée et la "
        "publication « latest » est inchangée. Réessayez ; si l'échec se répète, prévenez l'équipe technique."
    ),
    Kind.REPORT: gettext_lazy(
        "Le rapport n'a pas pu être produit (erreur inattendue) : aucun fichier n'a été gardé. "
        "Réessayez ; si l'échec se répète, prévenez l'équipe technique."
    ),
}


def run_job(*, job_id: int, out: Path | None = None) -> BackgroundJob | None:
    """Run a queued job to its end: done with its result, or failed with a French message (the
    exception is raised again so the worker logs its traceback). None when it was not queued.

    `out`: for a report, the XLSX path to write (the `build_report` command); by default the
    files go to the "reports" storage under `<job id>/`, where the admin serves them.
    """
    job = start_job(job_id=job_id)
    if job is None:
        return None
    try:
        if job.kind == Kind.RELEASE:
            result, summary = _run_release(job)
        else:
            result, summary = _run_report(job, out)
    except BaseException as error:
        # The worker's log keeps the traceback; the page gets a French message.
        logger.warning("Background job %s failed: %r", job.pk, error)
        fail_job(job_id=job.pk, message=str(FAILURE_MESSAGES[job.kind]))
        raise
    return finish_job(job_id=job.pk, result=result, summary=summary)


@task()
def run_background_job(job_id: int, request_id: str = "") -> dict:
    """What `manage.py db_worker` executes for a job asked in the admin."""
    with task_context("run_background_job", request_id):
        job = run_job(job_id=job_id)
    return {"status": job.status if job else "skipped"}
