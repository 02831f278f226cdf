"""Money actions are deliberate: validate, reject, issue and pay restate what will happen before
acting; a payment records its date and reference; a tranche leaves a draft delegation; the
« Validées à déléguer » queue adds checked tranches to a new or an existing draft delegation."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from formatting import format_date
from tests.workflows.builders import request_in_state
from workflows import services
from workflows.models import AuditEvent, Delegation, TrancheStatus

S = TrancheStatus
pytestmark = pytest.mark.django_db
DELEGATE_QUEUE = "/admin/workflows/requesttodelegate/"


def text(response) -> str:
    return response.content.decode().replace("\u202f", " ").replace("\xa0", " ")


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

    return make


def validated(walk, instructing_agent, rank):
    request = walk(S.UNDER_REVIEW, rank=rank)
    return services.validate_tranche_request(tranche_request=request, actor=instructing_agent)


@pytest.mark.parametrize("action", ["validate", "reject"])
def test_validate_and_reject_restate_project_tranche_and_amount_first(
    client, walk, project_a, instructing_agent, action
):
    request = walk(S.UNDER_REVIEW)
    client.force_login(instructing_agent)
    inspect = client.get(reverse("workflows_desk:request_inspect", args=[request.pk])).content.decode()
    url = reverse("workflows_desk:transition", args=[request.pk, action])
    assert f'href="{url}?' in inspect  # a link to the confirmation page, not a one-click form
    page = text(client.get(url))
    assert project_a.public_id in page and "tranche 1" in page and "30 000,00 €" in page
    assert 'name="confirmed" value="1"' in page
    client.post(url, {"comment": "motif"})  # not sent from the confirmation page: nothing happens
    request.refresh_from_db()
    assert request.status == S.UNDER_REVIEW
    assert not AuditEvent.objects.filter(tranche_request=request, action=action).exists()
    client.post(url, {"comment": "motif", "confirmed": "1"})
    request.refresh_from_db()
    assert request.status == (S.VALIDATED if action == "validate" else S.REJECTED)


@pytest.fixture
def draft_delegation(walk, instructing_agent, budget_agent):
    requests = [validated(walk, instructing_agent, rank) for rank in (1, 2)]
    delegation = services.create_delegation(
        actor=budget_agent, reference="CIRC-2026-11", circular_date=datetime.date(2026, 1, 5)
    )
    services.add_to_delegation(actor=budget_agent, delegation=delegation, tranche_requests=requests)
    return delegation, requests


def test_issue_restates_count_and_total_and_refuses_a_stale_confirmation(
    client, draft_delegation, walk, instructing_agent, budget_agent
):
    delegation, _requests = draft_delegation
    client.force_login(budget_agent)
    detail = client.get(reverse("workflows_desk:delegation_detail", args=[delegation.pk])).content.decode()
    url = reverse("workflows_desk:delegation_issue", args=[delegation.pk])
    assert f'href="{url}"' in detail
    page = text(client.get(url))
    assert "Vous allez émettre la délégation CIRC-2026-11 : 2 tranches, 50 000,00 € au total" in page
    assert client.post(url).status_code == 200  # an unconfirmed POST only shows the page
    late = validated(walk, instructing_agent, 3)
    services.add_to_delegation(actor=budget_agent, delegation=delegation, tranche_requests=[late])
    response = client.post(
        url, {"confirmed": "1", "confirmed_count": "2", "confirmed_total": "50000.00"}, follow=True
    )
    assert "La délégation a changé depuis votre confirmation" in response.content.decode()
    delegation.refresh_from_db()
    assert delegation.status == "draft"


def test_payment_requires_a_valid_date_and_a_reference_and_is_shown(
    client, draft_delegation, budget_agent, reference
):
    from tests.factories import UserFactory
    from workflows.roles import Role

    delegation, requests = draft_delegation
    services.issue_delegation(delegation=delegation, actor=budget_agent)
    payer = UserFactory(username="budget-2", roles=[Role.BUDGET_AGENT])
    today = timezone.localdate()
    with pytest.raises(ValidationError) as excinfo:
        services.record_delegation_payment(
            delegation=delegation,
            actor=payer,
            paid_on=today + datetime.timedelta(days=1),
            payment_reference=" ",
        )
    assert excinfo.value.message_dict == {
        "paid_on": ["La date du versement ne peut pas être dans le futur."],
        "payment_reference": ["La référence du versement est obligatoire."],
    }
    with pytest.raises(ValidationError, match="ne peut pas précéder l'émission"):
        services.record_delegation_payment(
            delegation=delegation,
            actor=payer,
            paid_on=today - datetime.timedelta(days=3),
            payment_reference="ARR-9",
        )
    delegation.refresh_from_db()
    assert (delegation.status, delegation.payment_reference) == ("issued", "")
    client.force_login(payer)
    url = reverse("workflows_desk:delegation_pay", args=[delegation.pk])
    page = text(client.get(url))
    assert (
        "Vous allez enregistrer le versement de la délégation CIRC-2026-11 : 2 tranches, 50 000,00 €" in page
    )
    response = client.post(
        url,
        {
            "confirmed": "1",
            "confirmed_count": "2",
            "confirmed_total": "50000.00",
            "paid_on": today.isoformat(),
            "payment_reference": "ARR-2026-0042",
        },
        follow=True,
    )
    html = text(response)
    delegation.refresh_from_db()
    assert (delegation.status, delegation.payment_date, delegation.payment_reference) == (
        "paid",
        today,
        "ARR-2026-0042",
    )
    assert delegation.paid_by == payer
    assert "ARR-2026-0042" in html and format_date(today) in html  # detail and its history
    event = AuditEvent.objects.get(delegation=delegation, action="record_payment")
    assert event.changes["payment_reference"] == {"old": "", "new": "ARR-2026-0042"}
    assert "ARR-2026-0042" in event.comment
    for request in requests:
        assert "ARR-2026-0042" in AuditEvent.objects.get(tranche_request=request, action="mark_paid").comment


def test_a_tranche_leaves_a_draft_delegation_through_an_audited_service(
    client, draft_delegation, budget_agent
):
    delegation, (first, second) = draft_delegation
    client.force_login(budget_agent)
    detail = client.get(reverse("workflows_desk:delegation_detail", args=[delegation.pk])).content.decode()
    remove = reverse("workflows_desk:delegation_remove", args=[delegation.pk, first.pk])
    assert remove in detail
    response = client.post(remove, follow=True)
    assert "Tranche retirée de la délégation CIRC-2026-11" in response.content.decode()
    first.refresh_from_db()
    assert (first.delegation_id, first.status) == (None, S.VALIDATED)
    event = AuditEvent.objects.get(action="remove_from_delegation")
    assert (event.actor, event.tranche_request, event.delegation) == (budget_agent, first, delegation)
    assert str(first.pk) in client.get(DELEGATE_QUEUE).content.decode()  # back in the queue
    services.issue_delegation(delegation=delegation, actor=budget_agent)
    with pytest.raises(ValidationError, match="déjà émise"):
        services.remove_from_delegation(actor=budget_agent, delegation=delegation, tranche_request=second)


def test_delegate_queue_adds_checked_tranches_to_a_new_or_existing_draft(
    client, walk, instructing_agent, budget_agent
):
    first, second, third = (validated(walk, instructing_agent, rank) for rank in (1, 2, 3))
    client.force_login(budget_agent)
    html = client.get(DELEGATE_QUEUE).content.decode()
    assert html.count('form="desk-delegate-selection"') == 3
    assert "Déléguer</button>" not in html  # no disabled one-row button any more
    url = reverse("workflows_desk:delegate_selection")
    response = client.post(
        url,
        {
            "pk": [first.pk, second.pk],
            "target": "new",
            "reference": "CIRC-2026-12",
            "circular_date": "2026-02-01",
        },
        follow=True,
    )
    delegation = Delegation.objects.get(reference="CIRC-2026-12")
    assert "2 tranche(s) ajoutée(s) à la délégation CIRC-2026-12." in response.content.decode()
    assert set(delegation.tranche_requests.values_list("pk", flat=True)) == {first.pk, second.pk}
    html = client.get(DELEGATE_QUEUE).content.decode()
    assert html.count('form="desk-delegate-selection"') == 1 and "CIRC-2026-12" in html
    client.post(url, {"pk": [third.pk], "target": str(delegation.pk)})
    assert delegation.tranche_requests.count() == 3
    response = client.post(url, {"pk": [third.pk], "target": "new", "reference": ""}, follow=True)
    assert "La référence de la circulaire est obligatoire." in response.content.decode()


def test_instructing_agent_has_no_delegation_selection(client, walk, instructing_agent):
    validated(walk, instructing_agent, 1)
    client.force_login(instructing_agent)
    html = client.get(DELEGATE_QUEUE).content.decode()
    assert 'form="desk-delegate-selection"' not in html and "desk-delegate-selection" not in html
