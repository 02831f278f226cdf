"""The citizen's, the establishment's and the agent's journeys on the release as it ships, at 1366 and
375 px: collectstatic with the manifest storage, DEBUG off, gunicorn and the worker under the
non-owner database role, Redis and the bucket. Any console error, CSP violation, failed subresource,
5xx or public page without the DSFR font fails (tests/parity/conftest.py)."""

from __future__ import annotations

import datetime
import io
import re

import psycopg
from PIL import Image
from playwright.sync_api import expect

from tests.parity.clients import PASSWORD, totp
from tests.parity.conftest import PDF, WIDTHS

PROJECT_PAGE = re.compile(r"^/projets/[A-Z0-9]+-\d{4}-\d+/$")


def dark_share(png: bytes) -> float:
    """Share of near-black pixels: a chart whose styles were blocked is a black rectangle."""
    image = Image.open(io.BytesIO(png)).convert("L")
    pixels = image.tobytes()
    return sum(1 for value in pixels if value < 40) / len(pixels)


def test_citizen_journey(watched, stack):
    for width in WIDTHS:
        citizen = watched()
        page = citizen.page
        page.set_viewport_size({"width": width, "height": 900})
        citizen.visit("/")
        citizen.shot(f"{width}-accueil")
        assert citizen.horizontal_overflow() <= 0
        citizen.visit("/projets/")
        assert citizen.horizontal_overflow() <= 0
        citizen.visit("/projets/?q=essai")
        links = page.eval_on_selector_all(
            "main a[href^='/projets/']", "els => els.map(e => e.getAttribute('href'))"
        )
        project = next(href for href in links if PROJECT_PAGE.match(href))
        citizen.visit(project)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        citizen.shot(f"{width}-projet")
        assert citizen.horizontal_overflow() <= 0

        citizen.visit("/indicateurs/")
        citizen.shot(f"{width}-indicateurs")
        chart = page.locator("svg.sirano-chart:visible").first
        chart.scroll_into_view_if_needed()
        assert dark_share(chart.screenshot()) < 0.3
        swatches = page.locator(".sirano-map-legend .sirano-map-swatch")
        assert swatches.count() >= 2
        for index in range(swatches.count()):
            box = swatches.nth(index).bounding_box()
            assert box and box["width"] > 4 and box["height"] > 4
        # The download, opened in the browser, is drawn with its colours too.
        citizen.visit("/indicateurs/awards_by_programme/svg/", dsfr=False)
        assert dark_share(page.screenshot()) < 0.3

        citizen.visit("/donnees/")
        citizen.visit("/donnees/latest/")
        files = page.eval_on_selector_all(
            "main a[href*='/donnees/']", "els => els.map(e => e.getAttribute('href'))"
        )
        csv = next(href for href in files if href.endswith(".csv"))
        download = page.request.get(csv)
        assert download.status == 200 and len(download.body()) > 100, csv
        citizen.visit("/api/v1/docs/", dsfr=False)
        citizen.assert_clean()


def _declarable_milestone(establishment) -> str:
    """The first « Déclarer le jalon » link among the establishment's projects."""
    page = establishment.page
    establishment.visit("/portail/")
    projects = page.eval_on_selector_all(
        "main a[href^='/portail/projets/']", "els => [...new Set(els.map(e => e.getAttribute('href')))]"
    )
    for project in projects[:40]:
        establishment.visit(project)
        declare = page.locator("a", has_text=re.compile(r"^Déclarer le jalon \d+"))
        if declare.count():
            return declare.first.get_attribute("href")
    raise AssertionError("no declarable milestone among the establishment's projects")


def test_establishment_journey(watched, stack, tmp_path):
    establishment = watched()
    page = establishment.page
    establishment.visit("/portail/connexion/")
    page.fill("#id_username", "chu-lyon")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    establishment.check()
    evidence = tmp_path / "justificatif.pdf"
    evidence.write_bytes(PDF)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        establishment.visit("/portail/")
        establishment.shot(f"{width}-tableau-de-bord")
        establishment.visit(_declarable_milestone(establishment))
        page.fill("#id_reached_on", datetime.date.today().isoformat())
        page.fill("#id_comment", "Jalon atteint, justificatifs joints.")
        inputs = page.locator("form input[type=file]")
        for index in range(inputs.count()):
            inputs.nth(index).set_input_files(str(evidence))
        page.get_by_role("button", name="Enregistrer le brouillon").click()
        establishment.check()
        expect(page.locator("#request-status")).to_have_text("brouillon")
        page.get_by_role("button", name="Soumettre la demande").click()
        establishment.check()
        expect(page.locator("#request-status")).to_have_text("soumise")
        establishment.shot(f"{width}-demande-soumise")
        # The evidence just uploaded (to the bucket) comes back through the access-checked view.
        document = page.locator("main a[href*='justificatif'], main a[href*='document']").first
        if document.count():
            body = page.request.get(document.get_attribute("href")).body()
            assert body.startswith(b"%PDF")
    establishment.assert_clean()


def _submitted_request(stack) -> int:
    with psycopg.connect(stack.owner_url) as conn:
        row = conn.execute(
            "SELECT r.id FROM workflows_trancherequest r WHERE r.status = 'submitted' AND EXISTS "
            "(SELECT 1 FROM workflows_evidencedocument d WHERE d.tranche_request_id = r.id) "
            "ORDER BY r.id DESC LIMIT 1"
        ).fetchone()
    assert row, "no submitted request with evidence in the seeded data"
    return row[0]


def test_agent_journey(watched, stack):
    agent = watched()
    page = agent.page
    agent.visit("/admin/login/", dsfr=False)
    page.fill("#id_username", "instructeur")
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    # Production policy: an agent enrols a second factor at first sign-in, in the admin's look.
    page.wait_for_url("**/admin/double-authentification/**")
    agent.check(dsfr=False)
    secret = page.locator("main code").first.inner_text()
    page.fill("#id_code", totp(secret))
    page.get_by_role("button", name="Valider et activer").click()
    agent.check(dsfr=False)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        agent.visit("/admin/", dsfr=False)
        agent.shot(f"{width}-accueil-agent")
        pk = _submitted_request(stack)
        agent.visit(f"/admin/bureau/demandes/{pk}/", dsfr=False)
        document = page.locator("a[href*='/admin/bureau/justificatifs/']").first
        body = page.request.get(document.get_attribute("href")).body()
        assert body.startswith(b"%PDF")
        page.get_by_role("button", name="Prendre en instruction").first.click()
        agent.check(dsfr=False)
        page.get_by_role("link", name="Valider", exact=True).first.click()
        agent.check(dsfr=False)
        page.get_by_role("button", name="Confirmer : Valider").click()
        agent.check(dsfr=False)
        expect(page.get_by_role("status")).to_contain_text(": validée.")
        agent.shot(f"{width}-validee")
    agent.assert_clean()
