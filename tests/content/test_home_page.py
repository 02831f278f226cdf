"""`/` serves SIRANo's French DSFR home page right after migrate (data migration, idempotent)."""

import importlib

import pytest
from django.apps import apps
from wagtail.models import Page, Site

from content.models import HomePage

pytestmark = pytest.mark.django_db
migration = importlib.import_module("content.migrations.0002_homepage_at_site_root")


def test_home_page_is_the_default_site_root_after_migrate():
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert not Page.objects.filter(depth=2).exclude(pk=site.root_page_id).exists()  # welcome page gone
    assert Page.objects.get(depth=1).numchild == 1


def test_home_page_renders_in_french_with_dsfr_markup(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "content/home_page.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert '<html lang="fr"' in html
    for marker in (
        'class="fr-skiplinks"',
        'class="fr-header"',
        'id="content"',
        'class="fr-footer"',
        "dsfr.min.css",
    ):
        assert marker in html
    assert "<h1>SIRANo — projets de recherche appliquée en santé financés par la DGOS</h1>" in html
    assert (
        "Direction générale de l&#x27;offre de soins" in html
        or "Direction générale de l'offre de soins" in html
    )
    assert "Espace établissements" in html
    assert "Welcome to your new Wagtail site" not in html


def test_migration_is_idempotent_and_reversible(client):
    home = HomePage.objects.get()
    migration.create_homepage(apps, None)
    assert list(HomePage.objects.all()) == [home]

    migration.remove_homepage(apps, None)
    assert not HomePage.objects.exists()
    root = Site.objects.get(is_default_site=True).root_page
    assert root.specific_class is Page and root.depth == 2

    migration.create_homepage(apps, None)
    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage
    assert Page.objects.filter(depth=2).count() == 1
    assert client.get("/").status_code == 200
