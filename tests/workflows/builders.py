"""Build tranche requests in any state through the services (never by assigning a state)."""

from __future__ import annotations

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from workflows import services
from workflows.documents import inspect_upload
from workflows.models import Delegation, TrancheRequest, TrancheStatus

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_references = itertools.count(1)

#: The path from draft to each state, as (service, persona key) steps.
PATHS = {
    TrancheStatus.DRAFT: [],
    TrancheStatus.SUBMITTED: ["submit"],
    TrancheStatus.UNDER_REVIEW: ["submit", "start_review"],
    TrancheStatus.CHANGES_REQUESTED: ["submit", "start_review", "request_changes"],
    TrancheStatus.VALIDATED: ["submit", "start_review", "validate", "add_to_delegation"],
    TrancheStatus.REJECTED: ["submit", "start_review", "reject"],
    TrancheStatus.DELEGATED: ["submit", "start_review", "validate", "add_to_delegation", "delegate"],
    TrancheStatus.PAID: ["submit", "start_review", "validate", "add_to_delegation", "delegate", "mark_paid"],
    TrancheStatus.WITHDRAWN: ["withdraw"],
}

SERVICES = {
    "submit": (services.submit_tranche_request, "member"),
    "start_review": (services.start_review, "instructor"),
    "request_changes": (services.request_changes, "instructor"),
    "resubmit": (services.resubmit_tranche_request, "member"),
    "validate": (services.validate_tranche_request, "instructor"),
    "reject": (services.reject_tranche_request, "instructor"),
    "delegate": (services.delegate_tranche_request, "budget"),
    "mark_paid": (services.mark_tranche_paid, "budget"),
    "withdraw": (services.withdraw_tranche_request, "member"),
}


def attach_all_evidence(request: TrancheRequest, member) -> None:
    for evidence_type in request.milestone.evidence_types.all():
        upload = inspect_upload(SimpleUploadedFile("preuve.pdf", PDF, content_type="application/pdf"))
        services.attach_evidence(
            tranche_request=request, actor=member, evidence_type=evidence_type, upload=upload
        )


def draft_request(milestone, member, *, evidence: bool = True) -> TrancheRequest:
    services.declare_milestone(milestone=milestone, actor=member, reached_on=datetime.date(2018, 1, 5))
    request = services.create_tranche_request(milestone=milestone, actor=member)
    if evidence:
        attach_all_evidence(request, member)
    return request


def fire(name: str, request: TrancheRequest, actor, comment: str = "motif détaillé") -> TrancheRequest:
    service, _role = SERVICES[name]
    return service(tranche_request=request, actor=actor, comment=comment)


def request_in_state(state, *, milestone, member, instructor, budget) -> TrancheRequest:
    """A request of `milestone` walked to `state`; validated ones sit in a draft delegation."""
    actors = {"member": member, "instructor": instructor, "budget": budget}
    request = draft_request(milestone, member)
    for step in PATHS[state]:
        if step == "add_to_delegation":
            delegation = Delegation.objects.create(
                reference=f"CIRC-TEST-{next(_references)}", circular_date=datetime.date(2018, 3, 1)
            )
            services.add_to_delegation(actor=budget, delegation=delegation, tranche_requests=[request])
            continue
        fire(step, request, actors[SERVICES[step][1]])
    request.refresh_from_db()
    assert request.status == state
    return request
