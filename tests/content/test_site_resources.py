"""Site-wide resources of the public site: French DSFR error pages with DEBUG off, robots.txt,
the API root, /donnees/latest/, the legal pages in the footer, French order of the facets."""

from __future__ import annotations

import pytest
from django.test import Client

from opendata import releases
from tests.factories import EstablishmentFactory, ProjectFactory
from workflows.models import Discipline, Programme


def test_robots_txt(client, db, settings):
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "User-agent: *" in text
    assert "Disallow: /admin/" in text and "Disallow: /portail/" in text
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in text
    assert client.get("/sitemap.xml").status_code == 200


def test_api_root_lists_endpoints_and_documentation(client, db):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    data = response.json()
    assert set(data["endpoints"]) == {"projects", "establishments", "calls", "tranches"}
    for url in [*data["endpoints"].values(), data["documentation"], data["schema"]]:
        assert client.get(url.removeprefix("http://testserver")).status_code == 200, url
    assert client.get("/api/v1/inconnu/").status_code == 404


LEGAL = {
    "Mentions légales": "/mentions-legales/",
    "Données personnelles": "/donnees-personnelles/",
    "Gestion des cookies": "/gestion-des-cookies/",
    "Accessibilité : non conforme": "/accessibilite/",
    "Plan du site": "/plan-du-site/",
}


@pytest.mark.django_db
class TestOnTheDemoSite:
    """Pages of the demo site, built once for the class (tests/conftest.py `demo_site`)."""

    def test_404_is_a_french_dsfr_page_with_debug_off(self, client, settings, demo_site):
        settings.DEBUG = False
        response = client.get("/cette-page-n-existe-pas/")
        body = response.content.decode()
        assert response.status_code == 404
        assert "Page non trouvée" in body and "Erreur 404" in body
        assert 'class="fr-header' in body and 'lang="fr"' in body
        assert "Not Found" not in body

    def test_500_is_a_french_dsfr_page_with_debug_off(self, settings, demo_site, monkeypatch):
        settings.DEBUG = False

        def broken():
            raise RuntimeError("panne simulée")

        monkeypatch.setattr(releases, "list_releases", broken)
        client = Client(raise_request_exception=False)
        response = client.get("/donnees/")
        body = response.content.decode()
        assert response.status_code == 500
        assert "Erreur inattendue" in body and "Erreur 500" in body
        assert "dsfr.min.css" in body and 'lang="fr"' in body
        assert "Server Error" not in body and "panne simulée" not in body

    def test_latest_release_page_shows_its_files(self, client, settings, tmp_path, demo_site):
        settings.RELEASES_ROOT = tmp_path / "releases"
        assert client.get("/donnees/latest/").status_code == 404  # nothing published yet
        release = releases.publish_release()
        response = client.get("/donnees/latest/")
        body = response.content.decode()
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-cache"
        for file in release.files:
            assert f"/donnees/{release.name}/{file.name}" in body
            assert file.sha256 in body
        assert f"/donnees/{release.name}/" in body  # the frozen address of this release
        assert client.get(f"/donnees/{release.name}/").status_code == 200
        assert client.get("/donnees/2001-01-01/").status_code == 404

    @pytest.mark.parametrize("url", ["/", "/projets/", "/donnees/", "/mentions-legales/"])
    def test_legal_pages_are_linked_from_the_footer(self, client, demo_site, url):
        from bs4 import BeautifulSoup

        footer = BeautifulSoup(client.get(url).content, "html.parser").find("footer")
        links = {a.get_text(strip=True): a["href"] for a in footer.select("a.fr-footer__bottom-link")}
        assert {label: links.get(label) for label in LEGAL} == LEGAL

    def test_legal_pages_say_what_they_must(self, client, demo_site):
        cookies = client.get("/gestion-des-cookies/").content.decode()
        assert "aucun cookie de mesure d'audience" in cookies.replace("&#x27;", "'")
        accessibility = client.get("/accessibilite/").content.decode()
        assert "RGAA" in accessibility and "non conforme" in accessibility
        sitemap = client.get("/plan-du-site/").content.decode()
        for url in ["/projets/", "/mentions-legales/", "/donnees/", "/api/v1/docs/", "/programmes/"]:
            assert f'href="{url}' in sitemap, url


def test_facets_show_programme_names_in_french_order(client, reference):
    genetics = Discipline.objects.create(code="genetique-test", label="Génétique")
    gyneco = Discipline.objects.create(code="gyneco-test", label="Gynécologie")
    for discipline, name in [(gyneco, "ÉTABLISSEMENT ÉLOIGNÉ"), (genetics, "CENTRE HOSPITALIER")]:
        ProjectFactory(discipline=discipline, establishment=EstablishmentFactory(name=name))
    response = client.get("/projets/")
    groups = {g["name"]: [o["label"] for o in g["options"]] for g in response.context["facet_groups"]}
    assert groups["discipline"].index("Génétique") < groups["discipline"].index("Gynécologie")
    assert groups["etablissement"] == sorted(groups["etablissement"], key=lambda n: n.replace("É", "E"))
    programme = Programme.objects.get(code=response.context["facet_groups"][0]["options"][0]["value"])
    assert groups["programme"][0] == f"{programme.name} ({programme.code})"


def test_applying_filters_with_all_establishments_is_not_an_error(client, project_a):
    """The form sends `etablissement=` ("Tous les établissements") and `q=`: no filter, no error."""
    code = project_a.call.programme.code
    response = client.get("/projets/", {"q": "", "programme": code, "etablissement": "", "tri": "-annee"})
    assert not response.context["filter"].errors
    assert [tag["label"] for tag in response.context["active_filters"]] == [
        next(o["label"] for g in response.context["facet_groups"] for o in g["options"] if o["value"] == code)
    ]
    assert "1 filtre actif" in response.content.decode()
    csv = client.get("/projets/resultats.csv", {"programme": code, "etablissement": ""})
    assert project_a.public_id in b"".join(csv.streaming_content).decode("utf-8-sig")


def test_favicon_ico_leads_to_the_dsfr_icon(client, db):
    """A file opened on its own (an SVG chart) has no <head>: browsers ask /favicon.ico, which was a
    404 logged as a console error on every chart download opened in a tab."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("/dsfr/dist/favicon/favicon.ico")
