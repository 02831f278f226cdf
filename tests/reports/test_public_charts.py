"""Charts citizens can read: top 10 + "Autres", French labels and alt texts, text kept as text
at sizes that stay ≥ 12 px once scaled; the "as of" date picker of /indicateurs/; the map."""

from __future__ import annotations

import datetime
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from demo.indicators import create_indicators_page
from reports import charts, indicators, regions_map
from reports.registry import INDICATORS

pytestmark = pytest.mark.django_db


def _frame(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": [f"Discipline {i:02d}" for i in range(n)],
            "projects": [100 - i for i in range(n)],
            "awarded": [1000.0 * (100 - i) for i in range(n)],
            "delegated": [500.0 * (100 - i) for i in range(n)],
        }
    )


def test_many_categories_become_top_nine_and_others():
    frame = _frame(34)
    top = charts.top_with_others(frame, "label", ("awarded", "delegated"), 10)
    assert len(top) == 10 and top["label"].iloc[-1] == "Autres (25)"
    assert top["awarded"].sum() == pytest.approx(frame["awarded"].sum())
    ind = INDICATORS["awards_by_discipline"]
    svg = charts.render(ind, frame, datetime.date(2026, 3, 1), "svg").decode()
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "Autres (25)" in labels and "Discipline 09" not in labels


def test_chart_text_is_text_at_readable_sizes():
    """Smallest font × displayed width / drawn width ≥ 12 px: narrow shown ≥ 343 px wide (375 px
    phone), wide shown ≥ 944 px wide (from 992 px)."""
    ind = INDICATORS["awards_by_year"]
    frame = pd.DataFrame(
        {"label": [2010.0, 2011.0], "projects": [3, 4], "awarded": [1e6, 2e6], "delegated": [5e5, 1e6]}
    )
    for size, shown in (("narrow", 343), ("wide", 944)):
        svg = charts.inline_svg(charts.render(ind, frame, datetime.date(2026, 3, 1), "svg", size))
        drawn = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
        sizes = [float(s) for s in re.findall(r"font-size=\"([\d.]+)px\"", svg)]
        assert sizes and min(sizes) * shown / drawn >= 12, size
        assert not re.search(r'<svg[^>]*\swidth="', svg)
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
        assert "2010" in texts and "2010.0" not in svg  # years, not floats
        assert any("M€" in t for t in texts)  # French compact amounts on the axis


def test_alt_texts_read_years_and_french_plurals():
    ind = INDICATORS["awards_by_year"]
    frame = pd.DataFrame(
        {
            "label": [2010.0 + i for i in range(6)],
            "projects": [1] * 6,
            "awarded": [1e6] * 6,
            "delegated": [0.0] * 6,
        }
    )
    alt = ind.alt_text(frame, datetime.date(2026, 3, 1))
    assert "2010 : 1\u202f000\u202f000\xa0€" in alt and "2010.0" not in alt
    assert "et 1 autre." in alt and "au 1er mars 2026" in alt
    assert "et 2 autres" in ind.alt_text(
        pd.concat([frame, frame.tail(1).assign(label=2016.0)]), datetime.date(2026, 3, 1)
    )


@pytest.fixture
def page(portfolio):
    return create_indicators_page()


def test_as_of_date_picker_is_bookmarkable(client, page):
    day = datetime.date(2017, 1, 1)
    soup = BeautifulSoup(client.get("/indicateurs/", {"au": day.isoformat()}).content, "html.parser")
    field = soup.find("input", {"name": "au"})
    assert field["type"] == "date" and field["value"] == "2017-01-01"
    assert "Situation au 1er janvier 2017" in soup.get_text()
    table = indicators.table("awards_by_programme", day, filters=indicators.Filters(public_only=True))
    rows = soup.find(id="awards_by_programme").find("tbody").find_all("tr")
    assert [[c.get_text(strip=True) for c in r.find_all(["th", "td"])] for r in rows] == table.rows
    links = {a["href"] for a in soup.find(id="awards_by_programme").select("a.fr-link--download")}
    assert "/indicateurs/awards_by_programme/csv/?au=2017-01-01" in links
    today_rows = BeautifulSoup(client.get("/indicateurs/").content, "html.parser").find(
        id="awards_by_programme"
    )
    assert today_rows.find("tbody").find_all("tr") != rows  # the fixture's figures move after 2017


def test_as_of_in_the_future_or_malformed_is_explained(client, page):
    for value, message in [("2999-01-01", "dans le futur"), ("01/02/2020", "Format attendu : AAAA-MM-JJ")]:
        response = client.get("/indicateurs/", {"au": value})
        assert response.status_code == 200
        error = BeautifulSoup(response.content, "html.parser").find(id="au-error")
        assert message in error.get_text()
    assert client.get("/indicateurs/awards_by_programme/csv/", {"au": "2999-01-01"}).status_code == 404


def test_map_totals_equal_the_region_indicator(client, page):
    filters = indicators.Filters(public_only=True)
    frame = indicators.get("awards_by_region", filters=filters)
    funding_map = regions_map.build(frame, datetime.date.today())
    by_name = {r.name: r for r in funding_map.regions}
    for row in frame.to_dict("records"):
        region = by_name[row["label"]]
        assert (region.projects, region.awarded, region.delegated) == (
            row["projects"],
            row["awarded"],
            row["delegated"],
        )
    assert sum(r.awarded for r in funding_map.regions) == pytest.approx(frame["awarded"].sum())
    assert len(funding_map.regions) == 18 and funding_map.svg.count("<path") == 18

    soup = BeautifulSoup(client.get("/indicateurs/").content, "html.parser")
    section = soup.find(id="awards_by_region")
    links = section.select("svg.sirano-map a")
    assert len(links) == 18
    assert "IGN Admin Express" in section.get_text() and "Licence Ouverte" in section.get_text()
    for link in links:
        region = next(r for r in funding_map.regions if link["href"].endswith(f"region={r.code}"))
        # The directory, filtered on the region, lists as many projects as the map says.
        assert client.get(link["href"]).context["paginator"].count == region.projects, region.code
        assert link["aria-label"].startswith(region.name)
