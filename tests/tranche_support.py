"""Tranche requests walked through the real services, shared by the API and release tests."""

from __future__ import annotations

import pytest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def advance_tranche(milestone, *, until: str, member, agent, budget, reference: str = "C-2017-1"):
    """Walk one milestone's tranche request through the services up to state `until`."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from workflows import services
    from workflows.documents import inspect_upload

    services.declare_milestone(milestone=milestone, actor=member, reached_on=datetime.date(2017, 1, 5))
    request = services.create_tranche_request(milestone=milestone, actor=member)
    for evidence_type in milestone.evidence_types.all():
        upload = inspect_upload(SimpleUploadedFile("preuve.pdf", PDF, content_type="application/pdf"))
        services.attach_evidence(
            tranche_request=request, actor=member, evidence_type=evidence_type, upload=upload
        )
    services.submit_tranche_request(tranche_request=request, actor=member)
    if until == "submitted":
        return request
    services.start_review(tranche_request=request, actor=agent)
    services.validate_tranche_request(tranche_request=request, actor=agent)
    if until == "validated":
        return request
    delegation = services.create_delegation(
        actor=budget, reference=reference, circular_date=datetime.date(2017, 3, 1)
    )
    services.add_to_delegation(actor=budget, delegation=delegation, tranche_requests=[request])
    services.issue_delegation(delegation=delegation, actor=budget)
    if until == "paid":
        services.record_delegation_payment(
            delegation=delegation, actor=budget, paid_on=timezone.localdate(), payment_reference="VERS-1"
        )
    request.refresh_from_db()
    return request


@pytest.fixture
def tranches(project_a, project_b, member_a, member_b, instructing_agent, budget_agent):
    """project_a: tranche 1 paid, tranche 2 submitted; project_b: tranche 1 validated."""
    actors = {"agent": instructing_agent, "budget": budget_agent}
    paid = advance_tranche(project_a.milestones.get(rank=1), until="paid", member=member_a, **actors)
    submitted = advance_tranche(
        project_a.milestones.get(rank=2), until="submitted", member=member_a, **actors
    )
    validated = advance_tranche(
        project_b.milestones.get(rank=1), until="validated", member=member_b, **actors
    )
    return {"paid": paid, "submitted": submitted, "validated": validated}
