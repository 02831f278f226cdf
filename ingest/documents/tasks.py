"""Background runs of the document import (django-tasks; `manage.py db_worker` executes them)."""

from __future__ import annotations

from pathlib import Path

from django.core.files import File
from django.core.files.storage import storages
from django_tasks import task

from fileformats.storage import delete_quietly, local_copy
from workflows.log_context import task_context
from workflows.models import DocumentImportRun

from .services import import_documents
from .sources import SourceRefused

#: Folder of the "private" storage where archives uploaded in the admin wait for their run.
UPLOADS = "imports/documents"


def store_archive(archive: File, *, token: str) -> None:
    """Keep an uploaded archive (private, never web-served) where the worker of any host reads it."""
    storages["private"].save(f"{UPLOADS}/{Path(token).name}", archive)


@task()
def run_document_import(run_id: int, request_id: str = "") -> dict:
    """Import the archive of a queued run; progress is saved on the run as files are processed.
    `request_id`: the request that enqueued it, for the worker's log lines."""
    with task_context("run_document_import", request_id):
        return _run_document_import(run_id)


def _run_document_import(run_id: int) -> dict:
    run = DocumentImportRun.objects.select_related("actor").get(pk=run_id)
    name = f"{UPLOADS}/{Path(run.archive).name}"
    try:
        # Opening a ZIP needs a real file: a temporary local copy, removed after the run.
        with local_copy(storages["private"], name, suffix=".zip") as archive:
            import_documents(
                path=archive,
                actor=run.actor,
                dry_run=run.dry_run,
                run=run,
                source_name=run.source_name,
            )
    except SourceRefused:
        pass  # recorded on the run as failed, with its French reason
    finally:
        delete_quietly(storages["private"], name)
    run.refresh_from_db()
    return {"status": run.status, "processed": run.done, "total": run.total}
