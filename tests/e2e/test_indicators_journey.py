"""A citizen opens /indicateurs/: every chart is drawn, each table is there, the CSV downloads,
and axe finds no serious or critical violation."""

import pytest

from demo.indicators import create_indicators_page
from demo.site import ensure_home
from reports.registry import public_indicators
from tests.reports.conftest import portfolio  # noqa: F401 (fixture)


@pytest.mark.django_db(transaction=True)
def test_citizen_reads_indicators(page, portfolio, screenshot, axe):  # noqa: F811
    ensure_home()  # an earlier transactional test's flush removed the migrations' root page and Site
    create_indicators_page()
    page.goto("/indicateurs/")
    assert page.locator("h1").inner_text() == "Indicateurs"
    # Charts are inline SVG; at this (desktop) width the "wide" drawing is the one shown.
    charts = page.locator("section.sirano-indicator svg.sirano-chart--wide")
    assert charts.count() == len(public_indicators())
    widths = charts.evaluate_all("svgs => svgs.map(s => s.getBoundingClientRect().width)")
    assert all(width > 300 for width in widths), widths
    assert page.locator("section.sirano-indicator table").count() == len(public_indicators())
    screenshot("indicateurs")
    with page.expect_download() as download:
        page.locator("#funding_by_year a", has_text="CSV").click()
    # Named after the chart's French title (issue 27, item 8), not its code.
    assert download.value.suggested_filename == "sirano-montants-delegues-et-verses-par-annee.csv"
    assert axe() == []
