"""Establishment flows through the pages: declare and save a draft, add evidence, submit, answer a
change request and resubmit, withdraw; refusals explained in French and tied to fields."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.portal.conftest import pdf_upload, stored_files
from workflows.models import AuditEvent, EvidenceDocument, EvidenceType, TrancheRequest


def evidence(code: str) -> EvidenceType:
    return EvidenceType.objects.get(code=code)


@pytest.mark.django_db
def test_declare_saves_a_draft_with_the_files_given(client_a, milestone_a, project_a):
    url = reverse("portal:milestone_declare", args=[project_a.public_id, 1])
    page = client_a.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Enregistrement au registre d&#x27;essais" in content and "Avis CPP / autorisation ANSM" in content
    response = client_a.post(
        url,
        {
            "reached_on": "2017-01-05",
            "comment": "Essai enregistré.",
            f"evidence_{evidence('registry-record').pk}": pdf_upload("registre.pdf"),
            # Fields the establishment may not set are ignored.
            "status": "validated",
            "amount": "999999",
            "establishment": "1",
        },
    )
    request = TrancheRequest.objects.get(milestone=milestone_a)
    assert response.status_code == 302 and response["Location"] == reverse(
        "portal:request_detail", args=[request.pk]
    )
    milestone_a.refresh_from_db()
    assert milestone_a.declared_on == datetime.date(2017, 1, 5)
    assert request.status == "draft"
    assert request.amount == milestone_a.tranche_amount
    assert [d.evidence_type.code for d in request.documents.all()] == ["registry-record"]


@pytest.mark.django_db
def test_declare_refuses_a_future_date_on_its_field(client_a, milestone_a, project_a):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    response = client_a.post(
        reverse("portal:milestone_declare", args=[project_a.public_id, 1]), {"reached_on": tomorrow}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reached_on"] == [
        "La date d'atteinte du jalon ne peut pas être dans le futur."
    ]
    assert b'aria-describedby="id_reached_on-desc-error"' in response.content
    milestone_a.refresh_from_db()
    assert milestone_a.declared_on is None
    assert not TrancheRequest.objects.exists()


@pytest.mark.django_db
def test_declare_with_a_refused_file_changes_nothing(client_a, milestone_a, project_a, private_root):
    response = client_a.post(
        reverse("portal:milestone_declare", args=[project_a.public_id, 1]),
        {
            "reached_on": "2017-01-05",
            f"evidence_{evidence('registry-record').pk}": SimpleUploadedFile(
                "registre.pdf", b"GIF89a not a pdf"
            ),
        },
    )
    assert response.status_code == 200
    assert (
        "type de fichier" in response.context["form"].errors[f"evidence_{evidence('registry-record').pk}"][0]
    )
    milestone_a.refresh_from_db()
    assert milestone_a.declared_on is None
    assert not TrancheRequest.objects.exists() and not EvidenceDocument.objects.exists()
    assert stored_files(private_root) == []


@pytest.mark.django_db
def test_submit_is_explained_until_evidence_is_complete(client_a, draft_a):
    page = client_a.get(reverse("portal:request_detail", args=[draft_a.pk]))
    assert page.context["unmet_conditions"] == ["Justificatifs manquants : Avis CPP / autorisation ANSM."]
    assert "La demande ne peut pas encore être soumise" in page.content.decode()
    response = client_a.post(reverse("portal:request_submit", args=[draft_a.pk]), {"comment": ""})
    assert response.status_code == 200
    assert response.context["submit_form"].non_field_errors() == [
        "Justificatifs manquants : Avis CPP / autorisation ANSM."
    ]
    draft_a.refresh_from_db()
    assert draft_a.status == "draft"

    client_a.post(
        reverse("portal:request_upload", args=[draft_a.pk]),
        {"evidence_type": evidence("regulatory-opinion").pk, "file": pdf_upload("avis.pdf")},
    )
    response = client_a.post(
        reverse("portal:request_submit", args=[draft_a.pk]),
        {"comment": "Merci.", "status": "validated", "amount": "1"},
    )
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.status == "submitted"
    assert draft_a.amount == draft_a.milestone.tranche_amount
    assert AuditEvent.objects.filter(tranche_request=draft_a, action="submit", comment="Merci.").exists()


@pytest.mark.django_db
def test_answer_a_change_request_and_resubmit(client_a, changes_requested_a):
    url = reverse("portal:request_detail", args=[changes_requested_a.pk])
    page = client_a.get(url)
    assert "La DGOS demande des compléments" in page.content.decode()
    assert "Joindre l&#x27;avis CPP signé." in page.content.decode()

    resubmit = reverse("portal:request_resubmit", args=[changes_requested_a.pk])
    refused = client_a.post(resubmit, {"comment": ""})
    assert refused.context["answer_form"].errors["comment"] == [
        "Répondez à la demande de compléments avant de renvoyer la demande."
    ]
    response = client_a.post(
        resubmit,
        {
            "comment": "Avis signé joint.",
            f"evidence_{evidence('regulatory-opinion').pk}": pdf_upload("avis-signe.pdf"),
        },
    )
    assert response.status_code == 302
    changes_requested_a.refresh_from_db()
    assert changes_requested_a.status == "submitted"
    assert changes_requested_a.documents.filter(original_name="avis-signe.pdf").exists()
    assert AuditEvent.objects.filter(action="resubmit", comment="Avis signé joint.").exists()


@pytest.mark.django_db
def test_withdraw_then_declare_again(client_a, draft_a, project_a):
    url = reverse("portal:request_withdraw", args=[draft_a.pk])
    assert "Confirmer le retrait" in client_a.get(url).content.decode()
    response = client_a.post(url, {"comment": "Erreur de jalon."})
    assert response["Location"] == reverse("portal:project_detail", args=[project_a.public_id])
    draft_a.refresh_from_db()
    assert draft_a.status == "withdrawn"
    # A withdrawn request cannot be withdrawn twice: French reason on the form.
    again = client_a.post(url, {})
    assert again.status_code == 200
    assert again.context["withdraw_form"].non_field_errors()
    page = client_a.get(reverse("portal:project_detail", args=[project_a.public_id]))
    assert page.context["timeline"][0].can_declare


@pytest.mark.django_db
def test_project_page_tells_the_story(client_a, changes_requested_a, project_a):
    response = client_a.get(reverse("portal:project_detail", args=[project_a.public_id]))
    assert response.status_code == 200
    timeline = response.context["timeline"]
    assert [step.state for step in timeline][:2] == ["declared", "late"]
    assert timeline[0].open_request == changes_requested_a
    content = response.content.decode()
    for sentence in (
        "alice a déclaré le jalon 1 atteint.",
        "alice a ouvert la demande de tranche du jalon 1 (30\u202f000,00\xa0€).",
        "alice a soumis la demande de tranche du jalon 1 à la DGOS.",
        "La DGOS a commencé l&#x27;instruction de la demande du jalon 1.",
        "La DGOS a demandé des compléments sur la demande du jalon 1.",
    ):
        assert sentence in content
    assert "registre.pdf" in content and "avis-cpp.pdf" in content
    assert "compléments demandés" in content


@pytest.mark.django_db
def test_agent_reads_but_cannot_act(client_agent, draft_a):
    page = client_agent.get(reverse("portal:request_detail", args=[draft_a.pk]))
    assert page.status_code == 200
    assert page.context["is_editable"] is False and "submit_form" not in page.context
    response = client_agent.post(
        reverse("portal:request_upload", args=[draft_a.pk]),
        {"evidence_type": evidence("regulatory-opinion").pk, "file": pdf_upload()},
    )
    assert response.status_code == 403
    assert draft_a.documents.count() == 1


@pytest.mark.django_db
def test_project_and_request_pages_keep_their_query_count(client_a, complete_draft_a, project_a, member_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workflows import services
    from workflows.documents import inspect_upload

    pages = [
        reverse("portal:project_detail", args=[project_a.public_id]),
        reverse("portal:request_detail", args=[complete_draft_a.pk]),
    ]
    for url in pages:
        client_a.get(url)  # warm per-process caches

    def counts():
        result = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client_a.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    # More documents, another declared milestone with its own request, more history.
    for index in range(4):
        services.attach_evidence(
            tranche_request=complete_draft_a,
            actor=member_a,
            evidence_type=evidence("registry-record"),
            upload=inspect_upload(pdf_upload(f"complement-{index}.pdf")),
        )
    second = project_a.milestones.get(rank=2)
    services.declare_milestone(milestone=second, actor=member_a, reached_on=datetime.date(2018, 1, 5))
    services.create_tranche_request(milestone=second, actor=member_a)
    assert counts() == before
