"""Desk and delegation histories read in French: actions and states by their labels, people by
their full name and where they work, never a transition code or a login (issue 16)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.jobs import JOB_ACTIONS
from tests.workflows.builders import request_in_state
from workflows import services
from workflows.audit_labels import ACTION_LABELS, action_label
from workflows.models import AuditEvent, TrancheStatus

S = TrancheStatus
CODES = re.compile(
    r"\b(declare_milestone|attach_evidence|start_review|request_changes|record_payment|"
    r"add_to_delegation|create_delegation|mark_paid|draft|submitted|under_review|issued|paid|"
    r"validated|delegated)\b"
)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)  # attributes (URLs, ids) are not read by anybody
    return " ".join(html.split())


@pytest.fixture
def named(member_a, instructing_agent, budget_agent):
    for user, first, last in (
        (member_a, "Alice", "Durand"),
        (instructing_agent, "Claire", "Martin"),
        (budget_agent, "Bruno", "Petit"),
    ):
        user.first_name, user.last_name = first, last
        user.save()


@pytest.mark.django_db
def test_request_history_names_people_and_states_in_french(
    client, named, project_a, member_a, instructing_agent, budget_agent
):
    request = request_in_state(
        S.UNDER_REVIEW,
        milestone=project_a.milestones.get(rank=1),
        member=member_a,
        instructor=instructing_agent,
        budget=budget_agent,
    )
    client.force_login(instructing_agent)
    text = visible_text(
        client.get(reverse("workflows_desk:request_inspect", args=[request.pk])).content.decode()
    )
    history = text[text.index("Historique (journal d'audit)") :]
    assert not CODES.search(history), CODES.search(history)
    assert "Jalon déclaré atteint" in history and "Justificatif déposé" in history
    assert "brouillon → soumise" in history and "soumise → en instruction" in history
    assert f"Alice Durand ({project_a.establishment.name})" in history
    assert "Claire Martin (DGOS)" in history
    assert "alice" not in history and "instructeur" not in history


@pytest.mark.django_db
def test_delegation_history_in_french(client, named, project_a, member_a, instructing_agent, budget_agent):
    request = request_in_state(
        S.VALIDATED,
        milestone=project_a.milestones.get(rank=1),
        member=member_a,
        instructor=instructing_agent,
        budget=budget_agent,
    )
    services.issue_delegation(delegation=request.delegation, actor=budget_agent)
    client.force_login(budget_agent)
    html = client.get(reverse("workflows_desk:delegation_detail", args=[request.delegation_id])).content
    text = visible_text(html.decode())
    history = text[text.index("Bruno Petit") - 30 :]
    assert not CODES.search(history), CODES.search(history)
    assert "Bruno Petit (DGOS)" in history
    assert "Circulaire de délégation émise" in history and "en préparation → émise" in history


def test_every_action_the_services_write_has_a_french_label():
    """Scans the code for audit actions written, so a new action without a label fails here."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "workflows"
    written = set()
    for path in root.rglob("*.py"):
        if "management" in path.parts or "desk" in path.parts:
            continue  # argparse actions; the desk's URL actions are not audit records
        written |= set(re.findall(r'action="([a-z_]+)"', path.read_text()))
        written |= set(re.findall(r'^ACTION = "([a-z_]+)"', path.read_text(), flags=re.M))
        written |= set(re.findall(r'^DIGEST_ACTION = "([a-z_]+)"', path.read_text(), flags=re.M))
    written |= {"submit", "resubmit", "withdraw", "start_review", "request_changes", "validate"}
    written |= {"reject", "delegate", "mark_paid", "issue", "record_payment", "update_funding_schedule"}
    written |= JOB_ACTIONS  # releases and reports (reports/jobs.py)
    assert written - set(ACTION_LABELS) == set()


def test_unknown_action_still_reads_as_words():
    assert "_" not in action_label("some_new_thing")


@pytest.mark.django_db
def test_portal_history_has_no_code(client, named, project_a, member_a):
    milestone = project_a.milestones.get(rank=1)
    services.declare_milestone(milestone=milestone, actor=member_a, reached_on=datetime.date(2018, 1, 5))
    AuditEvent.objects.create(
        actor=member_a, action="verify_something_new", created_at=timezone.now(), milestone=milestone
    )
    from portal.history import describe

    for event in AuditEvent.objects.filter(milestone=milestone):
        assert "_" not in describe(event).text
