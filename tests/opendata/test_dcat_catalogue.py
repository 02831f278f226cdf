"""The DCAT-AP catalogue data.gouv.fr harvests: valid RDF in JSON-LD and Turtle (the same graph),
the properties a harvester needs, distributions that match the release files and answer 200, and
nothing of a non-public project."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from opendata import releases
from tests.opendata.conftest import (
    PLANTED,
)

pytestmark = pytest.mark.django_db

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SITE = "https://sirano.example.fr"


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = SITE
    return SITE


@pytest.fixture
def two_releases(releases_root, published, site_url):
    """Two releases (the second on the same day is `-2`); the hidden project is selected earlier."""
    hidden = published["hidden"]
    hidden.selected_on = datetime.date(2001, 1, 1)
    hidden.save()
    first = releases.publish_release()
    second = releases.publish_release()
    return [second, first]


def _graph(client, path: str, fmt: str, content_type: str) -> tuple[Graph, str]:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    text = response.content.decode("utf-8")
    return Graph().parse(data=text, format=fmt, publicID=SITE), text


def test_jsonld_and_turtle_are_the_same_valid_graph(client, two_releases):
    jsonld, _ = _graph(client, "/donnees/catalogue.jsonld", "json-ld", "application/ld+json; charset=utf-8")
    turtle, _ = _graph(client, "/donnees/catalogue.ttl", "turtle", "text/turtle; charset=utf-8")
    assert len(jsonld) > 50
    assert isomorphic(jsonld, turtle)


def test_catalogue_has_what_a_dcat_ap_harvester_requires(client, two_releases, funder_ids):
    graph, _ = _graph(client, "/donnees/catalogue.jsonld", "json-ld", "application/ld+json; charset=utf-8")
    [catalogue] = graph.subjects(RDF.type, DCAT.Catalog)
    for predicate in (DCT.title, DCT.description, DCT.publisher, DCT.license):
        assert graph.value(catalogue, predicate) is not None, predicate
    publisher = graph.value(catalogue, DCT.publisher)
    assert publisher == URIRef("https://ror.org/01abcde97")
    assert "Direction générale de l'offre de soins" in str(graph.value(publisher, FOAF.name))
    assert graph.value(catalogue, DCT.license) == URIRef(
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    )

    datasets = {str(d).rsplit("#", 1)[1]: d for d in graph.objects(catalogue, DCAT.dataset)}
    assert set(datasets) == {"projets", "tranches", "fichier-historique"}
    for dataset in datasets.values():
        assert graph.value(dataset, DCT.title).language == "fr"
        assert graph.value(dataset, DCT.description) is not None
        assert graph.value(dataset, DCT.publisher) == publisher
        assert URIRef("http://publications.europa.eu/resource/authority/data-theme/HEAL") in set(
            graph.objects(dataset, DCAT.theme)
        )
        assert Literal("recherche clinique", lang="fr") in set(graph.objects(dataset, DCAT.keyword))
        contact = graph.value(dataset, DCAT.contactPoint)
        assert str(graph.value(contact, VCARD.hasEmail)).startswith("mailto:")
        period = graph.value(dataset, DCT.temporal)
        assert graph.value(period, DCAT.startDate).toPython() <= graph.value(period, DCAT.endDate).toPython()

    # Every release's CSV is a distribution of its family, with the release's size and SHA-256.
    for filename, slug in (("projects.csv", "projets"), ("tranches.csv", "tranches")):
        distributions = list(graph.objects(datasets[slug], DCAT.distribution))
        assert len(distributions) == len(two_releases)
        for release in two_releases:
            [file] = [f for f in release.files if f.name == filename]
            url = URIRef(f"{SITE}/donnees/{release.name}/{filename}")
            [distribution] = graph.subjects(DCAT.downloadURL, url)
            assert distribution in distributions
            assert graph.value(distribution, DCAT.byteSize).toPython() == file.size
            assert graph.value(distribution, DCAT.mediaType) == URIRef(
                "https://www.iana.org/assignments/media-types/text/csv"
            )
            checksum = graph.value(distribution, SPDX.checksum)
            assert graph.value(checksum, RDF.type) == SPDX.Checksum
            assert str(graph.value(checksum, SPDX.checksumValue)) == file.sha256
            assert graph.value(distribution, DCT.issued).toPython() == release.created.replace(microsecond=0)
            assert graph.value(distribution, DCT.modified) is not None
            assert graph.value(distribution, DCAT.accessURL) == URIRef(f"{SITE}/donnees/{release.name}/")


def test_every_distribution_url_answers_200(client, two_releases):
    graph, _ = _graph(client, "/donnees/catalogue.ttl", "turtle", "text/turtle; charset=utf-8")
    urls = {str(u) for p in (DCAT.downloadURL, DCAT.accessURL) for u in graph.objects(None, p)}
    assert len(urls) == 2 * 2 + 2 + 2  # two files and one page per release, sirano.csv, /donnees/
    for url in sorted(urls):
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == SITE, url  # from SITE_URL, never the request
        response = client.get(parts.path)
        assert response.status_code == 200, url


def test_temporal_coverage_and_text_leave_out_non_public_projects(client, two_releases, published):
    graph, text = _graph(client, "/donnees/catalogue.jsonld", "json-ld", "application/ld+json; charset=utf-8")
    for planted in PLANTED:
        assert planted not in text
    [dataset] = [d for d in graph.subjects(RDF.type, DCAT.Dataset) if str(d).endswith("#projets")]
    period = graph.value(dataset, DCT.temporal)
    assert graph.value(period, DCAT.startDate).toPython() == published["public"].selected_on


def test_catalogue_without_release_still_lists_the_historical_file(
    client, releases_root, site_url, reference
):
    graph, _ = _graph(client, "/donnees/catalogue.ttl", "turtle", "text/turtle; charset=utf-8")
    assert list(graph.objects(None, DCAT.downloadURL)) == [URIRef(f"{SITE}/donnees/sirano.csv")]
