"""Establishments remove a wrong attachment (audited, only while the request is editable, 404 for
other establishments), see one upload form when answering a change request, and read the tranche
amount before declaring (issue 16)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.portal.conftest import stored_files
from workflows import services
from workflows.models import AuditEvent, EvidenceDocument, TrancheStatus


def remove_url(request, document) -> str:
    return reverse("portal:request_remove_evidence", args=[request.pk, document.pk])


@pytest.mark.django_db
def test_member_removes_an_attachment_from_a_draft(
    client_a, draft_a, member_a, private_root, django_capture_on_commit_callbacks
):
    document = draft_a.documents.get()
    assert len(stored_files(private_root)) == 1
    page = client_a.get(reverse("portal:request_detail", args=[draft_a.pk])).content.decode()
    assert remove_url(draft_a, document) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(remove_url(draft_a, document), follow=True)
    assert response.status_code == 200
    assert "Justificatif « registre.pdf » retiré." in response.content.decode()
    assert not EvidenceDocument.objects.filter(pk=document.pk).exists()
    assert stored_files(private_root) == []
    event = AuditEvent.objects.filter(action="remove_evidence").get()
    assert event.actor == member_a and event.tranche_request_id == draft_a.pk
    assert event.evidence_sha256 == document.sha256 and "registre.pdf" in event.comment
    assert event.changes["document"]["old"]["name"] == "registre.pdf"
    # The establishment's history tells it in French.
    history = client_a.get(reverse("portal:request_detail", args=[draft_a.pk])).content.decode()
    assert "a retiré un justificatif" in history


@pytest.mark.django_db
def test_removal_refused_once_submitted(client_a, complete_draft_a, member_a, private_root):
    services.submit_tranche_request(tranche_request=complete_draft_a, actor=member_a)
    document = complete_draft_a.documents.first()
    page = client_a.get(reverse("portal:request_detail", args=[complete_draft_a.pk])).content.decode()
    assert remove_url(complete_draft_a, document) not in page
    response = client_a.post(remove_url(complete_draft_a, document), follow=True)
    assert "ne peuvent être retirés que d" in response.content.decode()
    assert EvidenceDocument.objects.filter(pk=document.pk).exists()
    assert len(stored_files(private_root)) == 2
    assert not AuditEvent.objects.filter(action="remove_evidence").exists()


@pytest.mark.django_db
def test_removal_allowed_while_changes_are_requested(client_a, changes_requested_a):
    document = changes_requested_a.documents.first()
    client_a.post(remove_url(changes_requested_a, document))
    assert not EvidenceDocument.objects.filter(pk=document.pk).exists()


@pytest.mark.django_db
def test_other_establishment_gets_404_and_nothing_changes(client_b, draft_a, private_root):
    document = draft_a.documents.get()
    assert client_b.post(remove_url(draft_a, document)).status_code == 404
    assert EvidenceDocument.objects.filter(pk=document.pk).exists()
    assert len(stored_files(private_root)) == 1


@pytest.mark.django_db
def test_document_of_another_request_is_404(client_a, draft_a, project_a, member_a, instructing_agent):
    from tests.workflows.builders import draft_request

    other = draft_request(project_a.milestones.get(rank=2), member_a)
    foreign = other.documents.first()
    assert client_a.post(remove_url(draft_a, foreign)).status_code == 404
    assert EvidenceDocument.objects.filter(pk=foreign.pk).exists()


@pytest.mark.django_db
def test_agent_cannot_remove(client_agent, draft_a):
    document = draft_a.documents.get()
    assert client_agent.post(remove_url(draft_a, document)).status_code == 403
    assert EvidenceDocument.objects.filter(pk=document.pk).exists()


@pytest.mark.django_db
def test_removal_is_post_only(client_a, draft_a):
    document = draft_a.documents.get()
    client_a.get(remove_url(draft_a, document))
    assert EvidenceDocument.objects.filter(pk=document.pk).exists()


@pytest.mark.django_db
def test_change_request_page_has_one_upload_form(client_a, changes_requested_a):
    assert changes_requested_a.status == TrancheStatus.CHANGES_REQUESTED
    html = client_a.get(reverse("portal:request_detail", args=[changes_requested_a.pk])).content.decode()
    assert len(re.findall(r'enctype="multipart/form-data"', html)) == 1
    assert 'id="answer-form"' in html and 'id="upload-form"' not in html


@pytest.mark.django_db
def test_draft_page_has_one_upload_form(client_a, draft_a):
    html = client_a.get(reverse("portal:request_detail", args=[draft_a.pk])).content.decode()
    assert len(re.findall(r'enctype="multipart/form-data"', html)) == 1


@pytest.mark.django_db
def test_declaration_form_shows_the_amount_the_request_will_carry(client_a, project_a, milestone_a):
    url = reverse("portal:milestone_declare", args=[project_a.public_id, 1])
    html = client_a.get(url).content.decode()
    shown = re.search(r'id="tranche-amount".*?Montant de la tranche : ([^<]+€)', html, re.S).group(1)
    client_a.post(url, {"reached_on": "2017-01-05", "comment": ""})
    request = milestone_a.tranche_requests.get()
    detail = client_a.get(reverse("portal:request_detail", args=[request.pk])).content.decode()
    on_request = re.search(r"Montant de la tranche</dt><dd>([^<]+€)", detail).group(1)
    assert shown == on_request
