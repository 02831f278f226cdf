"""`/donnees/` on a phone (issue 27, item 1): the file tables reflow as the directory's do, no
cell is squeezed to a few characters per line, nothing scrolls sideways, and the page is no
taller than three screens per release file listed (it was 69,642 px at 375 px for 6 files). The
same phone walk goes on to the indicators page and its map: no sideways scrolling, no text outside
the screen or outside its drawing (the agents' home and the portal dashboard are walked in
test_agent_screens_phone.py)."""

from __future__ import annotations

import pytest

from demo.indicators import create_indicators_page
from opendata.releases import publish_release
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_public_site import public_site  # noqa: F401 — the shared portfolio fixture

WIDTH, HEIGHT = 375, 812

MEASURE = """() => {
  const doc = document.documentElement;
  const narrow = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    const box = cell.getBoundingClientRect();
    if (cell.closest('thead')) continue;  // visually hidden on phones: the labels go before each value
    if (box.width && box.width < 200) narrow.push(`${cell.dataset.label || cell.tagName}: ${Math.round(box.width)} px`);
  }
  const outside = [];
  for (const el of document.querySelectorAll('main *')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > doc.clientWidth + 1) outside.push(`${el.tagName}.${el.className}: ${Math.round(box.right)} px`);
  }
  return {overflow: doc.scrollWidth - doc.clientWidth, height: doc.scrollHeight, narrow, outside,
          files: document.querySelectorAll('[data-release] tbody tr, .sirano-release-files > li').length};
}"""


#: Text past the screen's edge, text of a chart or map drawn outside its SVG, and map regions cut.
OUTSIDE = """() => {
  const doc = document.documentElement;
  const outside = [];
  for (const el of document.querySelectorAll('main *')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > doc.clientWidth + 1) outside.push(`${el.tagName}.${el.className.baseVal ?? el.className}: ${Math.round(box.right)} px`);
  }
  let drawings = 0;
  for (const svg of document.querySelectorAll('svg.sirano-chart, svg.sirano-map')) {
    const frame = svg.getBoundingClientRect();
    if (!frame.width) continue;  // the drawing for the other screen size
    drawings += 1;
    for (const item of svg.querySelectorAll('text, path[data-region]')) {
      const box = item.getBoundingClientRect();
      if (box.width && (box.right > frame.right + 1 || box.left < frame.left - 1))
        outside.push(`${svg.getAttribute('class')} ${item.tagName} « ${item.textContent.slice(0, 30)} » ${item.dataset.region || ''}`);
    }
  }
  return {overflow: doc.scrollWidth - doc.clientWidth, outside, drawings,
          map: document.querySelectorAll('svg.sirano-map path[data-region]').length};
}"""


@pytest.mark.django_db(transaction=True)
def test_opendata_page_on_a_phone(browser, live_server, public_site, settings, tmp_path):  # noqa: F811
    settings.RELEASES_ROOT = tmp_path / "releases"
    publish_release()
    create_indicators_page()
    folder = ARTIFACTS / "opendata-phone"
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": WIDTH, "height": HEIGHT}
    )
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        for path, label in (("/donnees/", "donnees"), ("/donnees/latest/", "donnees-latest")):
            page.goto(path)
            page.screenshot(path=str(folder / f"{label}.png"), full_page=True)
            figures = page.evaluate(MEASURE)
            assert figures["overflow"] <= 0, (label, figures["overflow"])
            assert figures["outside"] == [], (label, figures["outside"][:5])
            assert figures["narrow"] == [], (label, figures["narrow"][:5])
            assert figures["files"] >= 6, (label, figures["files"])
            assert figures["height"] <= 3 * HEIGHT * figures["files"], (
                label,
                figures["height"],
                figures["files"],
            )
            # The column lists, folded by default, reflow too once opened.
            page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
            opened = page.evaluate(MEASURE)
            assert (opened["overflow"], opened["outside"], opened["narrow"]) == (0, [], []), (label, opened)

        page.goto("/indicateurs/")
        page.screenshot(path=str(folder / "indicateurs-carte.png"), full_page=True)
        walk = page.evaluate(OUTSIDE)
        assert walk["map"] >= 13 and walk["drawings"] >= 2, walk
        assert walk["overflow"] <= 0, walk["overflow"]
        assert walk["outside"] == [], walk["outside"][:5]
    finally:
        context.close()
