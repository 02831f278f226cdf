"""The production-parity stage: browser journeys against the release as the Procfile builds and runs it.

Collected only with SIRANO_PARITY=1 (`make test` runs it after the suite, `.ci/run` through it). One
stack per session (tests/parity/stack.py); every page a journey opens is watched, and any console
error, Content-Security-Policy violation, failed subresource, 5xx answer or public page drawn without
the DSFR's Marianne font fails the test that opened it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, launch
from tests.parity.stack import ROOT, Stack

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "test-artifacts")) / "parity"
WIDTHS = (1366, 375)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Recorded in every page before its own scripts run: violations that a console might not show.
WATCH_JS = """
window.__sirano_problems = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__sirano_problems.push('CSP ' + e.violatedDirective + ' ' + (e.blockedURI || 'inline') +
    ' ' + (e.sourceFile || '') + ':' + (e.lineNumber || ''));
});
"""

FONT_JS = """async () => {
  await document.fonts.ready;
  const family = getComputedStyle(document.body).fontFamily;
  const marianne = [...document.fonts].some((f) => f.family.replace(/["']/g, '') === 'Marianne'
                                                && f.status === 'loaded');
  return {family, marianne};
}"""


@pytest.fixture(scope="session")
def stack():
    workdir = Path(tempfile.mkdtemp(prefix="sirano-parity-"))
    production = Stack(workdir=workdir)
    try:
        production.start_services()
        production.release()
        production.seed()
        production.start_web()
        production.start_worker()
        yield production
    finally:
        production.stop()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for log in workdir.glob("*.log"):
            shutil.copy(log, ARTIFACTS / log.name)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium is required at {CHROMIUM} (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = launch(playwright)
        yield launched
        launched.close()


class Watched:
    """A browser context on the stack whose every problem is recorded (never `bypass_csp`)."""

    def __init__(self, browser, base_url: str, name: str):
        self.context = browser.new_context(base_url=base_url, locale="fr-FR", accept_downloads=True)
        self.context.add_init_script(WATCH_JS)
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.problems: list[str] = []
        self.folder = ARTIFACTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.shots = 0
        page = self.page
        page.on(
            "console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text} [{page.url}]")
        )
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e} [{page.url}]"))
        page.on("requestfailed", self._failed)
        page.on("response", lambda r: r.status >= 500 and self.problems.append(f"{r.status} {r.url}"))

    def _failed(self, request) -> None:
        # A navigation cancels what the previous page was still loading: not a broken resource.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.problems.append(f"failed: {request.url} {request.failure}")

    def visit(self, path: str, *, dsfr: bool = True):
        response = self.page.goto(path)
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        self.check(dsfr=dsfr)
        return response

    def check(self, *, dsfr: bool = True) -> None:
        """The page as loaded: problems collected, the DSFR font applied on public and portal pages."""
        self.page.wait_for_load_state("load")
        self.problems.extend(self.page.evaluate("window.__sirano_problems || []"))
        self.page.evaluate("window.__sirano_problems = []")
        if dsfr:
            font = self.page.evaluate(FONT_JS)
            if "Marianne" not in font["family"] or not font["marianne"]:
                self.problems.append(f"no DSFR font on {self.page.url}: {font}")
        self.assert_clean()  # the first page with a problem fails the journey, with all its problems

    def shot(self, label: str) -> None:
        self.shots += 1
        self.page.screenshot(path=str(self.folder / f"{self.shots:02d}-{label}.png"), full_page=True)

    def horizontal_overflow(self) -> int:
        return self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )

    def assert_clean(self) -> None:
        assert self.problems == [], "\n".join(self.problems)


@pytest.fixture
def watched(browser, stack, request):
    contexts: list[Watched] = []

    def open_context(base_url: str | None = None) -> Watched:
        context = Watched(browser, base_url or stack.web_urls[0], f"{request.node.name}-{len(contexts)}")
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.context.close()
