"""The agents' desk: queues with constant query counts, exactly the buttons a user may use,
actions through the services with French messages, bulk validation, evidence download."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dbtools.planner_statistics import analyze_portfolio_tables
from tests.factories import EstablishmentFactory, InvestigatorFactory, UserFactory
from tests.workflows.builders import request_in_state
from workflows.models import (
    AuditEvent,
    Delegation,
    DelegationStatus,
    EstablishmentType,
    Project,
    ProjectMilestone,
    Region,
    TrancheRequest,
    TrancheStatus,
)
from workflows.reference import ensure_reference_data, get_or_create_call
from workflows.roles import Role

S = TrancheStatus
REVIEW_URL = "/admin/workflows/requesttoreview/"
QUEUES = [
    "/admin/workflows/requesttoreview/",
    "/admin/workflows/requestawaitingchanges/",
    "/admin/workflows/requesttodelegate/",
    "/admin/workflows/latemilestone/",
    "/admin/workflows/delegation/",
]


def bulk_requests(n: int) -> None:
    """n projects, each with one milestone, spread over every queue, with delegations in every
    state (one per ~20 projects, at least three), through bulk writes (setup only)."""
    call = get_or_create_call("PHRCI", 2019)
    investigator = InvestigatorFactory()
    establishments = [
        EstablishmentFactory(region=region, type=EstablishmentType.CH)
        for region in (Region.BRE, Region.OCC, Region.HDF, Region.GES)
    ]
    start = Project.objects.filter(call=call).count()
    projects = Project.objects.bulk_create(
        Project(
            call=call,
            sequence=start + i + 1,
            public_id=Project.build_public_id(call, start + i + 1),
            acronym=f"BULK{start + i}",
            title=f"Projet de masse {start + i}",
            establishment=establishments[i % 4],
            investigator=investigator,
            award_amount=Decimal("200000.00"),
            selected_on=datetime.date(2019, 6, 1),
            status="in_progress",
        )
        for i in range(n)
    )
    milestones = ProjectMilestone.objects.bulk_create(
        ProjectMilestone(
            project=p,
            rank=1,
            label="Inclusion du premier participant",
            share_percent=Decimal("30"),
            planned_date=datetime.date(2020, 1, 1),
            days_late=100 if i % 5 == 4 else 0,
        )
        for i, p in enumerate(projects)
    )
    kinds = [DelegationStatus.DRAFT, DelegationStatus.ISSUED, DelegationStatus.PAID]
    delegations = Delegation.objects.bulk_create(
        Delegation(
            reference=f"C-2020-{start + i:05d}",
            circular_date=datetime.date(2020, 3, 1),
            status=kinds[i % 3],
            issued_at=None if i % 3 == 0 else timezone.now(),
            paid_at=timezone.now() if i % 3 == 2 else None,
        )
        for i in range(max(3, n // 20))
    )
    by_kind = {kind: [d for d in delegations if d.status == kind] for kind in kinds}
    states = [S.SUBMITTED, S.UNDER_REVIEW, S.CHANGES_REQUESTED, S.VALIDATED, S.DELEGATED, S.PAID]
    in_delegation = {S.VALIDATED: DelegationStatus.DRAFT, S.DELEGATED: DelegationStatus.ISSUED}
    in_delegation[S.PAID] = DelegationStatus.PAID
    requests = []
    for i, milestone in enumerate(milestones):
        if i % 5 == 4:
            continue  # a late milestone, no request
        state = states[i % len(states)]
        kind = in_delegation.get(state)
        delegation = (
            by_kind[kind][i % len(by_kind[kind])] if kind and (state != S.VALIDATED or i % 2) else None
        )
        requests.append(
            TrancheRequest(
                milestone=milestone, amount=Decimal("60000.00"), status=state, delegation=delegation
            )
        )
    TrancheRequest.objects.bulk_create(requests)
    analyze_portfolio_tables()


@pytest.fixture(scope="module")
def queue_measures(django_db_setup, django_db_blocker):
    """Every queue measured at 20 then 2,000 projects (delegations at both sizes).

    One dataset for the module, built once, analysed, and rolled back before the tests run.
    """
    measures = {}
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_reference_data()
        client = Client()
        client.force_login(UserFactory(username="instructeur-volume", roles=[Role.INSTRUCTING_AGENT]))
        for size, added in ((20, 20), (2000, 1980)):
            bulk_requests(added)
            cache.clear()
            for url in QUEUES:
                assert client.get(url).status_code == 200  # warm the session and permission caches
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url + "?o=0")
                assert response.status_code == 200
                measures[size, url] = {
                    "queries": len(queries),
                    "boxes": response.content.decode().count('name="pk"'),
                    "under_review": TrancheRequest.objects.filter(status=S.UNDER_REVIEW).count(),
                    "delegations": Delegation.objects.count(),
                }
        transaction.set_rollback(True)
    return measures


@pytest.mark.parametrize("url", QUEUES)
def test_queues_run_a_constant_number_of_queries(url, queue_measures):
    small, large = queue_measures[20, url], queue_measures[2000, url]
    assert 3 <= small["delegations"] < large["delegations"]  # delegations at both sizes
    assert small["queries"] == large["queries"], (small, large)
    assert large["queries"] <= 24
    if "requesttoreview" in url:  # one checkbox per request under review on the page
        assert small["boxes"] == small["under_review"] > 0
        assert 0 < large["boxes"] <= 50


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


@pytest.mark.django_db
def test_buttons_are_exactly_the_users_transitions(client, walk, instructing_agent, budget_agent):
    submitted = walk(S.SUBMITTED, rank=1)
    reviewing = walk(S.UNDER_REVIEW, rank=2)
    client.force_login(instructing_agent)
    html = client.get(REVIEW_URL).content.decode()
    start = reverse("workflows_desk:transition", args=[submitted.pk, "start_review"])
    validate = reverse("workflows_desk:transition", args=[reviewing.pk, "validate"])
    changes = reverse("workflows_desk:transition", args=[reviewing.pk, "request_changes"])
    reject = reverse("workflows_desk:transition", args=[reviewing.pk, "reject"])
    for url in (start, validate, changes, reject):
        assert url in html
    assert reverse("workflows_desk:transition", args=[submitted.pk, "validate"]) not in html
    assert "Prendre en instruction" in html and "Valider la sélection" in html
    # A budget agent sees the queue but has no review button.
    client.force_login(budget_agent)
    html = client.get(REVIEW_URL).content.decode()
    assert start not in html and validate not in html
    assert "Valider la sélection" not in html


@pytest.mark.django_db
def test_refused_action_is_disabled_with_its_reason(client, walk, project_a, instructing_agent):
    reviewing = walk(S.UNDER_REVIEW)
    Project.objects.filter(pk=project_a.pk).update(award_amount=Decimal("1000.00"))
    client.force_login(instructing_agent)
    html = client.get(reverse("workflows_desk:request_inspect", args=[reviewing.pk])).content.decode()
    assert "Le total des tranches validées dépasserait le financement accordé." in html
    assert reverse("workflows_desk:transition", args=[reviewing.pk, "validate"]) not in html


@pytest.mark.django_db
def test_request_changes_then_validate_through_the_desk(client, walk, member_a, instructing_agent):
    from workflows import services

    request = walk(S.SUBMITTED)
    client.force_login(instructing_agent)
    url = reverse("workflows_desk:transition", args=[request.pk, "start_review"])
    response = client.post(url, follow=True)
    assert "prise en instruction" in response.content.decode()
    changes = reverse("workflows_desk:transition", args=[request.pk, "request_changes"])
    form = client.get(changes).content.decode()
    assert 'name="comment"' in form and "Commentaire" in form
    before = AuditEvent.objects.count()
    response = client.post(changes, {"comment": "  ", "confirmed": "1"})
    assert response.status_code == 400
    assert "Un commentaire est obligatoire pour cette action." in response.content.decode()
    assert AuditEvent.objects.count() == before
    response = client.post(
        changes, {"comment": "Joindre l'attestation signée.", "confirmed": "1"}, follow=True
    )
    assert "compléments demandés" in response.content.decode()
    request.refresh_from_db()
    assert request.status == S.CHANGES_REQUESTED
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.comment, event.actor) == (
        "request_changes",
        "Joindre l'attestation signée.",
        instructing_agent,
    )
    services.resubmit_tranche_request(tranche_request=request, actor=member_a)
    client.post(reverse("workflows_desk:transition", args=[request.pk, "start_review"]))
    validate = reverse("workflows_desk:transition", args=[request.pk, "validate"])
    response = client.post(validate, follow=True)  # an unconfirmed POST only shows the confirmation
    assert "Confirmer : Valider" in response.content.decode()
    request.refresh_from_db()
    assert request.status == S.UNDER_REVIEW
    response = client.post(validate, {"confirmed": "1"}, follow=True)
    assert "validée" in response.content.decode()
    request.refresh_from_db()
    assert request.status == S.VALIDATED
    # A refused action reports in French and changes nothing.
    response = client.post(validate, {"confirmed": "1"}, follow=True)
    assert "n&#x27;est pas possible dans l&#x27;état « validée »" in response.content.decode()


@pytest.mark.django_db
def test_bulk_validate_writes_one_audit_event_per_request(client, walk, instructing_agent):
    requests = [walk(S.UNDER_REVIEW, rank=rank) for rank in (1, 2, 3)]
    submitted = walk(S.SUBMITTED, rank=4)
    client.force_login(instructing_agent)
    selection = {"pk": [r.pk for r in requests] + [submitted.pk], "next": REVIEW_URL}
    confirmation = client.post(reverse("workflows_desk:bulk_validate"), selection)
    assert "Vous allez valider 4 demandes, pour un total de" in confirmation.content.decode()
    assert AuditEvent.objects.filter(action="validate").count() == 0
    response = client.post(
        reverse("workflows_desk:bulk_validate"), {**selection, "confirmed": "1"}, follow=True
    )
    html = response.content.decode()
    assert "3 demande(s) validée(s)." in html and "Non validées" in html
    for request in requests:
        request.refresh_from_db()
        assert request.status == S.VALIDATED
        assert AuditEvent.objects.filter(tranche_request=request, action="validate").count() == 1
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


@pytest.mark.django_db
def test_evidence_download_is_an_access_checked_attachment(client, walk, member_a, instructing_agent, editor):
    request = walk(S.SUBMITTED)
    document = request.documents.first()
    url = reverse("workflows_desk:document_download", args=[document.pk])
    client.force_login(instructing_agent)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    html = client.get(reverse("workflows_desk:request_inspect", args=[request.pk])).content.decode()
    assert url in html and "Historique" in html and "submit" in html
    for outsider in (editor, member_a):  # admin access without rights on requests; no admin access
        client.force_login(outsider)
        response = client.get(url)
        assert response.status_code in (302, 403)  # Wagtail turns PermissionDenied into a redirect
        assert "Content-Disposition" not in response
