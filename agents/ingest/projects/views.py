"""Wagtail admin pages for agents: upload → dry run (counts, mapping, rejects, old → new) →
confirm → run; and the import history. Instructing agents and DGOS administrators only
(the `add_importrun` permission of their roles)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ingest.projects.headers import FIELDS
from ingest.projects.services import (
    can_import_projects,
    expire_dry_runs,
    store_upload,
    upload_exists,
    upload_sha256,
)
from ingest.projects.tasks import release_claim, run_project_import
from workflows.log_context import current_request_id
from workflows.models import ImportRun

ALLOWED_SUFFIXES = {".csv", ".txt", ".xlsx"}
SHOWN_ROWS = 500


def _require(user) -> None:
    if not can_import_projects(user):
        raise PermissionDenied


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier à importer"),
        help_text=gettext_lazy("Fichier open data ou tableur historique : CSV (tout séparateur) ou XLSX."),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            ("auto", gettext_lazy("Détection automatique")),
            ("opendata", gettext_lazy("Fichier open data (14 colonnes)")),
            ("legacy", gettext_lazy("Tableur historique")),
        ],
        initial="auto",
    )
    mapping = forms.FileField(
        label=gettext_lazy("Correspondance des colonnes (facultatif)"),
        required=False,
        help_text=gettext_lazy("YAML ou JSON : « en-tête du fichier: champ »."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(
                _("Extension « %(suffix)s » refusée : déposez un fichier .csv ou .xlsx.")
                % {"suffix": suffix or "—"}
            )
        if not upload.size:
            raise forms.ValidationError(_("Le fichier est vide : rien à importer."))
        if upload.size > settings.MAX_UPLOAD_SIZE:
            raise forms.ValidationError(
                _("Fichier trop volumineux (%(size)s Mo, maximum %(max)s Mo).")
                % {"size": upload.size // 2**20, "max": settings.MAX_UPLOAD_SIZE // 2**20}
            )
        return upload

    def clean_mapping(self):
        upload = self.cleaned_data.get("mapping")
        if upload and Path(upload.name).suffix.lower() not in {".yaml", ".yml", ".json"}:
            raise forms.ValidationError(_("La correspondance doit être un fichier .yaml, .yml ou .json."))
        return upload


def import_upload(request):
    """Step 1: upload; the dry run is queued in the background and its page shows the progress.

    A hidden one-time token makes a double submission (double click, back and resend) lead to
    the same run instead of a second one.
    """
    _require(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    submission = request.POST.get("submission", "")
    if request.method == "POST" and submission:
        already = ImportRun.objects.filter(actor=request.user, report__submission=submission).first()
        if already is not None:
            return redirect("ingest_import_detail", pk=already.pk)
    if request.method == "POST" and form.is_valid():
        expire_dry_runs()
        token = store_upload(form.cleaned_data["file"])
        mapping = form.cleaned_data.get("mapping")
        mapping_token = store_upload(mapping) if mapping else ""
        upload = {"file": token, "mapping": mapping_token, "format": form.cleaned_data["format"]}
        with transaction.atomic():
            run = ImportRun.objects.create(
                status=ImportRun.Status.QUEUED,
                dry_run=True,
                file_name=form.cleaned_data["file"].name[:255],
                actor=request.user,
                report={"upload": upload, "submission": submission[:64]},
            )
            transaction.on_commit(lambda: run_project_import.enqueue(run.pk, request_id=current_request_id()))
        return redirect("ingest_import_detail", pk=run.pk)
    return TemplateResponse(
        request,
        "agents/ingest/projects/importrun_upload.html",
        {"form": form, "submission": uuid.uuid4().hex},
    )


def _claim(pk: int, actor) -> ImportRun | None:
    """Mark the dry run as confirmed (`confirmed_at`, one conditional update); None when another
    request has it.

    Three agents clicking « Confirmer » together: the database lets the first update through, the
    others find `confirmed_at` set (or the finished run) and get a message; exactly one import runs.
    """
    dry = get_object_or_404(ImportRun, pk=pk, status=ImportRun.Status.DRY_RUN)
    if _confirmed_by(dry) is not None or not ImportRun.claim_confirmation(pk=dry.pk, actor=actor):
        return None
    dry.refresh_from_db(fields=["confirmed_at", "confirmed_by"])
    return dry


def _confirmed_by(run: ImportRun) -> ImportRun | None:
    return ImportRun.objects.filter(report__confirmed_from=run.pk).first()


def import_detail(request, pk: int):
    """Step 2 (dry run) or the record of a finished run: counts, mapping, rejects, old → new."""
    _require(request.user)
    run = get_object_or_404(ImportRun.objects.select_related("actor"), pk=pk)
    report = run.report or {}
    confirmed = _confirmed_by(run) if run.status == ImportRun.Status.DRY_RUN else None
    upload = report.get("upload") or {}
    can_confirm = (
        run.status == ImportRun.Status.DRY_RUN
        and confirmed is None
        and run.confirmed_at is None
        and upload_exists(upload.get("file", ""))
    )
    context = {
        "run": run,
        "report": report,
        "mappings": [
            {
                "sheet": "" if name == "csv" else name,
                **mapping,
                "labelled": [
                    (header, capfirst(FIELDS.get(code, code)))
                    for header, code in mapping.get("columns", {}).items()
                ],
            }
            for name, mapping in (report.get("mapping") or {}).items()
        ],
        "creations": (report.get("creations") or [])[:SHOWN_ROWS],
        "rejected": (report.get("rejected") or [])[:SHOWN_ROWS],
        "updates": (report.get("updates") or [])[:SHOWN_ROWS],
        "shown_rows": SHOWN_ROWS,
        "confirmed": confirmed,
        "can_confirm": can_confirm,
        "progress": _progress(run),
        "confirming": run.confirmed_at is not None and confirmed is not None,
    }
    return TemplateResponse(request, "agents/ingest/projects/importrun_detail.html", context)


@require_POST
def import_confirm(request, pk: int):
    """Step 3: queue the real import of the file the dry run showed (same bytes, same options)."""
    _require(request.user)
    dry = _claim(pk, request.user)
    if dry is None:
        messages.error(
            request,
            _("Cet import a déjà été confirmé ou est en cours de confirmation par une autre personne."),
        )
        return redirect("ingest_import_detail", pk=pk)
    upload = (dry.report or {}).get("upload") or {}
    token = upload.get("file", "")
    if not upload_exists(token) or upload_sha256(token) != dry.file_sha256:
        release_claim(dry.pk)
        messages.error(
            request, _("Le fichier de la simulation n'est plus disponible : déposez-le à nouveau.")
        )
        return redirect("ingest_import_upload")
    with transaction.atomic():
        run = ImportRun.objects.create(
            status=ImportRun.Status.QUEUED,
            dry_run=False,
            file_name=dry.file_name,
            actor=request.user,
            report={"upload": upload, "confirmed_from": dry.pk},
        )
        transaction.on_commit(lambda: run_project_import.enqueue(run.pk, request_id=current_request_id()))
    return redirect("ingest_import_detail", pk=run.pk)


@require_GET
def import_progress(request, pk: int):
    """Where a background run is, for the page that polls it (JSON)."""
    _require(request.user)
    run = get_object_or_404(ImportRun, pk=pk)
    return JsonResponse(_progress(run))


def _progress(run: ImportRun) -> dict:
    working = run.status in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING)
    # The worker saves its counts on the run as it reads the rows (ingest/projects/progress.py).
    done, total = run.done or 0, run.total
    percent = min(100, done * 100 // total) if total else (0 if working else 100)
    return {
        "status": run.status,
        "status_label": run.get_status_display(),
        "done": done,
        "total": total,
        "percent": percent,
        "finished": not working,
    }


def import_history(request):
    """Every run, dry runs and failures included, newest first."""
    _require(request.user)
    runs = ImportRun.objects.select_related("actor").order_by("-created_at", "-pk")
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "agents/ingest/projects/importrun_list.html", {"page": page, "runs": page.object_list}
    )
