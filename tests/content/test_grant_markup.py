"""Each public project page carries its grant as schema.org JSON-LD: valid RDF, DGOS as funder
with its identifiers, the establishment as recipient, the registrations as identifiers and
sameAs; public-tier values only, whoever reads; safe inside HTML and allowed by the CSP."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from tests.content.test_project_page import planted  # noqa: F401 — the planted-value fixture
from tests.factories import UserFactory
from workflows.models import TrialRegistration
from workflows.roles import Role

pytestmark = pytest.mark.django_db

SDO = Namespace("http://schema.org/")
BLOCK_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
#: schema.org's context, reduced to what the markup uses, so the test reads it offline.
LOCAL_CONTEXT = {"@vocab": "http://schema.org/", "sameAs": {"@type": "@id"}, "url": {"@type": "@id"}}
SITE = "https://sirano.example.fr"


def blocks(body: str) -> list[dict]:
    return [json.loads(text) for text in BLOCK_RE.findall(body)]


def as_graph(data: dict) -> Graph:
    assert data["@context"] == "https://schema.org"
    return Graph().parse(data=json.dumps({**data, "@context": LOCAL_CONTEXT}), format="json-ld")


@pytest.fixture
def funder_ids(settings):
    settings.DGOS_ROR_ID = "01abcde97"
    settings.DGOS_CROSSREF_FUNDER_ID = "501100000000"


@pytest.fixture
def registered(project_a, settings, funder_ids):
    settings.SITE_URL = SITE
    project_a.establishment.ror_id = "05f82e368"
    project_a.establishment.save()
    project_a.registrations.add(
        TrialRegistration.objects.create(registry="clinicaltrials", identifier="NCT01234567")
    )
    return project_a


def test_project_page_carries_its_grant_as_rdf(client, registered):
    body = client.get(f"/projets/{registered.public_id}/").content.decode()
    [data] = blocks(body)
    graph = as_graph(data)
    page = f"{SITE}/projets/{registered.public_id}/"
    grant = URIRef(f"{page}#financement")
    assert (grant, RDF.type, SDO.MonetaryGrant) in graph
    amount = graph.value(grant, SDO.amount)
    assert graph.value(amount, SDO.currency) == Literal("EUR")
    assert graph.value(amount, SDO.value) == Literal(f"{registered.award_amount:.2f}")

    funder = graph.value(grant, SDO.funder)
    assert set(graph.objects(funder, SDO.sameAs)) == {
        URIRef("https://ror.org/01abcde97"),
        URIRef("https://doi.org/10.13039/501100000000"),
    }
    research = URIRef(f"{page}#projet")
    assert (grant, SDO.fundedItem, research) in graph
    assert (research, RDF.type, SDO.ResearchProject) in graph
    assert graph.value(research, SDO.name) == Literal("ALPHA")
    assert graph.value(research, SDO.foundingDate) == Literal(registered.selected_on.isoformat())
    assert URIRef("https://clinicaltrials.gov/study/NCT01234567") in set(graph.objects(research, SDO.sameAs))
    values = {str(graph.value(i, SDO.value)) for i in graph.objects(research, SDO.identifier)}
    assert {"NCT01234567", registered.public_id} <= values
    recipient = graph.value(research, SDO.parentOrganization)
    assert graph.value(recipient, SDO.name) == Literal("HOSPICES CIVILS DE LYON")
    assert graph.value(recipient, SDO.sameAs) == URIRef("https://ror.org/05f82e368")
    assert (grant, SDO.fundedItem, recipient) in graph
    investigator = graph.value(research, SDO.member)
    assert str(graph.value(investigator, SDO.name)) == str(registered.investigator)


def test_markup_is_public_tier_for_every_reader(client, planted, project_a):  # noqa: F811
    url = f"/projets/{project_a.public_id}/"
    anonymous = blocks(client.get(url).content.decode())
    for roles in ([Role.EXPERT], [Role.INSTRUCTING_AGENT]):
        client.force_login(UserFactory(username=f"lecteur-{roles[0]}", roles=roles))
        assert blocks(client.get(url).content.decode()) == anonymous
    text = json.dumps(anonymous, ensure_ascii=False)
    assert "ALPHA" in text
    assert {key: value for key, value in planted.items() if value in text} == {}


def test_markup_cannot_close_its_script_element(client, registered):
    registered.title = "Étude </script><script>alert(1)</script> & <!-- suite"
    registered.save()
    response = client.get(f"/projets/{registered.public_id}/")
    body = response.content.decode()
    assert "<script>alert(1)" not in body
    [data] = blocks(body)
    assert data["fundedItem"][0]["alternateName"] == registered.title
    # A data block, not a script: the public pages' CSP keeps scripts to self and nonces.
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
