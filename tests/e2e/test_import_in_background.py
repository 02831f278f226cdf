"""Browser journey of a long project import (issue 16): the agent uploads a file, the page comes
back at once and shows the progress while a django-tasks worker runs the dry run, then the
row-by-row preview; the confirmation runs in the background too and ends on its summary.

The worker is django-tasks' own `db_worker` loop, in a thread of the test process, on the
database backend (as the Procfile's `worker`). PostgreSQL only: on SQLite's in-memory test
database a second thread would not see the live server's data.

The file has 300 rows in `make test`; the same journey runs on a large file on demand, e.g.
`SIRANO_E2E_IMPORT_ROWS=40000 DATABASE_URL=postgres://… pytest tests/e2e/test_import_in_background.py`
(the figures of such a run are in docs/performance.md, « Import »).
"""

from __future__ import annotations

import os
import time

import pytest
from playwright.sync_api import expect

from ingest.projects import tasks
from ingest.projects.progress import RunProgress
from tests.e2e.conftest import watch_progress
from tests.factories import UserFactory
from tests.ingest.projects.builders import OPENDATA_HEADER, opendata_row, write_csv
from workflows.models import ImportRun, Project
from workflows.roles import Role

ROWS = int(os.environ.get("SIRANO_E2E_IMPORT_ROWS", "300"))
ROW_DELAY = 4.5 / ROWS  # seconds per row: a small file lasts ~4.5 s more, over several polls of the page
PATIENCE = max(300.0, ROWS / 40)  # seconds a background step may take before the test gives up


class SlowRunProgress(RunProgress):
    """Reads each row a little slower, so that the page's 1-second polls see the bar move
    whatever the speed of the machine (a fast CI worker read 600 rows between two polls)."""

    def __call__(self, done, total):
        time.sleep(ROW_DELAY)
        super().__call__(done, total)


@pytest.fixture
def worker(settings, monkeypatch, task_worker):
    monkeypatch.setattr(tasks, "RunProgress", SlowRunProgress)
    yield task_worker


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_import_runs_in_background_with_progress(page, live_server, screenshot, tmp_path, reference, worker):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (a worker thread cannot share SQLite's in-memory database)")
    UserFactory(username="instructeur-import", roles=[Role.INSTRUCTING_AGENT])
    rows = [OPENDATA_HEADER] + [
        opendata_row(acronyme=f"E2E{i:05d}", titre=f"Projet importé n° {i}") for i in range(ROWS)
    ]
    path = write_csv(tmp_path / "projets-long.csv", rows)

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/admin/login/")
    page.fill("#id_username", "instructeur-import")
    page.fill("#id_password", "sirano-test-pw")
    page.get_by_role("button", name="S'identifier").click()
    page.wait_for_url("**/admin/")
    page.goto("/admin/imports/nouveau/")
    page.set_input_files("#id_file", str(path))
    button = page.get_by_role("button", name="Lancer la simulation")
    button.click()
    # The page answers before the work is done, and shows where it is.
    page.wait_for_url("**/admin/imports/*/")
    expect(page.locator("#import-progress")).to_be_visible()
    screenshot("simulation-en-cours")
    seen = watch_progress(page, "import-progress", patience=PATIENCE)
    assert len(seen) >= 2, seen  # the bar moved while the worker read the file
    expect(page.get_by_text("Projets qui seront créés")).to_be_visible()
    expect(page.get_by_text("E2E00000")).to_be_visible()
    screenshot("apercu-ligne-par-ligne")
    assert not Project.objects.filter(acronym__startswith="E2E").exists()

    page.get_by_role("button", name="Confirmer l'import").click()
    page.wait_for_url("**/admin/imports/*/")
    watch_progress(page, "import-progress", patience=PATIENCE)
    expect(page.get_by_text("Projets créés")).to_be_visible()
    print(f"import of {ROWS} rows: bar values seen during the dry run {sorted(seen)}")
    screenshot("import-termine")
    real = ImportRun.objects.get(dry_run=False)
    assert real.status == ImportRun.Status.DONE and real.created_count == ROWS
    assert Project.objects.filter(acronym__startswith="E2E").count() == ROWS
