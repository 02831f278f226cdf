"""Portal fixtures: evidence kept in a per-test private folder, requests in chosen states, clients."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from workflows import services
from workflows.documents import inspect_upload
from workflows.models import EvidenceDocument, EvidenceType

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_root(tmp_path, monkeypatch):
    """Each test writes evidence in its own folder, so 'nothing stored' can be checked on disk."""
    root = tmp_path / "private"
    root.mkdir()
    monkeypatch.setattr(EvidenceDocument._meta.get_field("file"), "storage", FileSystemStorage(location=root))
    return root


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def pdf_upload(name: str = "preuve.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def milestone_a(project_a):
    return project_a.milestones.get(rank=1)


@pytest.fixture
def draft_a(milestone_a, member_a):
    """A draft on milestone 1 of A's project, declared, with one of its two documents."""
    services.declare_milestone(milestone=milestone_a, actor=member_a, reached_on=datetime.date(2017, 1, 5))
    request = services.create_tranche_request(milestone=milestone_a, actor=member_a)
    services.attach_evidence(
        tranche_request=request,
        actor=member_a,
        evidence_type=EvidenceType.objects.get(code="registry-record"),
        upload=inspect_upload(pdf_upload("registre.pdf")),
    )
    return request


@pytest.fixture
def complete_draft_a(draft_a, member_a):
    services.attach_evidence(
        tranche_request=draft_a,
        actor=member_a,
        evidence_type=EvidenceType.objects.get(code="regulatory-opinion"),
        upload=inspect_upload(pdf_upload("avis-cpp.pdf")),
    )
    return draft_a


@pytest.fixture
def changes_requested_a(complete_draft_a, member_a, instructing_agent):
    services.submit_tranche_request(tranche_request=complete_draft_a, actor=member_a)
    services.start_review(tranche_request=complete_draft_a, actor=instructing_agent)
    services.request_changes(
        tranche_request=complete_draft_a, actor=instructing_agent, comment="Joindre l'avis CPP signé."
    )
    complete_draft_a.refresh_from_db()
    return complete_draft_a


@pytest.fixture
def client_a(client, member_a):
    client.force_login(member_a)
    return client


@pytest.fixture
def client_b(client, member_b):
    client.force_login(member_b)
    return client


@pytest.fixture
def client_agent(client, instructing_agent):
    client.force_login(instructing_agent)
    return client
