"""Wagtail pages of the public site render with live figures, blocks, stories and meta tags."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page, Site

from content import figures
from content.models import DirectoryPage, HomePage, ProgrammePage, StandardPage, StoryPage
from demo.site import build_site
from formatting import format_euros, format_number
from workflows import selectors
from workflows.models import Project, Visibility


def test_french_number_formatting():
    assert format_number(1234567) == "1\u202f234\u202f567"
    assert format_euros(Decimal("612000.40")) == "612\u202f000\u00a0€"
    assert format_euros(Decimal("1530000000"), compact=True) == "1,53\u00a0Md€"
    assert format_euros(Decimal("2450000"), compact=True) == "2,5\u00a0M€"
    assert format_euros(Decimal("98000"), compact=True) == "98\u00a0k€"


def test_portfolio_totals_count_requests_and_legacy_stock(portfolio):
    Project.objects.filter(acronym="INFIRMIER").update(visibility=Visibility.INTERNAL)
    totals = selectors.portfolio_totals(Project.objects.public())
    assert totals["projects"] == 2
    assert totals["awarded"] == Decimal("812000")
    # LEGACY: tranches 1 and 2 delegated before SIRANo = 30 % + 20 % of 200 000 €
    assert totals["delegated"] == Decimal("100000")


def test_key_figures_are_cached_and_extensible(portfolio, django_assert_num_queries):
    from django.core.cache import cache

    cache.clear()
    first = figures.key_figures(("projects", "awarded"))
    assert [f.display for f in first] == ["3", "2,3\u00a0M€"]
    with django_assert_num_queries(0):
        figures.key_figures(("projects", "awarded", "delegated"))
    figures.register(figures.KeyFigure("test_big", "gros projets", lambda t: t["projects"] * 10))
    try:
        assert ("test_big", "gros projets") in figures.figure_choices()
        assert figures.key_figure("test_big").display == "30"
    finally:
        figures.REGISTRY.pop("test_big")
    assert figures.key_figures(("projects",), programme_code="PHRIP")[0].value == 1


@pytest.mark.django_db
class TestDemoSite:
    """The demo site built once for the class (tests/content/conftest.py `site_tree`)."""

    def test_demo_tree_is_complete_and_idempotent(self, site_tree):
        home = HomePage.objects.get()
        assert Site.objects.get(is_default_site=True).root_page_id == home.pk
        assert DirectoryPage.objects.live().child_of(home).count() == 1
        assert ProgrammePage.objects.live().count() == 10
        assert StoryPage.objects.live().count() == 3
        assert StandardPage.objects.live().filter(slug="a-propos").exists()
        count = Page.objects.count()
        build_site(rng=random.Random(1), today=datetime.date(2026, 11, 1))
        assert Page.objects.count() == count

    def test_home_page(self, client, site_tree):
        response = client.get("/")
        body = response.content.decode()
        assert response.status_code == 200
        assert "Chiffres clés" in body
        assert "2,3\u00a0M€" in body  # awarded: 612 000 + 200 000 + 1 500 000
        assert 'action="/projets/"' in body
        assert "Insuffisance cardiaque : suivre les patients à domicile" in body
        assert '<meta property="og:url"' in body

    def test_programme_page_live_statistics_and_projects(self, client, site_tree):
        response = client.get("/programmes/phrip/")
        body = response.content.decode()
        assert response.status_code == 200
        assert [f.key for f in response.context["key_figures"]] == [
            "projects",
            "in_progress",
            "awarded",
            "delegated",
        ]
        assert response.context["key_figures"][0].value == 1
        assert "INFIRMIER" in body and "TELECARD" not in body
        assert 'href="/projets/?programme=PHRIP"' in body
        assert "<caption>" in body

    def test_a_project_page_links_to_its_programme_page(self, client, site_tree):
        project = (
            Project.objects.public().select_related("call__programme").get(call__programme__code="PHRIP")
        )
        body = client.get(f"/projets/{project.public_id}/").content.decode()
        assert '<a href="/programmes/phrip/">' in body

    def test_about_page_blocks(self, client, site_tree):
        body = client.get("/a-propos/").content.decode()
        assert "fr-quote" in body and "fr-callout" in body and "sirano-live-figure" in body
        assert "projets financés publiés" in body

    def test_project_list_block_uses_directory_filters(self, client, site_tree):
        about = StandardPage.objects.get(slug="a-propos")
        about.body = [
            (
                "project_list",
                {"title": "Cardiologie", "discipline": "cardiologie", "sort": "-montant", "limit": 1},
            )
        ]
        about.save_revision().publish()
        response = client.get("/a-propos/")
        body = response.content.decode()
        assert "TELECARD" in body and "LEGACY" not in body and "INFIRMIER" not in body
        assert "/projets/?discipline=cardiologie&amp;tri=-montant" in body

    def test_story_pages_link_projects_and_validate_ids(self, client, site_tree):
        story = StoryPage.objects.get(slug="histoire-projet-cardiologie")
        body = client.get(story.url).content.decode()
        assert '<meta property="og:type" content="article">' in body
        assert story.public_ids and story.public_ids[0] in body
        story.project_ids = "PHRCN-2016-9999"
        with pytest.raises(ValidationError) as error:
            story.full_clean()
        assert "Projets inconnus ou non publiés : PHRCN-2016-9999" in str(error.value)
        assert client.get("/actualites/").status_code == 200

    def test_directory_page_serves_the_directory_with_editor_intro(self, client, site_tree):
        response = client.get("/projets/")
        assert response.context["page"].specific_class is DirectoryPage
        assert "Tous les projets de recherche financés et publiés" in response.content.decode()

    def test_sitemap_has_pages_and_projects(self, client, site_tree):
        body = client.get("/sitemap.xml").content.decode()
        assert "/programmes/phrcn/</loc>" in body
        assert "/a-propos/</loc>" in body
        assert f"/projets/{Project.objects.get(acronym='TELECARD').public_id}/</loc>" in body
