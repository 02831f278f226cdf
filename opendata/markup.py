"""schema.org `Dataset` markup of `/donnees/`, for dataset search engines (Google Dataset Search
reads name, description, licence, creator and each distribution's contentUrl and encodingFormat).

It says what the DCAT catalogue says (`opendata.dcat`), in the vocabulary those engines read:
the latest release's files at their dated, immutable addresses, plus the historical file.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from opendata import dcat, releases
from web.absolute_urls import absolute_url
from web.structured_data import dgos_organization
from workflows import selectors

DESCRIPTION = (
    "Les projets de recherche appliquée en santé sélectionnés aux appels à projets de la Direction "
    "générale de l'offre de soins (PHRC, PREPS, PHRIP, PRME, PRT…) : établissement coordonnateur, "
    "porteur, financement attribué, tranches déléguées et versées, registres d'essais. Publications "
    "datées, immuables et décrites par un schéma Frictionless, sous Licence Ouverte 2.0."
)
FORMATS = {
    releases.PROJECTS_CSV: "text/csv",
    releases.TRANCHES_CSV: "text/csv",
    releases.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    releases.DATAPACKAGE: "application/json",
}


def _download(name: str, url: str, encoding: str, size: int | None = None) -> dict:
    download = {"@type": "DataDownload", "name": name, "contentUrl": url, "encodingFormat": encoding}
    if size is not None:
        download["contentSize"] = f"{size} B"
    return download


def dataset_json_ld() -> dict:
    index = absolute_url(reverse("opendata:index"))
    latest = next(iter(releases.list_releases()), None)
    distributions = []
    if latest is not None:
        for file in latest.files:
            if file.name in FORMATS:
                url = absolute_url(reverse("opendata:file", args=[latest.name, file.name]))
                distributions.append(
                    _download(f"{file.name} ({latest.name})", url, FORMATS[file.name], file.size)
                )
    distributions.append(
        _download(
            "sirano.csv (format historique du ministère)",
            absolute_url(reverse("opendata:compat")),
            "text/csv",
        )
    )
    dgos = dgos_organization()
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": f"{index}#jeu-de-donnees",
        "name": "SIRANo : projets de recherche appliquée en santé financés par la DGOS",
        "description": DESCRIPTION,
        "url": index,
        "sameAs": absolute_url(reverse("opendata:catalogue_jsonld")),
        "license": releases.LICENSE["path"],
        "isAccessibleForFree": True,
        "inLanguage": "fr",
        "keywords": list(dcat.KEYWORDS),
        "creator": dgos,
        "publisher": dgos,
        "spatialCoverage": {"@type": "Place", "name": "France"},
        "distribution": distributions,
    }
    first, last = selectors.public_selection_period()
    if first is not None:
        data["temporalCoverage"] = f"{first.isoformat()}/{last.isoformat()}"
    if latest is not None:
        data["version"] = latest.name
        data["dateModified"] = timezone.localtime(latest.created).isoformat(timespec="seconds")
    return data
