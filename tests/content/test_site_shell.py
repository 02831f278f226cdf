"""The site's shell (header, footer, skip links, display settings) is rendered once per content
version in each process (`content.templatetags.site_shell`), and the content version is read
once per request (`web.page_store.VersionsPerRequest`)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from web import page_store
from workflows.roles import Role

pytestmark = pytest.mark.django_db

SHELL = ("site/header.html", "site/footer.html", "dsfr/skiplinks.html", "dsfr/theme_modale.html")


def _shell_rendered(response) -> set[str]:
    return {t.name for t in response.templates} & set(SHELL)


def test_the_shell_is_rendered_once_per_content_version(client, project_a, project_b):
    first = client.get(f"/projets/{project_a.public_id}/")
    assert _shell_rendered(first) == set(SHELL)
    other = client.get(f"/projets/{project_b.public_id}/")
    assert _shell_rendered(other) == set()
    assert 'id="footer"' in other.content.decode() and "fr-header" in other.content.decode()
    page_store.bump_content_version()  # an editor published: the footer links may have changed
    assert _shell_rendered(client.get(f"/projets/{project_a.public_id}/")) == set(SHELL)


def test_the_menu_marks_the_page_s_own_section(client, project_a):
    sections = {
        "/projets/": "/projets/",
        f"/projets/{project_a.public_id}/": "/projets/",
        "/indicateurs/": "/indicateurs/",
        "/donnees/": "/donnees/",
        "/portail/connexion/": None,
    }
    for _round in range(2):  # rendered, then kept
        for path, current in sections.items():
            body = client.get(path).content.decode()
            marked = re.findall(r'class="fr-nav__link" href="([^"]+)" aria-current="page"', body)
            assert marked == ([current] if current else []), path


def test_a_signed_in_header_is_never_kept(client, project_a):
    anonymous = client.get("/projets/").content.decode()
    assert "Se déconnecter" not in anonymous and "Espace établissements" in anonymous
    client.force_login(UserFactory(username="experte", roles=[Role.EXPERT]))
    signed_in = client.get("/projets/").content.decode()
    assert "Se déconnecter" in signed_in and "Espace établissements" not in signed_in
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', signed_in).group(1)
    client.logout()
    again = client.get("/projets/").content.decode()
    assert "Se déconnecter" not in again and token not in again


def test_the_content_version_is_read_once_per_request(client, project_a, database_cache):
    client.get("/projets/")  # the content version and the site identity exist
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/projets/{project_a.public_id}/").status_code == 200
    reads = [
        q for q in queries.captured_queries if "pages:content-version" in q["sql"] and "SELECT" in q["sql"]
    ]
    assert len(reads) == 1
