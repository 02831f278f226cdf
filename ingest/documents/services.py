"""Writes of the legacy-document import and of its review queue, each audited.

`import_documents` walks a folder or ZIP; per file it hashes, extracts, classifies and matches,
then (real runs) stores the file privately and its record in one transaction: a failure leaves
neither a file without record nor a record without file. Re-running is idempotent (SHA-256).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import time
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.models import AuditEvent, DocumentImportRun, EvidenceType, LegacyDocument, Project
from workflows.reference import ensure_reference_data

from .classify import classify
from .extract import DocumentRefused, content_type, extract
from .match import ProjectIndex
from .sources import SourceRefused, open_source

logger = logging.getLogger(__name__)

REVIEW_PERMISSION = "workflows.change_legacydocument"
IMPORT_PERMISSION = "workflows.add_documentimportrun"
#: seconds between two progress saves of a run
PROGRESS_EVERY = 1.0


def can_import_documents(user) -> bool:
    return bool(user and user.is_active and user.has_perm(IMPORT_PERMISSION))


def can_review_documents(user) -> bool:
    return bool(user and user.is_active and user.has_perm(REVIEW_PERMISSION))


def empty_report() -> dict:
    return {"matched": [], "review": [], "unmatched": [], "duplicates": [], "refused": []}


def import_documents(
    *,
    path: str | Path,
    actor=None,
    dry_run: bool = False,
    run: DocumentImportRun | None = None,
    source_name: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> DocumentImportRun:
    """Import every file of a folder or ZIP; returns the run, whose `report` lists each file.

    Raises `SourceRefused` (French message) when the folder or archive cannot be read at all;
    the run is then recorded as failed and nothing is written.
    """
    path = Path(path)
    if run is None:
        run = DocumentImportRun.objects.create(
            source_name=(source_name or path.name)[:255], dry_run=dry_run, actor=actor
        )
    run.status, run.report, run.error = DocumentImportRun.Status.RUNNING, empty_report(), ""
    run.started_at = timezone.now()
    run.save(update_fields=["status", "report", "error", "started_at"])
    try:
        _kind, files = open_source(path)
        files = list(files)
    except SourceRefused as error:
        _finish(run, DocumentImportRun.Status.FAILED, error=str(error))
        raise
    ensure_reference_data()
    run.total, run.done = len(files), 0
    run.save(update_fields=["total", "done"])
    importer = _Importer(run=run, actor=actor, dry_run=dry_run)
    last_save = time.monotonic()
    try:
        for done, source in enumerate(files, start=1):
            importer.process(source)
            run.done = done
            if progress is not None:
                progress(done, len(files))
            if time.monotonic() - last_save >= PROGRESS_EVERY:
                run.save(update_fields=["done"])
                last_save = time.monotonic()
    except Exception as error:
        logger.exception("document import %s failed", run.pk)
        _finish(run, DocumentImportRun.Status.FAILED, error=str(error) or type(error).__name__)
        raise
    status = DocumentImportRun.Status.DRY_RUN if dry_run else DocumentImportRun.Status.DONE
    _finish(run, status)
    if not dry_run:
        AuditEvent.objects.create(
            actor=actor, action="import_documents", created_at=timezone.now(), comment=summary(run)
        )
    return run


def summary(run: DocumentImportRun) -> str:
    return (
        f"matched={run.matched_count} review={run.review_count} unmatched={run.unmatched_count} "
        f"duplicates={run.duplicate_count} refused={run.refused_count}"
    )


def _finish(run: DocumentImportRun, status: str, *, error: str = "") -> None:
    report = run.report or empty_report()
    run.status = status
    run.error = error
    run.matched_count = len(report["matched"])
    run.review_count = len(report["review"])
    run.unmatched_count = len(report["unmatched"])
    run.duplicate_count = len(report["duplicates"])
    run.refused_count = len(report["refused"])
    run.finished_at = timezone.now()
    run.save()


class _Importer:
    def __init__(self, *, run: DocumentImportRun, actor, dry_run: bool) -> None:
        self.run = run
        self.actor = actor
        self.dry_run = dry_run
        self.report = run.report
        self.index = ProjectIndex()
        self.types = {t.code: t for t in EvidenceType.objects.all()}
        self.seen: dict[str, str] = {}  # sha256 → first path in this run
        # One query for every digest already stored (64 bytes each) instead of one per file.
        self.known = set(LegacyDocument.objects.values_list("sha256", flat=True).iterator(chunk_size=5000))

    def process(self, source) -> None:
        if source.refused:
            self.report["refused"].append({"file": source.path, "reason": source.refused})
            return
        try:
            data = source.read()
        except (SourceRefused, OSError) as error:
            self.report["refused"].append({"file": source.path, "reason": str(error)})
            return
        sha = hashlib.sha256(data).hexdigest()
        if sha in self.seen:
            self.report["duplicates"].append({"file": source.path, "duplicate_of": self.seen[sha]})
            return
        if sha in self.known:
            existing = LegacyDocument.objects.filter(sha256=sha).values_list("source_path", flat=True).first()
            self.report["duplicates"].append(
                {"file": source.path, "duplicate_of": existing, "already_imported": True}
            )
            return
        self.seen[sha] = source.path
        try:
            kind, text = extract(source.path, data)
        except DocumentRefused as error:
            self.report["refused"].append({"file": source.path, "reason": str(error)})
            return
        type_code, type_reason = classify(source.path, text)
        match = self.index.match(source.path, text)
        best = match.best
        entry = {
            "file": source.path,
            "project": best.public_id if best else None,
            "type": type_code,
            "confidence": match.confidence,
        }
        if best is None:
            bucket = "unmatched"
        elif match.sure and type_code:
            bucket = "matched"
        else:
            bucket = "review"
            entry["candidates"] = [c.as_dict() for c in match.candidates]
        entry["reason"] = " ; ".join(
            part
            for part in (best.reasons[0] if best else "", f"type : {type_reason}" if type_reason else "")
            if part
        )
        self.report[bucket].append(entry)
        if self.dry_run:
            return
        self._store(
            source=source,
            data=data,
            sha=sha,
            kind=kind,
            text=text,
            status=LegacyDocument.Status.ATTACHED if bucket == "matched" else LegacyDocument.Status.TO_REVIEW,
            project_id=best.project_id if best else None,
            type_code=type_code,
            confidence=match.confidence,
            reason=entry["reason"],
            candidates=entry.get("candidates", []),
        )

    def _store(
        self, *, source, data, sha, kind, text, status, project_id, type_code, confidence, reason, candidates
    ):
        """The file and its record together, or neither."""
        name = source.path.rsplit("/", 1)[-1]
        document = LegacyDocument(
            status=status,
            project_id=project_id,
            evidence_type=self.types.get(type_code) if type_code else None,
            confidence=confidence,
            match_reason=reason[:255],
            candidates=candidates,
            original_name=name[:255],
            source_path=source.path[:1000],
            content_type=content_type(kind),
            size=len(data),
            sha256=sha,
            text=text.replace("\x00", ""),
            import_run=self.run,
        )
        document.file.save(f"{sha[:2]}/{sha}.{kind}", ContentFile(data), save=False)
        try:
            with transaction.atomic():
                document.save()
                if status == LegacyDocument.Status.ATTACHED:
                    AuditEvent.objects.create(
                        actor=self.actor,
                        action="attach_legacy_document",
                        to_state=status,
                        project_id=project_id,
                        comment=_("Document historique « %(path)s » rattaché automatiquement (%(reason)s).")
                        % {"path": source.path, "reason": reason},
                        evidence_sha256=sha,
                        created_at=timezone.now(),
                    )
        except Exception:
            document.file.delete(save=False)
            raise


# The review queue


def _check_reviewer(actor) -> None:
    if not can_review_documents(actor):
        raise PermissionDenied(_("Seuls les agents DGOS vérifient les documents historiques."))


@transaction.atomic
def confirm_legacy_document(
    *,
    document: LegacyDocument,
    actor,
    project: Project | None = None,
    evidence_type: EvidenceType | None = None,
    at: datetime.datetime | None = None,
) -> LegacyDocument:
    """Attach a queued document: to its suggested project and type (one click) or to the
    project and type the agent chose instead (a correction)."""
    _check_reviewer(actor)
    locked = LegacyDocument.objects.select_for_update().get(pk=document.pk)
    if locked.status != LegacyDocument.Status.TO_REVIEW:
        raise ValidationError(_("Ce document a déjà été vérifié."))
    corrected = (project is not None and project.pk != locked.project_id) or (
        evidence_type is not None and evidence_type.pk != locked.evidence_type_id
    )
    locked.project = project or locked.project
    locked.evidence_type = evidence_type or locked.evidence_type
    errors = {}
    if locked.project is None:
        errors["project"] = _("Choisissez le projet du document.")
    if locked.evidence_type is None:
        errors["evidence_type"] = _("Choisissez le type du document.")
    if errors:
        raise ValidationError(errors)
    locked.status = LegacyDocument.Status.ATTACHED
    locked.reviewed_by = actor
    locked.reviewed_at = at or timezone.now()
    if corrected:
        locked.confidence = 1.0
    locked.save()
    AuditEvent.objects.create(
        actor=actor,
        action="correct_legacy_document" if corrected else "confirm_legacy_document",
        from_state=LegacyDocument.Status.TO_REVIEW,
        to_state=LegacyDocument.Status.ATTACHED,
        project=locked.project,
        evidence_sha256=locked.sha256,
        comment=_("Document historique « %(path)s » rattaché comme « %(type)s »%(how)s.")
        % {
            "path": locked.source_path,
            "type": locked.evidence_type.label,
            "how": _(" (correction de la proposition)") if corrected else "",
        },
        created_at=locked.reviewed_at,
    )
    return locked


@transaction.atomic
def dismiss_legacy_document(
    *, document: LegacyDocument, actor, comment: str, at: datetime.datetime | None = None
) -> LegacyDocument:
    """Set aside a queued document that belongs to no project (kept, with the reason)."""
    _check_reviewer(actor)
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Indiquez pourquoi le document est écarté.")})
    locked = LegacyDocument.objects.select_for_update().get(pk=document.pk)
    if locked.status != LegacyDocument.Status.TO_REVIEW:
        raise ValidationError(_("Ce document a déjà été vérifié."))
    locked.status = LegacyDocument.Status.DISMISSED
    locked.project = None
    locked.reviewed_by = actor
    locked.reviewed_at = at or timezone.now()
    locked.save()
    AuditEvent.objects.create(
        actor=actor,
        action="dismiss_legacy_document",
        from_state=LegacyDocument.Status.TO_REVIEW,
        to_state=LegacyDocument.Status.DISMISSED,
        evidence_sha256=locked.sha256,
        comment=_("Document historique « %(path)s » écarté : %(comment)s")
        % {"path": locked.source_path, "comment": comment.strip()},
        created_at=locked.reviewed_at,
    )
    return locked
