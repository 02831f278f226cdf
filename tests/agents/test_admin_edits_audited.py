"""Every write goes through services: editing a project, a funding schedule or a membership in the
Wagtail admin writes one audit event carrying the old → new value of each changed field."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.agents.test_admin_snippets import schedule_post_data
from tests.factories import UserFactory
from workflows.models import AuditEvent, EstablishmentMembership, FundingSchedule, Project
from workflows.reference import get_or_create_call
from workflows.roles import Role

pytestmark = pytest.mark.django_db


def project_post_data(project: Project, **overrides) -> dict:
    data = {
        "acronym": project.acronym,
        "title": project.title,
        "summary": project.summary,
        "establishment": project.establishment_id,
        "investigator": project.investigator_id,
        "discipline": project.discipline_id or "",
        "discipline_raw": project.discipline_raw,
        "award_amount": str(project.award_amount),
        "selected_on": project.selected_on.isoformat(),
        "budget_breakdown": project.budget_breakdown,
        "visibility": project.visibility,
        "results_posted_on": project.results_posted_on.isoformat() if project.results_posted_on else "",
        "results_url": project.results_url,
    }
    data.update(overrides)
    return data


def edits_of(obj) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(type(obj)), target_id=str(obj.pk)
        )
    )


def test_editing_award_visibility_and_results_writes_one_audit_event(admin_client, administrator, project_a):
    old_award, old_visibility = project_a.award_amount, project_a.visibility
    url = reverse("wagtailsnippets_workflows_project:edit", args=[project_a.pk])
    response = admin_client.post(
        url,
        project_post_data(
            project_a,
            award_amount="123456.00",
            visibility="internal",
            results_posted_on="2025-02-03",
            results_url="https://clinicaltrials.gov/study/NCT01234567",
            status="abandoned",  # not a field of this form: ignored
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    project_a.refresh_from_db()
    assert project_a.award_amount == Decimal("123456.00")
    assert project_a.status != "abandoned"
    [event] = edits_of(project_a)
    assert (event.action, event.actor, event.project) == ("update_project", administrator, project_a)
    assert event.changes == {
        "award_amount": {"old": str(old_award), "new": "123456.00"},
        "visibility": {"old": old_visibility, "new": "internal"},
        "results_posted_on": {"old": None, "new": "2025-02-03"},
        "results_url": {"old": "", "new": "https://clinicaltrials.gov/study/NCT01234567"},
    }
    # Saving again without a change writes nothing.
    admin_client.post(url, project_post_data(project_a))
    assert len(edits_of(project_a)) == 1


def test_project_status_is_read_only_in_the_edit_form(admin_client, project_a):
    html = admin_client.get(
        reverse("wagtailsnippets_workflows_project:edit", args=[project_a.pk])
    ).content.decode()
    assert 'name="status"' not in html


def test_award_below_committed_tranches_is_refused_in_french(
    admin_client, project_a, member_a, instructing_agent, budget_agent
):
    from tests.workflows.builders import request_in_state

    request_in_state(
        "validated",
        milestone=project_a.milestones.get(rank=1),
        member=member_a,
        instructor=instructing_agent,
        budget=budget_agent,
    )
    url = reverse("wagtailsnippets_workflows_project:edit", args=[project_a.pk])
    response = admin_client.post(url, project_post_data(project_a, award_amount="1000.00"))
    assert response.status_code == 200
    assert "ne peut pas être inférieur aux tranches déjà engagées" in response.content.decode()
    project_a.refresh_from_db()
    assert project_a.award_amount != Decimal("1000.00")
    assert edits_of(project_a) == []


def test_editing_a_schedule_writes_one_audit_event_with_its_milestones(admin_client, administrator):
    schedule = get_or_create_call("PHRCN", 2022).current_schedule()
    url = reverse("wagtailsnippets_workflows_fundingschedule:edit", args=[schedule.pk])
    response = admin_client.post(url, schedule_post_data(schedule, ["40", "30", "30"]))
    assert response.status_code == 302
    [event] = edits_of(schedule)
    assert (event.action, event.actor) == ("update_funding_schedule", administrator)
    assert event.changes["jalon 1.share_percent"] == {"old": "30.00", "new": "40"}
    assert event.changes["jalon 5"]["new"] is None  # removed milestone, with its old label
    assert event.target_label == str(schedule)


def test_creating_a_schedule_is_audited(admin_client):
    call = get_or_create_call("PHRIP", 2023)
    template = call.current_schedule()
    data = schedule_post_data(template, ["50", "50"])
    data["version"] = template.version + 1
    for key in [k for k in data if k.endswith("-id")]:
        data[key] = ""
    data["milestone_templates-INITIAL_FORMS"] = "0"
    data = {
        k: v
        for k, v in data.items()
        if not k.startswith(("milestone_templates-2", "milestone_templates-3", "milestone_templates-4"))
    }
    data["milestone_templates-TOTAL_FORMS"] = "2"
    response = admin_client.post(reverse("wagtailsnippets_workflows_fundingschedule:add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    schedule = FundingSchedule.objects.get(call=call, version=template.version + 1)
    [event] = edits_of(schedule)
    assert event.action == "create_funding_schedule"
    assert event.changes["version"] == {"old": None, "new": template.version + 1}
    assert event.changes["jalon 2"]["new"]["share_percent"] == "50"


def test_memberships_are_created_moved_and_removed_through_audited_services(
    admin_client, administrator, establishment_a, establishment_b
):
    user = UserFactory(username="drci-nouvelle", roles=[Role.ESTABLISHMENT_MEMBER])
    response = admin_client.post(
        reverse("wagtailsnippets_workflows_establishmentmembership:add"),
        {"user": user.pk, "establishment": establishment_a.pk},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = EstablishmentMembership.objects.get(user=user)
    response = admin_client.post(
        reverse("wagtailsnippets_workflows_establishmentmembership:edit", args=[membership.pk]),
        {"user": user.pk, "establishment": establishment_b.pk},
    )
    assert response.status_code == 302
    response = admin_client.post(
        reverse("wagtailsnippets_workflows_establishmentmembership:delete", args=[membership.pk])
    )
    assert not EstablishmentMembership.objects.filter(pk=membership.pk).exists()
    events = edits_of(membership)
    assert [e.action for e in events] == ["create_membership", "update_membership", "delete_membership"]
    assert all(e.actor == administrator for e in events)
    assert events[1].changes == {
        "establishment": {"old": str(establishment_a), "new": str(establishment_b)},
    }
    assert events[2].changes["establishment"] == {"old": str(establishment_b), "new": None}
