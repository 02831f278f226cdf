"""The agents' admin writes French, not Wagtail's placeholder grammar: « Ajouter un projet », not
« Ajouter un(e) projet »; « rédacteur » with its accent (issue 27, item 10)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from wagtail.snippets.models import get_snippet_models

from tests.portal.test_french_everywhere import visible_text

pytestmark = pytest.mark.django_db

#: Wagtail's French catalogue writes « un(e) », « Aucun(e) », « nouveau(elle) », « redacteur ».
PLACEHOLDER_GRAMMAR = re.compile(r"\w\((?:e|elle)\)|\bredacteur\b", re.IGNORECASE)


def agents_snippet_index_urls() -> list[str]:
    return [
        reverse(model.snippet_viewset.get_url_name("list"))
        for model in get_snippet_models()
        if model._meta.app_label == "workflows"
    ]


def test_snippet_screens_use_french_articles(admin_client, project_a):
    urls = agents_snippet_index_urls()
    assert len(urls) >= 8
    found = {}
    for url in [*urls, f"{urls[0]}?q=introuvable", "/admin/"]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        # the sidebar's menus (help included) are JSON props in a script: read them raw too
        bad = PLACEHOLDER_GRAMMAR.findall(visible_text(html)) + PLACEHOLDER_GRAMMAR.findall(html)
        if bad:
            found[url] = sorted(set(bad))
    assert found == {}
    projects = admin_client.get(reverse("wagtailsnippets_workflows_project:list")).content.decode()
    assert "Ajouter un projet" in projects
    disciplines = admin_client.get(reverse("wagtailsnippets_workflows_discipline:list")).content.decode()
    assert "Ajouter une discipline" in disciplines


def test_project_form_choosers_in_french(admin_client, project_a):
    html = admin_client.get(reverse("wagtailsnippets_workflows_project:edit", args=[project_a.pk])).content
    assert PLACEHOLDER_GRAMMAR.findall(visible_text(html.decode())) == []


def test_help_menu_opens_the_agents_french_guide(admin_client, instructing_agent, client):
    home = admin_client.get("/admin/").content.decode()
    # the sidebar's help menu (JSON props): our guide, none of Wagtail's English pages
    assert "/admin/guide/" in home and "Guide des agents" in home
    assert "guide.wagtail.org" not in home and "docs.wagtail.org" not in home
    client.force_login(instructing_agent)
    guide = client.get("/admin/guide/")
    assert guide.status_code == 200
    text = visible_text(guide.content.decode())
    for section in ("second facteur", "À instruire", "demandez des compléments", "Imports de projets",
                    "Publications et rapports", "Délégations"):  # fmt: skip
        assert section in text
