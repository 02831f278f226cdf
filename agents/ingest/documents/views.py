"""Wagtail admin pages for DGOS agents: upload a ZIP of legacy documents (imported in the
background, with progress), the runs' history, the documents listing (searchable by text) and
the review queue where one click confirms a suggestion or the agent corrects it."""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ingest.documents.services import (
    can_import_documents,
    can_review_documents,
    confirm_legacy_document,
    dismiss_legacy_document,
)
from ingest.documents.tasks import run_document_import, store_archive
from workflows.log_context import current_request_id
from workflows.models import DocumentImportRun, EvidenceType, LegacyDocument, Project

PER_PAGE = 50


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


class ArchiveForm(forms.Form):
    archive = forms.FileField(
        label=gettext_lazy("Archive ZIP des documents"),
        help_text=gettext_lazy(
            "PDF, DOCX, XLSX, ODT et texte, dans n'importe quelle arborescence de dossiers."
        ),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Simulation (analyser sans rien enregistrer)"), required=False
    )

    def clean_archive(self):
        upload = self.cleaned_data["archive"]
        if Path(upload.name).suffix.lower() != ".zip":
            raise forms.ValidationError(_("Déposez une archive .zip."))
        if upload.size > settings.DOCUMENT_IMPORT_MAX_ARCHIVE:
            raise forms.ValidationError(
                _("Archive trop volumineuse (%(size)s Mo, maximum %(max)s Mo).")
                % {"size": upload.size // 2**20, "max": settings.DOCUMENT_IMPORT_MAX_ARCHIVE // 2**20}
            )
        return upload


def upload(request):
    """Store the archive privately, queue its run and show the run's progress page."""
    _require(can_import_documents(request.user))
    form = ArchiveForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        archive = form.cleaned_data["archive"]
        token = f"{uuid.uuid4().hex}.zip"
        store_archive(archive, token=token)
        run = DocumentImportRun.objects.create(
            source_name=Path(archive.name).name[:255],
            archive=token,
            dry_run=form.cleaned_data["dry_run"],
            actor=request.user,
        )
        request_id = current_request_id()  # logged by the worker with the task's lines
        transaction.on_commit(lambda: run_document_import.enqueue(run.pk, request_id=request_id))
        return redirect("documents_import_run", pk=run.pk)
    return TemplateResponse(request, "agents/ingest/documents/upload.html", {"form": form})


def runs(request):
    _require(can_import_documents(request.user))
    page = Paginator(DocumentImportRun.objects.select_related("actor"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return TemplateResponse(
        request, "agents/ingest/documents/run_list.html", {"page": page, "runs": page.object_list}
    )


def run_detail(request, pk: int):
    """Progress while the run is queued or running (the page refreshes itself), then its report."""
    _require(can_import_documents(request.user))
    run = get_object_or_404(DocumentImportRun.objects.select_related("actor"), pk=pk)
    report = run.report or {}
    sections = [
        ("matched", _("Rattachés automatiquement")),
        ("review", _("À vérifier")),
        ("unmatched", _("Sans projet reconnu")),
        ("duplicates", _("Doublons (déjà importés ou en double dans la source)")),
        ("refused", _("Refusés")),
    ]
    # The report stores type codes (`final-report`); agents read the French labels.
    type_labels = dict(EvidenceType.objects.values_list("code", "label"))
    shown = {
        key: [{**entry, "type": type_labels.get(entry.get("type"), entry.get("type"))} for entry in entries]
        for key, _label in sections
        if (entries := (report.get(key) or [])[:500])
    }
    return TemplateResponse(
        request,
        "agents/ingest/documents/run_detail.html",
        {"run": run, "sections": [(key, label, shown.get(key, [])) for key, label in sections]},
    )


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Texte contenu"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Statut"),
        required=False,
        choices=[("", gettext_lazy("Tous")), *LegacyDocument.Status.choices],
    )
    evidence_type = forms.ModelChoiceField(
        label=gettext_lazy("Type"), required=False, queryset=EvidenceType.objects.all()
    )
    project = forms.CharField(label=gettext_lazy("Projet (identifiant)"), required=False)


def documents(request):
    """Every legacy document, filtered by the words of its text, status, type or project; the
    documents "à vérifier" carry the review actions."""
    _require(can_review_documents(request.user))
    form = DocumentFilterForm(request.GET or None)
    queryset = LegacyDocument.objects.select_related("project", "evidence_type", "import_run").defer("text")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            for word in data["q"].split()[:10]:
                queryset = queryset.filter(Q(text__icontains=word) | Q(original_name__icontains=word))
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["evidence_type"]:
            queryset = queryset.filter(evidence_type=data["evidence_type"])
        if data["project"]:
            queryset = queryset.filter(project__public_id__iexact=data["project"].strip())
    page = Paginator(queryset.order_by("status", "-created_at", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "agents/ingest/documents/document_list.html",
        {
            "form": form,
            "page": page,
            "documents": page.object_list,
            "query": query.urlencode(),
            "types": EvidenceType.objects.all(),
            "to_review": LegacyDocument.objects.to_review().count(),
        },
    )


def download(request, pk: int):
    """Agents only: legacy documents are internal, never public."""
    _require(can_review_documents(request.user))
    document = get_object_or_404(LegacyDocument, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )


def _back(request):
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("documents_import_documents")


@require_POST
def confirm(request, pk: int):
    """One click: attach to the suggested project as the suggested type."""
    _require(can_review_documents(request.user))
    document = get_object_or_404(LegacyDocument, pk=pk)
    try:
        confirm_legacy_document(document=document, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("« %(name)s » rattaché.") % {"name": document.original_name})
    return _back(request)


class CorrectionForm(forms.Form):
    project = forms.CharField(label=gettext_lazy("Projet (identifiant, ex. PHRCN-2016-0042)"), required=False)
    evidence_type = forms.ModelChoiceField(
        label=gettext_lazy("Type de document"), required=False, queryset=EvidenceType.objects.all()
    )
    dismiss = forms.BooleanField(
        label=gettext_lazy("Écarter : ce document n'appartient à aucun projet"), required=False
    )
    comment = forms.CharField(label=gettext_lazy("Motif (pour écarter)"), required=False)

    def clean_project(self):
        value = self.cleaned_data["project"].strip()
        if not value:
            return None
        project = Project.objects.filter(public_id__iexact=value).first()
        if project is None:
            raise forms.ValidationError(_("Aucun projet n'a l'identifiant « %(value)s ».") % {"value": value})
        return project


def correct(request, pk: int):
    """Choose another project or type (audited as a correction), or set the document aside."""
    _require(can_review_documents(request.user))
    document = get_object_or_404(
        LegacyDocument.objects.select_related("project", "evidence_type"),
        pk=pk,
        status=LegacyDocument.Status.TO_REVIEW,
    )
    initial = {
        "project": document.project.public_id if document.project else "",
        "evidence_type": document.evidence_type,
    }
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["dismiss"]:
                dismiss_legacy_document(document=document, actor=request.user, comment=data["comment"])
            else:
                confirm_legacy_document(
                    document=document,
                    actor=request.user,
                    project=data["project"],
                    evidence_type=data["evidence_type"],
                )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("« %(name)s » vérifié.") % {"name": document.original_name})
            return redirect(f"{reverse('documents_import_documents')}?status=to_review")
    return TemplateResponse(
        request, "agents/ingest/documents/document_correct.html", {"form": form, "document": document}
    )
