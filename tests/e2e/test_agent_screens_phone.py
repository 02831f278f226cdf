"""Agents' and establishments' working screens at 375 px (issue 27, item 9): the agents' home tiles
keep long establishment names inside their box, and the portal dashboard reflows instead of
scrolling sideways (« À faire » was off-screen); the admin indicators' tables keep their last
column inside their box, fitting it at 1366 px and scrolling inside it at 375 px."""

from __future__ import annotations

import datetime

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_desk_tables import PASSWORD, _storage  # noqa: F401 — the same static/private storage
from tests.factories import EstablishmentFactory, ProjectFactory, UserFactory
from tests.workflows.builders import request_in_state
from workflows.models import EstablishmentType, Region, TrancheStatus
from workflows.roles import Role

PHONE = {"width": 375, "height": 812}
LONG_NAME = "CENTRE HOSPITALIER INTERCOMMUNAL DE VILLENEUVE-SAINT-GEORGES LUCIE-ET-RAYMOND-AUBRAC"

#: Sideways scrolling of the page, and every element drawn past the right edge of its tile (or of
#: the screen, for the portal).
MEASURE = """([boxes, screen]) => {
  const doc = document.documentElement;
  const outside = [];
  for (const box of document.querySelectorAll(boxes)) {
    const limit = (screen ? doc.clientWidth : box.getBoundingClientRect().right) + 1;
    for (const el of box.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width && r.right > limit) outside.push(`${el.tagName}.${el.className} ${Math.round(r.right)} > ${Math.round(limit)}`);
    }
  }
  return {overflow: doc.scrollWidth - doc.clientWidth, outside};
}"""


#: Each indicator table: its box inside its section, and its last column either shown in the box
#: or reachable by scrolling the box itself (the page never scrolls sideways).
TABLES = """() => {
  const doc = document.documentElement;
  const cut = [];
  for (const table of document.querySelectorAll('section table.listing')) {
    const box = table.parentElement, section = table.closest('section');
    const frame = box.getBoundingClientRect(), limit = section.getBoundingClientRect().right + 1;
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
    const last = table.querySelector('thead th:last-child').getBoundingClientRect();
    if (frame.right > limit) cut.push(`${section.id}: box ends at ${Math.round(frame.right)} > ${Math.round(limit)}`);
    else if (last.right > frame.right + 1 && !scrolls) cut.push(`${section.id}: last column cut at ${Math.round(frame.right)}`);
    else if (table.scrollWidth > box.clientWidth + 1 && !scrolls) cut.push(`${section.id}: no scrolling`);
  }
  const fits = [...document.querySelectorAll('section table.listing')].every(t => t.scrollWidth <= t.parentElement.clientWidth + 1);
  return {overflow: doc.scrollWidth - doc.clientWidth, cut, fits, count: document.querySelectorAll('section table.listing').length};
}"""


@pytest.fixture
def long_names(reference, member_a, instructing_agent, budget_agent):
    establishment = EstablishmentFactory(name=LONG_NAME, region=Region.IDF, type=EstablishmentType.CH)
    establishment.memberships.create(user=member_a)
    walk = {"member": member_a, "instructor": instructing_agent, "budget": budget_agent}
    for index in range(3):
        project = ProjectFactory(
            establishment=establishment,
            acronym=f"VILLENEUVE{index}",
            selected_on=datetime.date.today() - datetime.timedelta(days=400),
        )
        request_in_state(TrancheStatus.SUBMITTED, milestone=project.milestones.get(rank=1), **walk)
    return UserFactory(username="agent-mobile", roles=[Role.INSTRUCTING_AGENT, Role.BUDGET_AGENT])


@pytest.mark.django_db(transaction=True)
def test_agent_home_and_portal_dashboard_on_a_phone(browser, live_server, long_names, member_a):
    folder = ARTIFACTS / "agent-screens-phone"
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto("/admin/login/")
        page.fill("#id_username", "agent-mobile")
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="S'identifier").click()
        page.wait_for_url("**/admin/")
        page.screenshot(path=str(folder / "accueil-agent.png"), full_page=True)
        assert LONG_NAME in page.content()
        home = page.evaluate(MEASURE, [".sirano-tile", False])
        assert home["outside"] == [], home["outside"][:5]
        assert home["overflow"] <= 0, home["overflow"]

        for width, must_fit in ((PHONE["width"], False), (1366, True)):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto("/admin/indicateurs/")
            page.screenshot(path=str(folder / f"indicateurs-{width}.png"), full_page=True)
            tables = page.evaluate(TABLES)
            assert tables["count"] >= 3, tables
            assert tables["cut"] == [], (width, tables["cut"][:5])
            assert tables["overflow"] <= 0, (width, tables["overflow"])
            if must_fit:  # on a laptop every column is shown without scrolling
                assert tables["fits"], width
        page.set_viewport_size(PHONE)
        context.clear_cookies()

        page.goto("/portail/")
        page.fill("#id_username", member_a.username)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url("**/portail/**")
        page.screenshot(path=str(folder / "tableau-de-bord.png"), full_page=True)
        # DSFR gutters reach into the page margin: the limit is the screen's edge, not main's.
        portal = page.evaluate(MEASURE, ["main", True])
        assert portal["overflow"] <= 0, portal["overflow"]
        assert portal["outside"] == [], portal["outside"][:5]
        todo = page.get_by_text("Brouillon à soumettre").first
        if todo.count():
            box = todo.bounding_box()
            assert box["x"] + box["width"] <= PHONE["width"], box
    finally:
        context.close()
