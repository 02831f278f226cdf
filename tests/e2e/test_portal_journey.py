"""Browser journey of the establishment portal with the agents' desk in the middle.

`chu-lyon` signs in, declares milestone 1, uploads PDFs, submits; `instructeur` asks for changes;
`chu-lyon` answers and resubmits; `instructeur` validates (after a confirmation page restating
project, tranche and amount); `chu-lyon` sees the tranche validated.
Screenshots of each step go to test-artifacts/<test name>/.

The agent steps drive the Wagtail desk (agents/desk, URLs in docs/workflow.md) in a second
browser context, as an instructing agent would.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from playwright.sync_api import expect

from demo.users import DEMO_PASSWORD, ensure_demo_users
from formatting import format_date, format_euros
from tests.factories import ProjectFactory
from workflows.models import EvidenceDocument, TrancheRequest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _portal_test_storage(settings, tmp_path, monkeypatch):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    monkeypatch.setattr(
        EvidenceDocument._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path / "private")
    )


def agent_acts_in_desk(
    desk_page, screenshot_desk, tranche_request, *, action: str, comment: str = ""
) -> None:
    desk_page.goto(reverse("workflows_desk:request_inspect", args=[tranche_request.pk]))
    desk_page.get_by_role("button", name="Prendre en instruction").first.click()
    if action == "validate":
        desk_page.get_by_role("link", name="Valider", exact=True).first.click()
        summary = desk_page.locator("#confirmation-summary")
        expect(summary).to_contain_text(tranche_request.milestone.project.public_id)
        expect(summary).to_contain_text("tranche 1")
        expect(summary).to_contain_text(format_euros(tranche_request.amount, places=2))
        screenshot_desk("confirmation-validation")
        desk_page.get_by_role("button", name="Confirmer : Valider").click()
        # The confirmation message names the new state (the menu also says « Validées à déléguer »).
        expect(desk_page.get_by_role("status")).to_contain_text(": validée.")
        screenshot_desk("validee")
        return
    desk_page.get_by_role("link", name="Demander des compléments").first.click()
    desk_page.get_by_label("Commentaire").fill(comment)
    screenshot_desk("demande-de-complements")
    desk_page.get_by_role("button", name="Confirmer : Demander des compléments").click()


@pytest.fixture
def lyon_project(reference, establishment_a):
    ensure_demo_users()
    return ProjectFactory(
        establishment=establishment_a, acronym="LYON-E2E", title="Essai de parcours de soins lyonnais"
    )


@pytest.mark.django_db(transaction=True)
def test_portal_journey(page, browser, live_server, screenshot, axe, tmp_path, lyon_project):
    project = lyon_project
    registry = tmp_path / "enregistrement-registre.pdf"
    registry.write_bytes(PDF)
    opinion = tmp_path / "avis-cpp.pdf"
    opinion.write_bytes(PDF + b"% avis\n")
    signed = tmp_path / "avis-cpp-signe.pdf"
    signed.write_bytes(PDF + b"% avis signe\n")

    # 1. chu-lyon signs in and finds the project on the dashboard.
    page.goto("/portail/")
    page.fill("#id_username", "chu-lyon")
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes projets")
    expect(page.get_by_text("HOSPICES CIVILS DE LYON")).to_be_visible()
    artefacts = screenshot("tableau-de-bord").parent
    assert axe() == []

    # 2. Project page, then the declaration form with the evidence checklist.
    page.get_by_role("link", name="LYON-E2E").click()
    expect(page.get_by_role("heading", name="Jalons")).to_be_visible()
    screenshot("projet")
    assert axe() == []
    page.get_by_role("link", name="Déclarer le jalon 1 et demander la tranche").click()
    page.fill("#id_reached_on", "2017-01-05")
    page.fill("#id_comment", "Essai enregistré, avis CPP favorable.")
    page.get_by_label("Enregistrement au registre d'essais").set_input_files(str(registry))
    screenshot("declaration")
    assert axe() == []
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator("#request-status")).to_have_text("brouillon")
    expect(page.get_by_text("Justificatifs manquants : Avis CPP / autorisation ANSM.")).to_be_visible()
    screenshot("brouillon")

    # 3. The missing evidence, then submit.
    page.select_option("#id_evidence_type", label="Avis CPP / autorisation ANSM")
    page.set_input_files("#id_file", str(opinion))
    page.get_by_role("button", name="Déposer").click()
    expect(page.get_by_text("Justificatif « avis-cpp.pdf » déposé.")).to_be_visible()
    page.get_by_role("button", name="Soumettre la demande").click()
    expect(page.locator("#request-status")).to_have_text("soumise")
    screenshot("soumise")
    assert axe() == []
    tranche_request = TrancheRequest.objects.get(milestone__project=project)

    # 4. instructeur asks for changes.
    comment = "Merci de joindre l'avis CPP signé."
    # bypass_csp: axe-core is injected as an inline script (CSP itself: tests/security).
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", bypass_csp=True)
    desk_page = context.new_page()
    desk_page.goto("/admin/login/")
    desk_page.fill("#id_username", "instructeur")
    desk_page.fill("#id_password", DEMO_PASSWORD)
    desk_page.locator("form button[type=submit]").first.click()
    desk_page.wait_for_url("**/admin/**")

    def screenshot_desk(label):
        desk_page.screenshot(path=str(artefacts / f"desk-{label}.png"), full_page=True)

    agent_acts_in_desk(desk_page, screenshot_desk, tranche_request, action="request_changes", comment=comment)
    tranche_request.refresh_from_db()
    assert tranche_request.status == "changes_requested"

    # 5. chu-lyon reads the request, answers with a new document and resubmits.
    page.reload()
    expect(page.locator("#request-status")).to_have_text("compléments demandés")
    expect(page.locator(".fr-callout__text")).to_have_text(comment)
    screenshot("complements-demandes")
    assert axe() == []
    page.fill("#id_comment", "Avis signé joint.")
    page.locator("#answer-form").get_by_label("Avis CPP / autorisation ANSM").set_input_files(str(signed))
    page.get_by_role("button", name="Renvoyer la demande").click()
    expect(page.locator("#request-status")).to_have_text("soumise")
    screenshot("renvoyee")

    # 6. instructeur validates.
    agent_acts_in_desk(desk_page, screenshot_desk, tranche_request, action="validate")
    context.close()
    tranche_request.refresh_from_db()
    assert tranche_request.status == "validated"

    # 7. chu-lyon sees the tranche validated, on the request and on the project page.
    page.reload()
    expect(page.locator("#request-status")).to_have_text("validée")
    page.get_by_role("link", name="LYON-E2E").first.click()
    row = page.locator("#tranches + .fr-table tbody tr").first
    expect(row).to_contain_text("validée")
    expect(row).to_contain_text(format_date(datetime.date.today()))
    expect(page.get_by_text("La DGOS a validé la tranche du jalon 1")).to_be_visible()
    screenshot("tranche-validee")
    assert axe() == []

    # 8. The same pages on a phone: nothing wider than the screen but the scrollable tables.
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    screenshot("telephone-projet")
    assert tranche_request.documents.count() == 3
