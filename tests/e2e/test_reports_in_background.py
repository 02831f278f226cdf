"""Browser journey of « Publications et rapports » (issue 16): from the DGOS dashboard the agent asks
for the full indicators report; the page comes back at once and its bar moves while a django-tasks
worker builds it, then offers the XLSX and the PDF to download.

The worker is django-tasks' own `db_worker` loop in a thread of the test process (as in
test_import_in_background.py). PostgreSQL only.
"""

from __future__ import annotations

import datetime
import time

import pytest
from playwright.sync_api import expect

from reports import jobs
from reports.models import BackgroundJob
from tests.e2e.conftest import watch_progress
from tests.factories import ProjectFactory, UserFactory
from workflows.roles import Role

STEP_DELAY = 0.3  # seconds per step (21 steps): several polls of the page see the bar move


@pytest.fixture
def worker(settings, monkeypatch, tmp_path, task_worker):
    settings.REPORTS_ROOT = tmp_path / "rapports"
    record = jobs.record_progress

    def slow(**kwargs):
        time.sleep(STEP_DELAY)
        record(**kwargs)

    monkeypatch.setattr(jobs, "record_progress", slow)
    yield task_worker


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_report_is_built_in_background_with_progress(page, live_server, screenshot, reference, worker):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (a worker thread cannot share SQLite's in-memory database)")
    UserFactory(username="budget-rapport", roles=[Role.BUDGET_AGENT])
    for index in range(3):
        ProjectFactory(acronym=f"RAP{index}")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/admin/login/")
    page.fill("#id_username", "budget-rapport")
    page.fill("#id_password", "sirano-test-pw")
    page.get_by_role("button", name="S'identifier").click()
    page.wait_for_url("**/admin/")
    page.goto("/admin/indicateurs/")
    page.get_by_role("link", name="Produire le rapport complet (XLSX et PDF) avec ces filtres").click()
    page.wait_for_url("**/admin/publications/rapport/**")
    page.get_by_role("button", name="Produire le rapport").click()
    # The page answers before the work is done, and shows where it is.
    page.wait_for_url("**/admin/publications/*/")
    expect(page.locator("#job-progress")).to_be_visible()
    screenshot("rapport-en-cours")
    seen = watch_progress(page, "job-progress")
    assert len(seen) >= 2, seen  # the bar moved while the worker built the report
    expect(page.get_by_text("Rapport terminé")).to_be_visible()
    screenshot("rapport-termine")
    job = BackgroundJob.objects.get()
    assert job.status == BackgroundJob.Status.DONE
    with page.expect_download() as download:
        page.get_by_role(
            "link",
            name=f"Télécharger le XLSX ({jobs.report_file_name(datetime.date.fromisoformat(job.parameters['as_of']))})",
        ).click()
    assert download.value.suggested_filename.endswith(".xlsx")
