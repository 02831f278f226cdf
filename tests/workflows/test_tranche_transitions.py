"""Every (state, transition, persona) triple: allowed ones succeed with exactly one audit event;
all others are refused and change nothing (state, audit trail, mail)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tests.workflows.builders import fire, request_in_state
from workflows.models import AuditEvent, TrancheRequest, TrancheStatus

S = TrancheStatus
PERSONAS = ["member_a", "member_b", "instructing_agent", "budget_agent", "editor", "anonymous"]

#: Written by hand from the handbook (not read from the FSM), so the test checks the code.
#: transition -> (source states, the one persona allowed, target)
EXPECTED = {
    "submit": ({S.DRAFT}, "member_a", S.SUBMITTED),
    "start_review": ({S.SUBMITTED}, "instructing_agent", S.UNDER_REVIEW),
    "request_changes": ({S.UNDER_REVIEW}, "instructing_agent", S.CHANGES_REQUESTED),
    "resubmit": ({S.CHANGES_REQUESTED}, "member_a", S.SUBMITTED),
    "validate": ({S.UNDER_REVIEW}, "instructing_agent", S.VALIDATED),
    "reject": ({S.UNDER_REVIEW}, "instructing_agent", S.REJECTED),
    "delegate": ({S.VALIDATED}, "budget_agent", S.DELEGATED),
    "mark_paid": ({S.DELEGATED}, "budget_agent", S.PAID),
    "withdraw": ({S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED}, "member_a", S.WITHDRAWN),
}

#: The full table: every (state, transition, persona) triple and whether it is allowed.
TABLE = {
    (state, name, persona): state in EXPECTED[name][0] and persona == EXPECTED[name][1]
    for state in S.values
    for name in EXPECTED
    for persona in PERSONAS
}


@pytest.fixture
def personas(member_a, member_b, instructing_agent, budget_agent, editor):
    return {
        "member_a": member_a,
        "member_b": member_b,
        "instructing_agent": instructing_agent,
        "budget_agent": budget_agent,
        "editor": editor,
        "anonymous": AnonymousUser(),
    }


def _attempt(state, name, persona, request, personas, capture) -> str | None:
    """Fire one triple inside a savepoint rolled back afterwards; return a failure or None."""
    allowed = TABLE[(state, name, persona)]
    target = EXPECTED[name][2]
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    mail.outbox.clear()
    with transaction.atomic():
        try:
            with capture(execute=True):
                fire(name, request, personas[persona])
        except (PermissionDenied, ValidationError) as exc:
            refused = exc
        else:
            refused = None
        current = TrancheRequest.objects.get(pk=request.pk).status
        # The request's own trail (a delegation may also move the project's status: its own event).
        events = list(AuditEvent.objects.filter(pk__gt=last_event, tranche_request=request))
        sent = len(mail.outbox)
        transaction.set_rollback(True)
    if allowed:
        if refused is not None:
            return f"refused: {refused}"
        if current != target:
            return f"ended in {current}, not {target}"
        if len(events) != 1:
            return f"{len(events)} audit events instead of 1"
        event = events[0]
        if (event.action, event.from_state, event.to_state) != (name, state, target):
            return f"audit event {event.action} {event.from_state}->{event.to_state}"
        if event.actor_id != personas[persona].pk or event.tranche_request_id != request.pk:
            return "audit event names the wrong actor or request"
        if sent == 0:
            return "no notification sent"
        return None
    if refused is None:
        return "allowed but should be refused"
    if current != state or events or sent:
        return f"refused but changed something (state {current}, {len(events)} events, {sent} mails)"
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("state", S.values)
def test_transition_table(state, personas, project_a, django_capture_on_commit_callbacks):
    """Every transition x persona from this state, each in its own rolled-back savepoint."""
    request = request_in_state(
        state,
        milestone=project_a.milestones.get(rank=1),
        member=personas["member_a"],
        instructor=personas["instructing_agent"],
        budget=personas["budget_agent"],
    )
    failures = {}
    for name in EXPECTED:
        for persona in PERSONAS:
            failure = _attempt(state, name, persona, request, personas, django_capture_on_commit_callbacks)
            if failure:
                failures[(state, name, persona)] = failure
    assert failures == {}
    allowed = [triple for triple, ok in TABLE.items() if ok and triple[0] == state]
    assert len(allowed) == sum(1 for name in EXPECTED if state in EXPECTED[name][0])


def test_table_covers_every_triple():
    assert len(TABLE) == len(S.values) * len(EXPECTED) * len(PERSONAS) == 486
    assert sum(TABLE.values()) == 11  # the handbook's 11 (source, transition) edges, one persona each


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["request_changes", "reject"])
def test_comment_required(name, project_a, member_a, instructing_agent, budget_agent):
    request = request_in_state(
        S.UNDER_REVIEW,
        milestone=project_a.milestones.get(rank=1),
        member=member_a,
        instructor=instructing_agent,
        budget=budget_agent,
    )
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        fire(name, request, instructing_agent, comment="   ")
    assert "Un commentaire est obligatoire" in " ".join(excinfo.value.messages)
    request.refresh_from_db()
    assert request.status == S.UNDER_REVIEW
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_submit_requires_declared_milestone_and_evidence(project_a, member_a):
    from workflows import services

    milestone = project_a.milestones.get(rank=1)
    request = services.create_tranche_request(milestone=milestone, actor=member_a)
    with pytest.raises(ValidationError) as excinfo:
        services.submit_tranche_request(tranche_request=request, actor=member_a)
    text = " ".join(excinfo.value.messages)
    assert "Le jalon doit d'abord être déclaré atteint." in text
    assert "Justificatifs manquants" in text
    request.refresh_from_db()
    assert request.status == S.DRAFT
