"""/indicateurs/: every public chart with its data table, method notes and download links; the
downloads themselves (SVG with title and description, PNG, CSV, XLSX); internal figures stay out."""

import io

import openpyxl
import pytest
from bs4 import BeautifulSoup

from demo.indicators import NOTES, create_indicators_page
from reports import indicators

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(portfolio):
    return create_indicators_page()


def test_page_renders_every_public_chart_with_table_and_links(client, page):
    response = client.get("/indicateurs/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    public = indicators.public_indicators()
    sections = soup.select("section.sirano-indicator")
    assert [s["id"] for s in sections] == [ind.key for ind in public]
    for section, ind in zip(sections, public, strict=True):
        # The chart is inlined at two sizes, each scaled by its viewBox, its alt text in <desc>.
        for size in ("narrow", "wide"):
            svg = section.select_one(f"svg.sirano-chart--{size}")
            assert svg["role"] == "img" and svg.has_attr("viewbox") and not svg.has_attr("width")
            assert svg.find("title").get_text() == ind.title and len(svg.find("desc").get_text()) > 40
        assert section.find("table").find("caption").get_text(strip=True).endswith(ind.title)
        hrefs = {a["href"] for a in section.select("a.fr-link--download")}
        assert hrefs == {f"/indicateurs/{ind.key}/{fmt}/" for fmt in ("csv", "xlsx", "svg", "png")}
        if ind.key in NOTES:
            assert "Note de méthode" in section.get_text()
    programme = soup.find(id="awards_by_programme").find("tbody")
    # Today every transition of the fixture is past: PHRCN 150 000 € awarded, 55 000 € delegated.
    cells = [td.get_text(strip=True) for td in programme.find_all("tr")[1].find_all(["th", "td"])]
    assert cells == ["PHRCN", "2", "150\u202f000\xa0€", "55\u202f000\xa0€"]
    for internal in indicators.internal_indicators():
        assert soup.find(id=internal.key) is None


def test_chart_and_data_downloads(client, page):
    svg = client.get("/indicateurs/awards_by_programme/svg/")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    body = svg.content.decode()
    assert body.lstrip().startswith("<?xml") and 'role="img"' in body
    assert "<title>Financements attribués et délégués par programme</title>" in body and "<desc>" in body
    png = client.get("/indicateurs/funding_by_year/png/")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    csv = client.get("/indicateurs/awards_by_programme/csv/").content.decode("utf-8-sig").splitlines()
    assert csv[0] == "Programme;Projets;Montant attribué (€);Montant délégué (€)"
    assert csv[2] == "PHRCN;2;150000,0;55000,0"
    xlsx = client.get("/indicateurs/tranche_pipeline/xlsx/")
    assert "attachment" in xlsx["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[4]] == [
        "État",
        "Tranches SIRANo",
        "Montant SIRANo (€)",
        "Tranches historiques",
        "Montant historique (€)",
        "Tranches (total)",
        "Montant total (€)",
    ]


def test_internal_or_unknown_downloads_are_404(client, page):
    assert client.get("/indicateurs/late_milestones_by_establishment/csv/").status_code == 404
    assert client.get("/indicateurs/awards_by_programme/pdf/").status_code == 404
    assert client.get("/indicateurs/nope/svg/").status_code == 404


def test_public_figures_leave_out_unpublished_projects(client, page, portfolio):
    from workflows.models import Project

    Project.objects.filter(pk=portfolio["p2"].pk).update(visibility="internal")
    from reports.cache import bump_data_version

    bump_data_version()
    soup = BeautifulSoup(client.get("/indicateurs/").content, "html.parser")
    rows = soup.find(id="awards_by_programme").find("tbody").find_all("tr")
    assert rows[0].find("th").get_text() == "PHRCN"  # PHRCI now has P4 only: 100 000 €
    assert rows[1].find_all("td")[0].get_text() == "1"


def test_demo_step_is_idempotent(page):
    from content.models import IndicatorsPage

    again = create_indicators_page()
    assert IndicatorsPage.objects.count() == 1 and again.pk == page.pk and again.live
    assert again.indicator_notes.count() == len(NOTES)
    assert again.url == "/indicateurs/"


def test_indicator_chart_block(page):
    from content.indicator_blocks import IndicatorChartBlock

    block = IndicatorChartBlock()
    value = block.to_python({"indicator": "funding_by_year", "note": "<p>Source : circulaires.</p>"})
    soup = BeautifulSoup(block.render(value), "html.parser")
    assert soup.find("h3").get_text() == "Montants délégués et versés par année"
    assert soup.select_one("svg.sirano-chart--wide desc").get_text().startswith("Montants délégués")
    assert [th.get_text() for th in soup.select("tbody th")] == ["2016", "2017"]
    assert "Source : circulaires." in soup.get_text()


def test_page_and_svg_download_need_no_inline_style(client, page):
    """Issue 22, observation 2: the public policy (`style-src 'self' 'nonce-…'`) blocks `style="…"` and
    `<style>`; matplotlib's SVG carried 988 of them and the map legend one per swatch, so every chart was
    a black rectangle and the legend empty boxes. Presentation attributes draw the same, under the policy."""
    html = client.get("/indicateurs/").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select("svg.sirano-chart") and soup.select(
        ".sirano-map-legend svg.sirano-map-swatch rect[fill]"
    )
    assert [tag.name for tag in soup.select("[style]")] == []
    assert [str(tag)[:80] for tag in soup.find_all("style") if not tag.get("nonce")] == []
    # The white background of each chart survives as an attribute (blocked CSS drew it black).
    assert soup.select_one("svg.sirano-chart #patch_1 path")["fill"] == "#ffffff"
    download = client.get("/indicateurs/awards_by_programme/svg/").content.decode()
    assert "style=" not in download and "<style" not in download
