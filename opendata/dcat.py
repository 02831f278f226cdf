"""The DCAT-AP catalogue of the open data, for data.gouv.fr's harvester and any DCAT reader.

One `dcat:Catalog` (DGOS, Licence Ouverte 2.0) lists one `dcat:Dataset` per file family: the
projects and the tranches (each published release is a `dcat:Distribution` of its CSV, with size,
SHA-256, dates) and the ministry-compatible file (one live distribution). Release facts come from
`opendata.releases`; every address is absolute, built from `settings.SITE_URL`.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from opendata import releases
from opendata.linked_data import IRI, Literal, Node, fr, to_jsonld, to_turtle, typed
from web.absolute_urls import absolute_url
from web.structured_data import DGOS_NAME, DGOS_URL, dgos_identifiers
from workflows import selectors

EU = "http://publications.europa.eu/resource/authority/"
THEME_HEALTH = EU + "data-theme/HEAL"
THEME_GOVERNMENT = EU + "data-theme/GOVE"
FRANCE = EU + "country/FRA"
FRENCH = EU + "language/FRA"
CSV_FORMAT = EU + "file-type/CSV"
CSV_MEDIA_TYPE = "https://www.iana.org/assignments/media-types/text/csv"
KEYWORDS = (
    "recherche clinique",
    "recherche appliquée en santé",
    "financement de la recherche",
    "appels à projets",
    "PHRC",
    "PREPS",
    "PHRIP",
    "PRME",
    "établissements de santé",
    "essais cliniques",
    "DGOS",
)

#: file family -> (release file, slug, title, description)
RELEASE_FAMILIES = (
    (
        releases.PROJECTS_CSV,
        "projets",
        "Projets de recherche appliquée en santé financés par la DGOS",
        "Une ligne par projet publié : appel à projets, année, établissement coordonnateur (FINESS, "
        "identifiant ROR), porteur, financement attribué, crédits délégués, avancement et "
        "registres d'essais. Publications datées et immuables, schéma Frictionless.",
    ),
    (
        releases.TRANCHES_CSV,
        "tranches",
        "Tranches de financement déléguées ou versées aux projets de recherche de la DGOS",
        "Une ligne par tranche déléguée ou versée (stock historique compris), reliée au projet par "
        "son identifiant stable. Publications datées et immuables, schéma Frictionless.",
    ),
)
COMPAT_SLUG = "fichier-historique"


def _url(name: str, *args) -> str:
    return absolute_url(reverse(name, args=args))


def catalogue_id() -> str:
    return _url("opendata:index") + "#catalogue"


def dataset_id(slug: str) -> str:
    return _url("opendata:index") + f"#{slug}"


def _publisher() -> Node:
    identifiers = dgos_identifiers()
    node = Node(identifiers[0] if identifiers else DGOS_URL, ["foaf:Organization"])
    node.add("foaf:name", fr(DGOS_NAME))
    node.add("foaf:homepage", IRI(DGOS_URL))
    node.add("owl:sameAs", *(IRI(i) for i in identifiers[1:]))
    return node


def _licence() -> Node:
    node = Node(releases.LICENSE["path"], ["dct:LicenseDocument"])
    return node.add("dct:title", fr(releases.LICENSE["title"]))


def _contact() -> Node:
    node = Node(None, ["vcard:Organization"])
    node.add("vcard:fn", fr("DGOS — données ouvertes SIRANo"))
    return node.add("vcard:hasEmail", IRI(f"mailto:{settings.OPENDATA_CONTACT_EMAIL}"))


def _period() -> Node | None:
    first, last = selectors.public_selection_period()
    if first is None:
        return None
    node = Node(None, ["dct:PeriodOfTime"])
    return node.add("dcat:startDate", typed(first.isoformat(), "xsd:date")).add(
        "dcat:endDate", typed(last.isoformat(), "xsd:date")
    )


def _moment(value) -> object:
    return typed(timezone.localtime(value).isoformat(timespec="seconds"), "xsd:dateTime")


def _dataset(slug: str, title: str, description: str, *, publisher, licence, period) -> Node:
    node = Node(dataset_id(slug), ["dcat:Dataset"])
    node.add("dct:identifier", typed(dataset_id(slug), "xsd:anyURI"))
    node.add("dct:title", fr(title))
    node.add("dct:description", fr(description))
    node.add("dct:publisher", publisher)
    node.add("dct:creator", publisher)
    node.add("dct:license", licence)
    node.add("dcat:theme", IRI(THEME_HEALTH), IRI(THEME_GOVERNMENT))
    node.add("dcat:keyword", *(fr(k) for k in KEYWORDS))
    node.add("dct:spatial", IRI(FRANCE))
    node.add("dct:language", IRI(FRENCH))
    node.add("dct:temporal", period)
    node.add("dcat:contactPoint", _contact())
    node.add("dcat:landingPage", IRI(_url("opendata:index")))
    return node


def _checksum(sha256: str) -> Node:
    node = Node(None, ["spdx:Checksum"])
    node.add("spdx:algorithm", IRI("http://spdx.org/rdf/terms#checksumAlgorithm_sha256"))
    return node.add("spdx:checksumValue", typed(sha256, "xsd:hexBinary"))


def _release_distribution(release: releases.Release, file: releases.ReleaseFile, title: str, licence) -> Node:
    page = _url("opendata:release", release.name)
    node = Node(f"{page}#{file.name}", ["dcat:Distribution"])
    node.add("dct:title", fr(f"{title} — publication {release.name} ({file.name})"))
    node.add("dcat:accessURL", IRI(page))
    node.add("dcat:downloadURL", IRI(_url("opendata:file", release.name, file.name)))
    node.add("dcat:mediaType", IRI(CSV_MEDIA_TYPE))
    node.add("dct:format", IRI(CSV_FORMAT))
    node.add("dcat:byteSize", typed(file.size, "xsd:nonNegativeInteger"))
    node.add("spdx:checksum", _checksum(file.sha256))
    node.add("dct:issued", _moment(release.created))
    node.add("dct:modified", _moment(release.created))
    node.add("dct:conformsTo", IRI(_url("opendata:file", release.name, releases.DATAPACKAGE)))
    return node.add("dct:license", licence)


def _compat_distribution(licence) -> Node:
    url = _url("opendata:compat")
    node = Node(f"{url}#distribution", ["dcat:Distribution"])
    node.add("dct:title", fr("sirano.csv — format historique du ministère (à jour en continu)"))
    node.add(
        "dct:description",
        fr(
            "14 colonnes séparées par « ; », encodage Windows-1252, virgule décimale : le fichier "
            "que lisent scanR et le Baromètre de la science ouverte, régénéré à chaque changement."
        ),
    )
    node.add("dcat:accessURL", IRI(_url("opendata:index")))
    node.add("dcat:downloadURL", IRI(url))
    node.add("dcat:mediaType", IRI(CSV_MEDIA_TYPE))
    node.add("dct:format", IRI(CSV_FORMAT))
    return node.add("dct:license", licence)


def build_catalogue() -> list[Node]:
    """The whole catalogue as one structure; both serialisations walk it."""
    publisher, licence, period = _publisher(), _licence(), _period()
    published = releases.list_releases()  # newest first
    catalogue = Node(catalogue_id(), ["dcat:Catalog"])
    catalogue.add("dct:title", fr("SIRANo — données ouvertes de la recherche appliquée en santé (DGOS)"))
    catalogue.add(
        "dct:description",
        fr(
            "Les projets de recherche appliquée en santé sélectionnés aux appels à projets de la DGOS "
            "(PHRC, PREPS, PHRIP, PRME, PRT…), leurs financements et les tranches déléguées, publiés "
            "par SIRANo sous Licence Ouverte 2.0."
        ),
    )
    catalogue.add("dct:publisher", publisher)
    catalogue.add("dct:license", licence)
    catalogue.add("dct:language", IRI(FRENCH))
    catalogue.add("foaf:homepage", IRI(_url("opendata:index")))
    catalogue.add("dcat:themeTaxonomy", IRI(EU + "data-theme"))
    if published:
        catalogue.add("dct:modified", _moment(published[0].created))
    for filename, slug, title, description in RELEASE_FAMILIES:
        dataset = _dataset(slug, title, description, publisher=publisher, licence=licence, period=period)
        for release in published:
            for file in release.files:
                if file.name == filename:
                    dataset.add("dcat:distribution", _release_distribution(release, file, title, licence))
        if published:
            dataset.add("dct:issued", _moment(published[-1].created))
            dataset.add("dct:modified", _moment(published[0].created))
            dataset.add("owl:versionInfo", Literal(published[0].name))
        catalogue.add("dcat:dataset", dataset)
    compat = _dataset(
        COMPAT_SLUG,
        "Projets financés par la DGOS — fichier au format historique du ministère",
        "Le fichier open data historique (une ligne par projet, 14 colonnes) au format que lisent "
        "scanR et le Baromètre français de la science ouverte, tiré en direct des projets publiés.",
        publisher=publisher,
        licence=licence,
        period=period,
    )
    compat.add("dcat:distribution", _compat_distribution(licence))
    catalogue.add("dcat:dataset", compat)
    return [catalogue]


def catalogue_jsonld() -> str:
    return to_jsonld(build_catalogue())


def catalogue_turtle() -> str:
    return to_turtle(build_catalogue())
