"""Admin pages: upload a ZIP (run in the background), follow its progress, search the documents by
text, and the review queue (one-click confirmation, correction, setting aside), all audited."""

from __future__ import annotations

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fileformats.storage import walk
from ingest.documents.services import import_documents
from tests.factories import UserFactory
from workflows.models import AuditEvent, DocumentImportRun, EvidenceType, LegacyDocument
from workflows.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def imported(tmp_path, archive, instructing_agent):
    path = tmp_path / "stock.zip"
    path.write_bytes(archive.data)
    return import_documents(path=path, actor=instructing_agent)


def test_upload_runs_in_the_background_and_shows_progress(
    client, archive, instructing_agent, django_capture_on_commit_callbacks
):
    client.force_login(instructing_agent)
    upload = SimpleUploadedFile("stock.zip", archive.data, content_type="application/zip")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("documents_import_upload"), {"archive": upload})
    assert len(callbacks) == 1  # the task is enqueued once the run is committed
    run = DocumentImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("documents_import_run", args=[run.pk])
    assert run.status == DocumentImportRun.Status.DONE and (run.done, run.total) == (38, 38)
    assert (run.matched_count, run.review_count, run.unmatched_count) == (18, 6, 6)
    assert run.actor == instructing_agent
    assert not any(
        walk(storages["private"], "imports/documents")
    )  # the uploaded archive is deleted once imported
    page = client.get(response.url).content.decode()
    assert "Rattachés automatiquement" in page and "CPP/avis_chiffre.pdf" in page and "PDF chiffré" in page
    history = client.get(reverse("documents_import_runs")).content.decode()
    assert "stock.zip" in history and "terminé" in history


def test_progress_page_refreshes_while_queued(client, instructing_agent):
    run = DocumentImportRun.objects.create(source_name="gros.zip", total=200, done=50, status="running")
    client.force_login(instructing_agent)
    page = client.get(reverse("documents_import_run", args=[run.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and 'value="25"' in page and "50 fichiers traités sur 200" in page


def test_upload_refuses_what_is_not_a_zip(client, instructing_agent):
    client.force_login(instructing_agent)
    response = client.post(
        reverse("documents_import_upload"), {"archive": SimpleUploadedFile("a.pdf", b"%PDF-1.4")}
    )
    assert response.status_code == 200 and "Déposez une archive .zip." in response.content.decode()
    assert not DocumentImportRun.objects.exists()


def test_documents_are_searchable_by_text_for_agents(
    client, imported, instructing_agent, django_assert_max_num_queries
):
    client.force_login(instructing_agent)
    url = reverse("documents_import_documents")
    page = client.get(url, {"q": "Sud-Est favorable"}).content.decode()
    assert "avis_cpp_oncovax.pdf" in page and "rapport_final_cardiostim.docx" not in page
    with django_assert_max_num_queries(18):  # 30 documents on the page: no query per row
        client.get(url)
    queue = client.get(url, {"status": "to_review"}).content.decode()
    assert "notes.txt" in queue and "avis_cpp_oncovax.pdf" not in queue


@pytest.mark.parametrize("role", [Role.BUDGET_AGENT, Role.EDITOR, Role.ESTABLISHMENT_MEMBER])
def test_other_roles_are_refused(client, imported, role, reference):
    client.force_login(UserFactory(username="other", roles=[role]))
    document = LegacyDocument.objects.first()
    for url in (
        reverse("documents_import_documents"),
        reverse("documents_import_upload"),
        reverse("documents_import_download", args=[document.pk]),
    ):
        assert client.get(url).status_code in (302, 403)
    assert client.post(reverse("documents_import_confirm", args=[document.pk])).status_code in (302, 403)
    document.refresh_from_db()
    assert document.reviewed_by is None


def test_download_is_for_agents_only(client, imported, instructing_agent):
    document = LegacyDocument.objects.get(source_path="CPP/avis_cpp_oncovax.pdf")
    url = reverse("documents_import_download", args=[document.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(instructing_agent)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:5] == b"%PDF-"
    assert "attachment" in response["Content-Disposition"]


def test_one_click_confirms_the_suggestion(client, imported, portfolio, instructing_agent):
    document = LegacyDocument.objects.get(source_path="vrac/oncovax.txt")
    assert (document.project, document.evidence_type.code) == (portfolio.oncovax, "final-report")
    client.force_login(instructing_agent)
    response = client.post(reverse("documents_import_confirm", args=[document.pk]))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == LegacyDocument.Status.ATTACHED and document.reviewed_by == instructing_agent
    event = AuditEvent.objects.get(action="confirm_legacy_document")
    assert event.project == portfolio.oncovax and event.actor == instructing_agent
    # A second click changes nothing.
    client.post(reverse("documents_import_confirm", args=[document.pk]))
    assert AuditEvent.objects.filter(action="confirm_legacy_document").count() == 1


def test_agent_corrects_project_and_type(client, imported, portfolio, instructing_agent):
    document = LegacyDocument.objects.get(source_path="Rapports/rapport_final_essai_partage.pdf")
    url = reverse("documents_import_correct", args=[document.pk])
    client.force_login(instructing_agent)
    page = client.get(url).content.decode()
    assert portfolio.shared_a.public_id in page and portfolio.shared_b.public_id in page  # both candidates

    response = client.post(url, {"project": "PHRCN-1999-9999", "evidence_type": ""})
    assert response.status_code == 200 and "PHRCN-1999-9999" in response.content.decode()
    assert "Aucun projet n&#x27;a l&#x27;identifiant" in response.content.decode()

    final = EvidenceType.objects.get(code="final-report")
    response = client.post(url, {"project": portfolio.shared_a.public_id, "evidence_type": final.pk})
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.status, document.project, document.evidence_type) == (
        "attached",
        portfolio.shared_a,
        final,
    )
    event = AuditEvent.objects.get(action="correct_legacy_document")
    assert event.project == portfolio.shared_a and "correction" in event.comment


def test_agent_sets_aside_a_document_with_a_reason(client, imported, instructing_agent):
    document = LegacyDocument.objects.get(source_path="Divers/planning.xlsx")
    url = reverse("documents_import_correct", args=[document.pk])
    client.force_login(instructing_agent)
    response = client.post(url, {"dismiss": "on", "comment": ""})
    assert response.status_code == 200 and "Indiquez pourquoi" in response.content.decode()
    client.post(url, {"dismiss": "on", "comment": "Planning interne de la DRCI"})
    document.refresh_from_db()
    assert document.status == LegacyDocument.Status.DISMISSED
    assert AuditEvent.objects.filter(action="dismiss_legacy_document", actor=instructing_agent).count() == 1
