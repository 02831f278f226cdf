"""Separation of duties: instructing, delegating and paying follow the role (group permission),
never `is_superuser`; the agent who validated a tranche never records its payment."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.workflows.builders import fire, request_in_state
from workflows import services
from workflows.models import AuditEvent, Delegation, TrancheStatus
from workflows.roles import Role

S = TrancheStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(reference):
    """The demo's `admin`: a superuser holding the administrator role only."""
    return UserFactory(username="admin", is_superuser=True, is_staff=True, roles=[Role.ADMINISTRATOR])


@pytest.fixture
def walk(project_a, member_a, instructing_agent, budget_agent):
    def make(state, rank=1):
        return request_in_state(
            state,
            milestone=project_a.milestones.get(rank=rank),
            member=member_a,
            instructor=instructing_agent,
            budget=budget_agent,
        )

    make.instructor = instructing_agent
    return make


@pytest.mark.parametrize(
    ("state", "name"),
    [
        (S.SUBMITTED, "start_review"),
        (S.UNDER_REVIEW, "validate"),
        (S.UNDER_REVIEW, "reject"),
        (S.UNDER_REVIEW, "request_changes"),
        (S.VALIDATED, "delegate"),
        (S.DELEGATED, "mark_paid"),
    ],
)
def test_superuser_without_the_role_is_refused_with_a_french_reason(state, name, walk, superuser):
    request = walk(state)
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied) as excinfo:
        fire(name, request, superuser)
    assert "le statut de super-utilisateur ne la permet pas" in str(excinfo.value)
    request.refresh_from_db()
    assert request.status == state
    assert AuditEvent.objects.count() == before


def test_superuser_cannot_create_or_pay_a_delegation(walk, superuser, budget_agent):
    with pytest.raises(PermissionDenied, match="agents budgétaires"):
        services.create_delegation(
            actor=superuser, reference="CIRC-ADMIN", circular_date=datetime.date(2026, 1, 5)
        )
    request = walk(S.UNDER_REVIEW)
    delegation = Delegation.objects.create(reference="CIRC-SU-1", circular_date=datetime.date(2026, 1, 5))
    services.validate_tranche_request(tranche_request=request, actor=walk.instructor)
    services.add_to_delegation(actor=budget_agent, delegation=delegation, tranche_requests=[request])
    services.issue_delegation(delegation=delegation, actor=budget_agent)
    with pytest.raises(PermissionDenied, match="super-utilisateur"):
        services.record_delegation_payment(
            delegation=delegation, actor=superuser, paid_on=timezone.localdate(), payment_reference="V-1"
        )
    delegation.refresh_from_db()
    assert delegation.status == "issued"


def test_superuser_validating_in_the_desk_sees_the_reason(client, walk, superuser):
    request = walk(S.UNDER_REVIEW)
    client.force_login(superuser)
    inspect = client.get(reverse("workflows_desk:request_inspect", args=[request.pk])).content.decode()
    assert reverse("workflows_desk:transition", args=[request.pk, "validate"]) not in inspect
    response = client.post(
        reverse("workflows_desk:transition", args=[request.pk, "validate"]), {"confirmed": "1"}, follow=True
    )
    assert "réservée aux agents instructeurs" in response.content.decode()
    request.refresh_from_db()
    assert request.status == S.UNDER_REVIEW


@pytest.fixture
def dual_agent(reference):
    """An agent holding both roles (small teams): may validate and pay, never the same tranche."""
    return UserFactory(username="polyvalent", roles=[Role.INSTRUCTING_AGENT, Role.BUDGET_AGENT])


def test_validating_agent_cannot_record_the_payment(
    project_a, member_a, instructing_agent, budget_agent, dual_agent
):
    request = request_in_state(
        S.UNDER_REVIEW,
        milestone=project_a.milestones.get(rank=1),
        member=member_a,
        instructor=instructing_agent,
        budget=budget_agent,
    )
    services.validate_tranche_request(tranche_request=request, actor=dual_agent)
    request.refresh_from_db()
    assert request.validated_by == dual_agent
    delegation = services.create_delegation(
        actor=dual_agent, reference="CIRC-SOD-1", circular_date=datetime.date(2026, 1, 5)
    )
    services.add_to_delegation(actor=dual_agent, delegation=delegation, tranche_requests=[request])
    services.issue_delegation(delegation=delegation, actor=dual_agent)  # issuing is not paying
    with pytest.raises(PermissionDenied) as excinfo:
        services.record_delegation_payment(
            delegation=delegation, actor=dual_agent, paid_on=timezone.localdate(), payment_reference="V-1"
        )
    assert "séparation des tâches" in str(excinfo.value)
    request.refresh_from_db()
    with pytest.raises(PermissionDenied, match="séparation des tâches"):
        services.mark_tranche_paid(tranche_request=request, actor=dual_agent)
    assert Delegation.objects.get(pk=delegation.pk).status == "issued"
    services.record_delegation_payment(
        delegation=delegation, actor=budget_agent, paid_on=timezone.localdate(), payment_reference="V-1"
    )
    request.refresh_from_db()
    assert request.status == S.PAID


def test_validating_agent_is_refused_on_the_payment_page(
    client, project_a, member_a, instructing_agent, dual_agent
):
    request = request_in_state(
        S.UNDER_REVIEW,
        milestone=project_a.milestones.get(rank=1),
        member=member_a,
        instructor=instructing_agent,
        budget=dual_agent,
    )
    services.validate_tranche_request(tranche_request=request, actor=dual_agent)
    request.refresh_from_db()
    delegation = request.delegation or services.create_delegation(
        actor=dual_agent, reference="CIRC-SOD-2", circular_date=datetime.date(2026, 1, 5)
    )
    if request.delegation_id is None:
        services.add_to_delegation(actor=dual_agent, delegation=delegation, tranche_requests=[request])
    services.issue_delegation(delegation=delegation, actor=dual_agent)
    client.force_login(dual_agent)
    url = reverse("workflows_desk:delegation_pay", args=[delegation.pk])
    assert "séparation des tâches" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "confirmed": "1",
            "confirmed_count": "1",
            "confirmed_total": str(request.amount),
            "paid_on": timezone.localdate().isoformat(),
            "payment_reference": "V-2",
        },
        follow=True,
    )
    assert "séparation des tâches" in response.content.decode()
    delegation.refresh_from_db()
    assert delegation.status == "issued"
