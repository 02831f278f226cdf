"""Playwright driving Debian's chromium against pytest-django's live_server (no browser download)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, launch

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: chromium is required at {CHROMIUM} (apt-get install chromium).")
        pytest.skip(f"chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", accept_downloads=True, bypass_csp=True
    )
    page = context.new_page()
    # Behaviour, not speed (bench/ measures speed): a cold /indicateurs/ draws every chart.
    page.set_default_timeout(120_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """Save numbered screenshots of a journey under test-artifacts/<test name>/."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    counter = {"n": 0}

    def take(label: str) -> Path:
        counter["n"] += 1
        path = folder / f"{counter['n']:02d}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe(page):
    """Run axe-core in the page; return violations of impact serious or critical."""
    if not AXE_JS.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does).")
    script = AXE_JS.read_text()

    def run() -> list[dict]:
        page.add_script_tag(content=script)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]

    return run


@pytest.fixture
def task_worker(settings):
    """django-tasks' own `db_worker` loop (as the Procfile's `worker`) in a thread of the test
    process, on the database backend. PostgreSQL only: on SQLite's in-memory test database a
    second thread would not see the live server's data."""
    from django_tasks_db.management.commands.db_worker import Worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    loop = Worker(
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="e2e-worker",
    )
    thread = threading.Thread(target=loop.run, daemon=True)
    thread.start()
    yield loop
    loop.running = False
    thread.join(timeout=30)


PROGRESS_STATE_JS = """(id) => {
  const box = document.getElementById(id);
  if (!box) return {gone: true, value: null};
  const bar = document.getElementById(id + "-bar");
  return {gone: false, value: bar ? bar.value : null};
}"""


def watch_progress(page, box: str, *, patience: float = 300.0) -> set[int]:
    """Polls a background-work page until its progress box `#<box>` goes away (the page reloads
    on its result) and returns the values its bar `#<box>-bar` showed meanwhile.

    One script reads both at once and never waits for an element: the page may reload onto its
    result between two reads (a locator would then wait for a bar that is gone)."""
    from playwright.sync_api import Error as PlaywrightError

    seen: set[int] = set()
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            state = page.evaluate(PROGRESS_STATE_JS, box)
        except PlaywrightError:  # the page is being replaced by its result
            page.wait_for_timeout(200)
            continue
        if state["gone"]:
            break
        if state["value"] is not None:
            seen.add(int(float(state["value"])))
        page.wait_for_timeout(200)
    return seen
