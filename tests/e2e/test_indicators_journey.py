"""A citizen opens /indicateurs/: every chart image loads, each table is there, the CSV downloads,
and axe finds no serious or critical violation."""

import pytest

from reports.demo import create_indicators_page
from reports.registry import public_indicators
from tests.reports.conftest import portfolio  # noqa: F401 (fixture)


@pytest.mark.django_db(transaction=True)
def test_citizen_reads_indicators(page, portfolio, screenshot, axe):  # noqa: F811
    create_indicators_page()
    page.goto("/indicateurs/")
    assert page.locator("h1").inner_text() == "Indicateurs"
    images = page.locator("section.sirano-indicator img")
    assert images.count() == len(public_indicators())
    for index in range(images.count()):  # lazy images load when scrolled to
        images.nth(index).scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('section.sirano-indicator img')].every(i => i.complete)"
    )
    widths = images.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert all(width > 300 for width in widths), widths
    assert page.locator("section.sirano-indicator table").count() == len(public_indicators())
    screenshot("indicateurs")
    with page.expect_download() as download:
        page.locator("#funding_by_year a", has_text="CSV").click()
    assert download.value.suggested_filename == "sirano-funding_by_year.csv"
    assert axe() == []
