"""A request walks the whole happy path through the services, one audit event per step."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from workflows import services
from workflows.documents import inspect_upload
from workflows.models import AuditEvent, EvidenceType, TrancheStatus

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.django_db
def test_happy_path(project_a, member_a, instructing_agent, budget_agent):
    milestone = project_a.milestones.get(rank=1)
    services.declare_milestone(milestone=milestone, actor=member_a, reached_on=datetime.date(2017, 1, 5))
    request = services.create_tranche_request(milestone=milestone, actor=member_a)
    for code in ("registry-record", "regulatory-opinion"):
        upload = inspect_upload(SimpleUploadedFile("preuve.pdf", PDF, content_type="application/pdf"))
        services.attach_evidence(
            tranche_request=request,
            actor=member_a,
            evidence_type=EvidenceType.objects.get(code=code),
            upload=upload,
        )
    services.submit_tranche_request(tranche_request=request, actor=member_a)
    services.start_review(tranche_request=request, actor=instructing_agent)
    services.validate_tranche_request(tranche_request=request, actor=instructing_agent)
    delegation = services.create_delegation(
        actor=budget_agent, reference="C-2017-1", circular_date=datetime.date(2017, 3, 1)
    )
    services.add_to_delegation(actor=budget_agent, delegation=delegation, tranche_requests=[request])
    services.issue_delegation(delegation=delegation, actor=budget_agent)
    services.record_delegation_payment(
        delegation=delegation, actor=budget_agent, paid_on=timezone.localdate(), payment_reference="VERS-1"
    )
    request.refresh_from_db()
    assert request.status == TrancheStatus.PAID
    assert request.amount == project_a.award_amount * 30 / 100
    actions = list(AuditEvent.objects.filter(tranche_request=request).values_list("action", flat=True))
    assert actions == [
        "create",
        "attach_evidence",
        "attach_evidence",
        "submit",
        "start_review",
        "validate",
        "add_to_delegation",
        "delegate",
        "mark_paid",
    ]
