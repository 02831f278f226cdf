"""Background runs of the project import (django-tasks; `manage.py db_worker` executes them).

The admin creates a queued `ImportRun` and enqueues it; the page polls its progress and shows
the result when done. A 40,000-row file no longer runs inside a web request.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from django_tasks import task

from fileformats.storage import local_copy
from workflows.log_context import task_context
from workflows.models import ImportRun

from .headers import MappingError
from .progress import RunProgress
from .readers import UnreadableFile
from .services import delete_upload, import_projects_file, upload_name, upload_storage


def release_claim(dry_pk: int) -> None:
    """A confirmation failed: the dry run may be confirmed again (its `confirmed_at` is cleared)."""
    ImportRun.release_confirmation(pk=dry_pk)


@task()
def run_project_import(run_id: int, request_id: str = "") -> dict:
    """Run the dry run or the confirmed import of a queued run, with its stored upload.
    `request_id`: the request that enqueued it, for the worker's log lines."""
    with task_context("run_project_import", request_id):
        return _run_project_import(run_id)


def _run_project_import(run_id: int) -> dict:
    run = ImportRun.objects.select_related("actor").get(pk=run_id, status=ImportRun.Status.QUEUED)
    upload = (run.report or {}).get("upload") or {}
    context = dict(run.report or {})
    token, mapping = upload.get("file", ""), upload.get("mapping", "")
    progress = RunProgress(run.pk)
    try:
        with contextlib.ExitStack() as copies:
            # The parsers need real paths: local copies of the stored uploads, removed after the run.
            path = copies.enter_context(
                local_copy(upload_storage(), upload_name(token or "missing"), suffix=Path(token).suffix)
            )
            mapping_path = (
                copies.enter_context(
                    local_copy(upload_storage(), upload_name(mapping), suffix=Path(mapping).suffix)
                )
                if mapping
                else None
            )
            import_projects_file(
                path=path,
                actor=run.actor,
                fmt=upload.get("format", "auto"),
                mapping_path=mapping_path,
                dry_run=run.dry_run,
                file_name=run.file_name,
                progress=progress,
                context=context,
                run=run,
            )
    except (UnreadableFile, MappingError):
        pass  # recorded on the run as failed, with its French reason
    except Exception:
        # An unexpected failure: the run's page stops waiting, the worker logs the traceback.
        ImportRun.objects.filter(pk=run.pk).exclude(status=ImportRun.Status.DONE).update(
            status=ImportRun.Status.FAILED
        )
        run.status = ImportRun.Status.FAILED
        raise
    finally:
        progress.close()
        confirmed_from = context.get("confirmed_from")
        if confirmed_from and run.status != ImportRun.Status.DONE:
            release_claim(confirmed_from)  # the file stays: the agent may confirm again
        elif run.status == ImportRun.Status.DONE or (run.dry_run and run.status != ImportRun.Status.DRY_RUN):
            # Imported, or a dry run that did not finish: the stored upload has served.
            delete_upload(token)
            delete_upload(mapping)
    run.refresh_from_db()
    return {"status": run.status, "processed": run.done, "total": run.total}
