"""Which milestone may be declared and its tranche requested: rules in services, reasons in French."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.factories import ProjectFactory
from tests.workflows.builders import fire, request_in_state
from workflows import services
from workflows.models import AuditEvent, TrancheStatus

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 1, 5)


def test_milestones_are_declared_in_order_unless_an_agent_allows_an_exception(
    client, project_a, member_a, instructing_agent
):
    third = project_a.milestones.get(rank=3)
    with pytest.raises(ValidationError, match="Déclarez d'abord le jalon 1"):
        services.declare_milestone(milestone=third, actor=member_a, reached_on=DAY)
    client.force_login(member_a)
    page = client.get(reverse("portal:project_detail", args=[project_a.public_id])).content.decode()
    assert "Déclarer le jalon 1 et demander la tranche" in page
    assert "Déclarer le jalon 3 et demander la tranche" not in page
    assert "Déclarez d&#x27;abord le jalon 1" in page or "Déclarez d'abord le jalon 1" in page

    with pytest.raises(PermissionDenied):
        services.allow_out_of_order_declaration(milestone=third, actor=member_a, comment="urgent")
    with pytest.raises(ValidationError):
        services.allow_out_of_order_declaration(milestone=third, actor=instructing_agent, comment="")
    services.allow_out_of_order_declaration(
        milestone=third, actor=instructing_agent, comment="Inclusions terminées avant l'autorisation."
    )
    assert AuditEvent.objects.filter(milestone=third, action="allow_out_of_order").count() == 1
    services.declare_milestone(milestone=third, actor=member_a, reached_on=DAY)
    services.create_tranche_request(milestone=third, actor=member_a)


def test_validation_refused_once_the_project_is_closed(
    establishment_a, member_a, instructing_agent, budget_agent
):
    from django.contrib.auth.models import Permission

    from workflows import project_status

    project = ProjectFactory(establishment=establishment_a)
    request = request_in_state(
        TrancheStatus.UNDER_REVIEW,
        milestone=project.milestones.get(rank=1),
        member=member_a,
        instructor=instructing_agent,
        budget=budget_agent,
    )
    instructing_agent.user_permissions.add(Permission.objects.get(codename="decide_project_status"))
    agent = type(instructing_agent).objects.get(pk=instructing_agent.pk)
    project_status.lapse_project(project=project, actor=agent, comment="Sans nouvelles depuis 2 ans.")
    with pytest.raises(ValidationError, match="abandonné, caduc ou terminé"):
        fire("validate", request, instructing_agent)
    request.refresh_from_db()
    assert request.status == TrancheStatus.UNDER_REVIEW


def test_award_ceiling_counts_historical_tranches(establishment_a, member_a):
    project = ProjectFactory(establishment=establishment_a, historical_tranches=4)
    # The fifth milestone's share fits exactly; the ceiling holds with the stock counted.
    fifth = project.milestones.get(rank=5)
    services.declare_milestone(milestone=fifth, actor=member_a, reached_on=DAY)
    request = services.create_tranche_request(milestone=fifth, actor=member_a)
    from workflows import rules, selectors

    assert selectors.project_money(project)["committed"] == project.award_amount - request.amount
    assert rules.within_award(request)
