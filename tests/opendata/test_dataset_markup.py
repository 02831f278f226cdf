"""`/donnees/` carries a schema.org `Dataset` meeting Google's Dataset rich-result rules (name,
description of 50 to 5,000 characters, licence, creator, distributions with contentUrl and
encodingFormat), readable as RDF, and points to the DCAT catalogue with a link rel="alternate"."""

from __future__ import annotations

import datetime
import json
import re
from urllib.parse import urlsplit

import pytest
from rdflib import RDF, Graph, Namespace, URIRef

from opendata import releases
from tests.opendata.conftest import (
    PLANTED,
)

pytestmark = pytest.mark.django_db

SDO = Namespace("http://schema.org/")
SITE = "https://sirano.example.fr"
BLOCK_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
LOCAL_CONTEXT = {
    "@vocab": "http://schema.org/",
    "sameAs": {"@type": "@id"},
    "url": {"@type": "@id"},
    "license": {"@type": "@id"},
    "contentUrl": {"@type": "@id"},
}


@pytest.fixture
def page(client, settings, releases_root, published, funder_ids):
    settings.SITE_URL = SITE
    hidden = published["hidden"]
    hidden.selected_on = datetime.date(2001, 1, 1)
    hidden.save()
    release = releases.publish_release()
    body = client.get("/donnees/").content.decode()
    return {"body": body, "release": release}


def _dataset(body: str) -> dict:
    [text] = BLOCK_RE.findall(body)
    return json.loads(text)


def test_dataset_meets_googles_rich_result_rules(client, page):
    data = _dataset(page["body"])
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Dataset"
    assert data["name"].strip()
    assert 50 <= len(data["description"]) <= 5000
    assert data["license"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert data["creator"]["@type"] in ("Organization", "GovernmentOrganization", "Person")
    assert data["creator"]["name"].strip()
    assert data["distribution"]
    for download in data["distribution"]:
        assert download["@type"] == "DataDownload"
        assert download["encodingFormat"]
        parts = urlsplit(download["contentUrl"])
        assert f"{parts.scheme}://{parts.netloc}" == SITE
        assert client.get(parts.path).status_code == 200, download["contentUrl"]
    urls = {d["contentUrl"] for d in data["distribution"]}
    assert f"{SITE}/donnees/{page['release'].name}/projects.csv" in urls
    assert f"{SITE}/donnees/sirano.csv" in urls


def test_dataset_markup_is_rdf_and_names_dgos(page):
    data = _dataset(page["body"])
    graph = Graph().parse(data=json.dumps({**data, "@context": LOCAL_CONTEXT}), format="json-ld")
    [dataset] = graph.subjects(RDF.type, SDO.Dataset)
    assert graph.value(dataset, SDO.license) == URIRef(
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    )
    creator = graph.value(dataset, SDO.creator)
    assert URIRef("https://ror.org/01abcde97") in set(graph.objects(creator, SDO.sameAs))
    assert len(list(graph.objects(dataset, SDO.distribution))) == len(data["distribution"])


def test_page_links_to_the_catalogue(client, page):
    body = page["body"]
    link = re.search(r'<link rel="alternate" type="application/ld\+json" href="([^"]+)"', body)
    assert link and link.group(1) == f"{SITE}/donnees/catalogue.jsonld"
    response = client.get(urlsplit(link.group(1)).path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")


def test_dataset_markup_leaves_out_non_public_projects(page, published):
    data = _dataset(page["body"])
    text = json.dumps(data, ensure_ascii=False)
    for planted in PLANTED:
        assert planted not in text
    assert data["temporalCoverage"].startswith(published["public"].selected_on.isoformat())
