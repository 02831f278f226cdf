"""A page's breadcrumb starts with « Accueil », not the home page's full title (issue 27, item 10):
« Suivre la recherche en santé financée par l'État › Mentions légales » read as two pages deep."""

from __future__ import annotations

import re

import pytest
from wagtail.models import Site

from content.models import StandardPage


@pytest.mark.django_db
def test_legal_page_breadcrumb_starts_with_accueil(client):
    home = Site.objects.get(is_default_site=True).root_page.specific
    home.title = "Suivre la recherche en santé financée par l'État"
    home.save_revision().publish()
    page = home.add_child(instance=StandardPage(title="Mentions légales", slug="mentions-legales"))
    html = client.get(page.url).content.decode()
    crumbs = html[html.index('class="fr-breadcrumb__list"') :]
    links = re.findall(r'<a class="fr-breadcrumb__link"[^>]*>([^<]+)</a>', crumbs)
    assert links[:2] == ["Accueil", "Mentions légales"]
