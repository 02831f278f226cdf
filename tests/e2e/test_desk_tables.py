"""The desk's tables read at a glance at 1366×900 and 1920×1080 (issue 16): no cell breaks inside an
amount, an identifier, a state or a word (measured on the rendered lines), no horizontal scroll,
amounts right-aligned in tabular figures, states as coloured tags, axe-core clean.
Screenshots go to test-artifacts/<test name>/."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import EstablishmentFactory, ProjectFactory, UserFactory
from tests.workflows.builders import request_in_state
from workflows import services
from workflows.models import EstablishmentType, EvidenceDocument, Region, TrancheStatus
from workflows.roles import Role

S = TrancheStatus
SIZES = [(1366, 900), (1920, 1080)]
PASSWORD = "sirano-test-pw"

#: Every text token (a run without ASCII white space: amounts keep their non-breaking spaces) whose
#: rendered rectangles sit on more than one line, in any cell of the page's tables.
BROKEN_TOKENS_JS = """
() => {
  const broken = [];
  for (const cell of document.querySelectorAll('table td, table th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const text = node.textContent;
      const re = /[^ \\t\\n\\r]+/g;
      let match;
      while ((match = re.exec(text))) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set();
        for (const rect of range.getClientRects()) {
          if (rect.width > 0.5) tops.add(Math.round(rect.top));
        }
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}
"""


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    monkeypatch.setattr(
        EvidenceDocument._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path / "private")
    )


@pytest.fixture
def desk_data(reference, member_a, instructing_agent, budget_agent):
    """Requests in every queue, with six-figure amounts and long establishment and region names."""
    lyon = EstablishmentFactory(
        name="CENTRE HOSPITALIER UNIVERSITAIRE DE CLERMONT-FERRAND",
        region=Region.ARA,
        type=EstablishmentType.CHUR,
    )
    lyon.memberships.create(user=member_a)
    walk = {"member": member_a, "instructor": instructing_agent, "budget": budget_agent}
    made = []
    for i, state in enumerate([S.SUBMITTED, S.UNDER_REVIEW, S.CHANGES_REQUESTED, S.VALIDATED, S.VALIDATED]):
        project = ProjectFactory(
            establishment=lyon, acronym=f"NEUROPROTECT{i}", award_amount=Decimal("245400.00") + i * 101640
        )
        made.append(request_in_state(state, milestone=project.milestones.get(rank=1), **walk))
    delegation = made[-1].delegation
    services.issue_delegation(delegation=delegation, actor=budget_agent)
    project = ProjectFactory(establishment=lyon, acronym="RETARDATAIRE")
    project.milestones.filter(rank=1).update(days_late=45)
    agent = UserFactory(
        username="agent-double",
        first_name="Camille",
        last_name="Lefebvre-Dumontier",
        roles=[Role.INSTRUCTING_AGENT, Role.BUDGET_AGENT],
    )
    return {"agent": agent, "delegation": delegation}


def screens(data) -> dict[str, str]:
    return {
        "a-instruire": reverse("workflows_requesttoreview_modeladmin_index"),
        "complements": reverse("workflows_requestawaitingchanges_modeladmin_index"),
        "a-deleguer": reverse("workflows_requesttodelegate_modeladmin_index"),
        "jalons-en-retard": reverse("workflows_latemilestone_modeladmin_index"),
        "delegations": reverse("workflows_delegation_modeladmin_index"),
        "delegation": reverse("workflows_desk:delegation_detail", args=[data["delegation"].pk]),
    }


@pytest.mark.django_db(transaction=True)
def test_desk_tables_never_break_a_token(page, live_server, screenshot, axe, desk_data):
    page.goto("/admin/login/")
    page.fill("#id_username", "agent-double")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="S'identifier").click()
    page.wait_for_url("**/admin/")
    screenshot("accueil-agent")
    failures = []
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        for name, url in screens(desk_data).items():
            page.goto(url)
            assert page.locator("table").count() > 0, name
            screenshot(f"{name}-{width}")
            broken = page.evaluate(BROKEN_TOKENS_JS)
            if broken:
                failures.append((name, width, sorted(set(broken))[:10]))
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                failures.append((name, width, f"horizontal scroll of {overflow}px"))
            if width == 1366:
                serious = axe()
                if serious:
                    failures.append((name, width, [v["id"] for v in serious]))
    assert failures == []


@pytest.mark.django_db(transaction=True)
def test_amounts_are_tabular_right_aligned_and_states_are_tags(page, live_server, desk_data):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/admin/login/")
    page.fill("#id_username", "agent-double")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="S'identifier").click()
    page.wait_for_url("**/admin/")
    page.goto(reverse("workflows_requesttoreview_modeladmin_index"))
    amount = page.locator("td.field-amount_display").first
    style = amount.evaluate(
        "el => { const s = getComputedStyle(el); const n = el.querySelector('.sirano-amount') || el;"
        " return [s.textAlign, getComputedStyle(n).fontVariantNumeric, getComputedStyle(n).whiteSpace]; }"
    )
    assert style[0] == "right" and "tabular-nums" in style[1] and style[2] == "nowrap"
    colours = set()
    for queue in ("requesttoreview", "requestawaitingchanges"):
        page.goto(reverse(f"workflows_{queue}_modeladmin_index"))
        tags = page.locator("td.field-status_display .sirano-tag")
        assert tags.count() >= 1
        colours |= set(tags.evaluate_all("els => els.map(e => getComputedStyle(e).backgroundColor)"))
    assert len(colours) >= 2  # « soumise », « en instruction », « compléments demandés » differ
    # Filters fold away: the table takes the page's width.
    page.goto(reverse("workflows_requesttoreview_modeladmin_index"))
    table = page.locator("table.listing").bounding_box()
    assert table["width"] > 1366 * 0.7
