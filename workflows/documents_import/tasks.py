"""Background runs of the document import (django-tasks; `manage.py db_worker` executes them)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django_tasks import task

from workflows.log_context import task_context
from workflows.models import DocumentImportRun

from .services import import_documents
from .sources import SourceRefused


def uploads_dir() -> Path:
    """Archives uploaded in the admin wait here (private, never web-served) until their run ends."""
    path = Path(settings.PRIVATE_STORAGE_ROOT) / "imports" / "documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


@task()
def run_document_import(run_id: int, request_id: str = "") -> dict:
    """Import the archive of a queued run; progress is saved on the run as files are processed.
    `request_id`: the request that enqueued it, for the worker's log lines."""
    with task_context("run_document_import", request_id):
        return _run_document_import(run_id)


def _run_document_import(run_id: int) -> dict:
    run = DocumentImportRun.objects.select_related("run_by").get(pk=run_id)
    archive = uploads_dir() / run.archive
    try:
        import_documents(path=archive, actor=run.run_by, dry_run=run.dry_run, run=run)
    except SourceRefused:
        pass  # recorded on the run as failed, with its French reason
    finally:
        archive.unlink(missing_ok=True)
    run.refresh_from_db()
    return {"status": run.status, "processed": run.processed, "total": run.total}
