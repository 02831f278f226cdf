"""The public site on a phone (375×812) and a laptop (1366×900): no sideways scrolling, results
on the first screen after the search box, filters in a drawer on phones, chart and map text of
12 CSS px or more measured on the rendered SVG, and no serious or critical axe-core violation."""

from __future__ import annotations

import pytest

from demo.indicators import create_indicators_page
from opendata.releases import publish_release
from tests.e2e.conftest import ARTIFACTS, AXE_JS
from tests.e2e.test_public_site import public_site  # noqa: F401 — the shared portfolio fixture

VIEWPORTS = {"mobile": (375, 812), "desktop": (1366, 900)}

MEASURE = """() => {
  const doc = document.documentElement;
  let smallest = null;
  for (const svg of document.querySelectorAll('svg.sirano-chart, svg.sirano-map')) {
    if (!svg.getBoundingClientRect().width) continue;   // the drawing for the other screen size
    for (const text of svg.querySelectorAll('text')) {
      if (!text.getBoundingClientRect().width) continue;
      const m = text.getScreenCTM();
      const px = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
      smallest = smallest === null ? px : Math.min(smallest, px);
    }
  }
  // Every region drawn inside its map (Corsica was cut at the right edge at 375 px).
  const cut = [];
  for (const svg of document.querySelectorAll('svg.sirano-map')) {
    const frame = svg.getBoundingClientRect();
    if (!frame.width) continue;
    for (const path of svg.querySelectorAll('path[data-region]')) {
      const box = path.getBoundingClientRect();
      // Shapes' boxes leave out their outline: one CSS px must stay free on every side.
      if (box.right > frame.right - 1 || box.left < frame.left + 1 || box.bottom > frame.bottom - 1 || box.top < frame.top + 1)
        cut.push(path.dataset.region);
    }
  }
  return {overflow: doc.scrollWidth - doc.clientWidth, smallest, cut};
}"""


@pytest.fixture
def site(public_site, settings, tmp_path):  # noqa: F811
    settings.RELEASES_ROOT = tmp_path / "releases"
    create_indicators_page()
    publish_release()
    return public_site


def _check(page, folder, label: str) -> dict:
    page.screenshot(path=str(folder / f"{label}.png"), full_page=True)
    label = f"{folder.name}: {label}"  # names the screen in a failure
    figures = page.evaluate(MEASURE)
    assert figures["overflow"] <= 0, f"{label}: {figures['overflow']} px of sideways scrolling"
    assert figures["cut"] == [], f"{label}: regions cut at the map's edge: {figures['cut']}"
    page.add_script_tag(content=AXE_JS.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert serious == [], f"{label}: {serious}"
    return figures


@pytest.mark.django_db(transaction=True)
def test_public_pages_on_phone_and_laptop(browser, live_server, site, request):
    """Both screens walk the same site, one after the other (the charts drawn for the first are
    served from the per-version cache to the second, as to any second visitor)."""
    for device in VIEWPORTS:
        folder = ARTIFACTS / f"{request.node.name}[{device}]"
        folder.mkdir(parents=True, exist_ok=True)
        _walk(browser, live_server, site, device, folder)


def _walk(browser, live_server, site, device: str, folder) -> None:
    width, height = VIEWPORTS[device]
    context = browser.new_context(
        bypass_csp=True,  # axe-core is injected inline; CSP itself is tested in tests/security
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": width, "height": height},
    )
    page = context.new_page()
    page.set_default_timeout(180_000)  # a cold /indicateurs/ draws every chart at two sizes
    try:
        page.goto("/")
        _check(page, folder, "01-accueil")

        page.goto("/projets/")
        search = page.locator("#directory-search-bar").bounding_box()
        first_result = page.locator(".sirano-result-list > li").first.bounding_box()
        # The first result starts within one screen of the search box (filters no longer push it away).
        assert first_result["y"] - (search["y"] + search["height"]) < height, first_result
        drawer = page.locator("#directory-filters-button")
        if device == "mobile":
            assert drawer.is_visible() and "28 projets" in drawer.inner_text()
            assert not page.locator("#directory-filters").is_visible()
            drawer.click()
            page.locator("label[for=f-programme-phrcn]").click()
        else:
            assert not drawer.is_visible()
            page.locator("label[for=f-programme-phrcn]").click()
        _check(page, folder, "02-annuaire")
        page.get_by_role("button", name="Appliquer les filtres").click()
        page.wait_for_url("**programme=PHRCN**")
        assert page.locator("#results-title").inner_text() == "3 projets"
        if device == "mobile":
            assert "1 filtre actif" in drawer.inner_text() and "3 projets" in drawer.inner_text()
        _check(page, folder, "03-annuaire-filtre")

        page.goto(f"/projets/{site.public_id}/")
        assert "déléguée avant SIRANo" in page.content()
        _check(page, folder, "04-projet")

        page.goto("/indicateurs/")
        figures = _check(page, folder, "05-indicateurs")
        assert figures["smallest"] is not None and figures["smallest"] >= 12, figures
        page.goto("/indicateurs/?au=2020-01-01")
        assert page.locator("#au").input_value() == "2020-01-01"
        figures = _check(page, folder, "06-indicateurs-2020")
        assert figures["smallest"] >= 12, figures

        page.goto("/donnees/")
        _check(page, folder, "07-donnees")
        page.goto("/donnees/latest/")
        _check(page, folder, "08-donnees-latest")
    finally:
        context.close()
