"""« Publications et rapports » in the Wagtail admin: ask for an open-data release or an
indicators report, follow its progress, download the report; DGOS agents only.

The views read and call `reports.jobs` only; the work itself runs in the `db_worker`.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

import formatting as fmt
from agents.reports.forms import ReportJobForm
from agents.reports.views import _require_agent
from reports import jobs
from reports.models import BackgroundJob
from workflows.audit_labels import person_label
from workflows.models import Region

Kind = BackgroundJob.Kind
Status = BackgroundJob.Status
PER_PAGE = 30
FILE_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _when(value) -> str:
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return _("%(day)s à %(time)s") % {"day": fmt.format_date(local), "time": f"{local:%H:%M}"}


def _parameters_label(job: BackgroundJob) -> str:
    """« au 10 mars 2018 — programme PHRCN, région Île-de-France, année 2017 »."""
    params = job.parameters or {}
    if job.kind == Kind.RELEASE:
        return _("données du jour")
    parts = []
    if params.get("as_of"):
        parts.append(_("au %(day)s") % {"day": fmt.format_date(datetime.date.fromisoformat(params["as_of"]))})
    filters = []
    if params.get("programme"):
        filters.append(_("programme %(code)s") % {"code": params["programme"]})
    if params.get("region"):
        filters.append(_("région %(name)s") % {"name": Region(params["region"]).label})
    if params.get("year"):
        filters.append(_("année de sélection %(year)s") % {"year": params["year"]})
    label = " ".join(parts)
    return f"{label} — {', '.join(filters)}" if filters else f"{label} — {_('tout le portefeuille')}"


def _progress(job: BackgroundJob) -> dict:
    """What the page and its polling script show (same shape as the imports' progress)."""
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "finished": not job.is_active,
    }


def _in_job_directory(job: BackgroundJob, raw: str) -> bool:
    """A name in this job's folder of the reports storage (never a path chosen elsewhere)."""
    folder, _sep, name = raw.partition("/")
    return folder == jobs.job_folder(job) and bool(name) and "/" not in name and name not in {".", ".."}


def _files(job: BackgroundJob) -> list[dict]:
    """The report's files stored under `<id>/` (a link while they are still there)."""
    if job.kind != Kind.REPORT or job.status != Status.DONE:
        return []
    found = []
    for file_format in FILE_TYPES:
        raw = (job.result or {}).get(file_format)
        if not raw or not _in_job_directory(job, raw):
            continue
        name = _served_name(job, file_format)
        found.append(
            {
                "format": file_format.upper(),
                "name": Path(raw).name,
                "url": reverse("reports_job_file", args=[job.pk, file_format]) if name else "",
                "size": fmt.format_number(jobs.report_storage().size(name)) if name else "",
            }
        )
    return found


def _outside_files(job: BackgroundJob) -> list[str]:
    """Paths a `build_report --out` wrote elsewhere: named, never served."""
    if job.kind != Kind.REPORT or job.status != Status.DONE:
        return []
    return [
        raw
        for file_format, raw in (job.result or {}).items()
        if file_format in FILE_TYPES and raw and not _in_job_directory(job, raw)
    ]


def _served_name(job: BackgroundJob, file_format: str) -> str | None:
    """The stored file of a done report, only if it lies in that job's folder (never elsewhere)."""
    raw = (job.result or {}).get(file_format)
    if not raw or file_format not in FILE_TYPES:
        return None
    if not _in_job_directory(job, raw) or Path(raw).suffix != f".{file_format}":
        return None
    return raw if jobs.report_storage().exists(raw) else None


def _row(job: BackgroundJob) -> dict:
    return {
        "job": job,
        "url": reverse("reports_job_detail", args=[job.pk]),
        "requested_by": person_label(job.actor),
        "requested_at": _when(job.created_at),
        "parameters": _parameters_label(job),
    }


def job_list(request):
    """Recent jobs, newest first, with the two buttons that ask for a new one."""
    _require_agent(request)
    page = Paginator(BackgroundJob.objects.recent(), PER_PAGE).get_page(request.GET.get("page"))
    active = {job.kind: job for job in BackgroundJob.objects.active()}
    return TemplateResponse(
        request,
        "agents/reports/jobs/job_list.html",
        {
            "header_title": _("Publications et rapports"),
            "page": page,
            "rows": [_row(job) for job in page.object_list],
            "active_release": active.get(Kind.RELEASE),
            "active_report": active.get(Kind.REPORT),
        },
    )


def _submit(request, *, kind: str, parameters: dict):
    try:
        job = jobs.request_job(kind=kind, actor=request.user, parameters=parameters)
    except jobs.JobAlreadyActive as already:
        messages.warning(request, already.messages[0])
        return redirect("reports_job_detail", pk=already.job.pk)
    messages.success(
        request,
        _("Demande enregistrée : le travail se fait en arrière-plan, vous pouvez quitter cette page."),
    )
    return redirect("reports_job_detail", pk=job.pk)


def release_form(request):
    """Confirm, then queue, a new open-data release of today's data."""
    _require_agent(request)
    if request.method == "POST":
        return _submit(request, kind=Kind.RELEASE, parameters={})
    publisher = jobs.releases()
    latest = publisher.latest_name()
    return TemplateResponse(
        request,
        "agents/reports/jobs/release_form.html",
        {
            "header_title": _("Publier les données ouvertes"),
            "latest": latest,
            "latest_url": publisher.page_url(latest) if latest else "",
            "next_name": publisher.next_name(timezone.localdate()),
            "active": BackgroundJob.objects.active().of_kind(Kind.RELEASE).first(),
        },
    )


def report_form(request):
    """The report's date and filters (the dashboard's form), then a queued report."""
    _require_agent(request)
    if request.method == "POST":
        form = ReportJobForm(request.POST)
        if form.is_valid():
            try:
                parameters = form.parameters()
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _submit(request, kind=Kind.REPORT, parameters=parameters)
    else:
        # Opened from the dashboard: its current filters come along.
        form = ReportJobForm(initial={k: v for k, v in request.GET.items() if k in jobs.REPORT_PARAMETERS})
    return TemplateResponse(
        request,
        "agents/reports/jobs/report_form.html",
        {
            "header_title": _("Produire le rapport des indicateurs"),
            "form": form,
            "active": BackgroundJob.objects.active().of_kind(Kind.REPORT).first(),
        },
    )


def _job(pk: int) -> BackgroundJob:
    return get_object_or_404(BackgroundJob.objects.select_related("actor"), pk=pk)


def job_detail(request, pk: int):
    """Progress while queued or running (the page polls `job_progress`), then the result."""
    _require_agent(request)
    job = _job(pk)
    release = (job.result or {}).get("release", "")
    context = {
        "header_title": str(job),
        "job": job,
        "row": _row(job),
        "progress": _progress(job),
        "started_at": _when(job.started_at),
        "finished_at": _when(job.finished_at),
        "release": release,
        "release_url": jobs.releases().page_url(release) if release else "",
        "files": _files(job),
        "outside_files": _outside_files(job),
        "dashboard_url": reverse("reports_dashboard")
        + "?"
        + urlencode({k: v or "" for k, v in (job.parameters or {}).items() if k in jobs.REPORT_PARAMETERS}),
    }
    return TemplateResponse(request, "agents/reports/jobs/job_detail.html", context)


@require_GET
def job_progress(request, pk: int):
    """Where a job is, for the page that polls it (JSON)."""
    _require_agent(request)
    return JsonResponse(_progress(_job(pk)))


@require_GET
def job_file(request, pk: int, file_format: str):
    """A done report's XLSX or PDF, as an attachment, to DGOS agents only."""
    _require_agent(request)
    job = _job(pk)
    name = _served_name(job, file_format) if job.status == Status.DONE else None
    if name is None:
        raise Http404(
            _("Fichier introuvable : le rapport n'est pas terminé ou ses fichiers ont été retirés.")
        )
    response = FileResponse(
        jobs.report_storage().open(name, "rb"),
        as_attachment=True,
        filename=Path(name).name,
        content_type=FILE_TYPES[file_format],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
