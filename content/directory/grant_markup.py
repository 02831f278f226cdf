"""schema.org markup of a project page: the grant (`MonetaryGrant`) DGOS awarded, for search
engines and the bibliometric services that link grants to funders and institutions.

Built only from the public tier's values (`presenters.project_values(..., Tier.PUBLIC)`), whoever
is reading: the markup is the same for everyone and is stored in the anonymous page cache.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from content.directory import presenters
from web.absolute_urls import absolute_url
from web.structured_data import dgos_organization, ror_url
from workflows.models import Project
from workflows.visibility import Tier

#: registry code -> the name schema.org readers (and OpenAlex, the Open Science Barometer) know it by
REGISTRY_NAMES = {
    "clinicaltrials": "ClinicalTrials.gov",
    "eudract": "EudraCT",
    "euct": "EU CT (CTIS)",
    "idrcb": "ID-RCB",
    "isrctn": "ISRCTN",
    "prospero": "PROSPERO",
}


def _establishment(values: dict) -> dict:
    finess = values["establishment_finess"]["value"]
    ror_id = values.get("establishment_ror_id", {}).get("value")
    organization = {
        "@type": "Organization",
        # Named, so the grant's recipient and the project's establishment are one node.
        "@id": ror_url(ror_id)
        if ror_id
        else absolute_url(f"{reverse('projects:list')}?etablissement={finess}"),
        "name": values["establishment"]["value"],
        "identifier": [{"@type": "PropertyValue", "propertyID": "FINESS", "value": finess}],
    }
    if ror_id:
        organization["identifier"].append(
            {"@type": "PropertyValue", "propertyID": "ROR", "value": ror_url(ror_id)}
        )
        organization["sameAs"] = ror_url(ror_id)
    return organization


def _registrations(values: dict) -> list:
    return list(values.get("registrations", {}).get("value") or [])


def grant_json_ld(project: Project, page_url: str, public_values: dict | None = None) -> dict:
    """The grant awarded to `project`, funded by DGOS, received by its coordinating establishment.
    `public_values`: `presenters.project_values(project, Tier.PUBLIC)` when the caller has them."""
    values = public_values if public_values is not None else presenters.project_values(project, Tier.PUBLIC)
    registrations = _registrations(values)
    recipient = _establishment(values)
    research_project = {
        "@type": "ResearchProject",
        "@id": f"{page_url}#projet",
        "name": values["acronym"]["value"],
        "alternateName": values["title"]["value"],
        "url": page_url,
        "identifier": [
            {"@type": "PropertyValue", "propertyID": "SIRANo", "value": values["public_id"]["value"]},
            *(
                {
                    "@type": "PropertyValue",
                    "propertyID": REGISTRY_NAMES.get(r.registry, r.registry),
                    "value": r.identifier,
                    "url": r.url,
                }
                for r in registrations
            ),
        ],
        # schema.org Date accepts a year alone: what the source gave, never a made-up day
        "foundingDate": (
            values["selected_on"]["value"].isoformat()
            if values["selected_on"]["value"]
            else str(values["selected_on"]["year"])
        ),
        "funder": dgos_organization(),
        "parentOrganization": recipient,
    }
    if values.get("summary", {}).get("value"):
        research_project["description"] = values["summary"]["value"]
    if registrations:
        research_project["sameAs"] = [r.url for r in registrations]
    investigator = values.get("investigator", {}).get("value")
    if investigator:
        research_project["member"] = {
            "@type": "Person",
            "name": investigator,
            "affiliation": {"@type": "Organization", "name": recipient["name"]},
        }
    if values.get("discipline", {}).get("value"):
        research_project["keywords"] = values["discipline"]["value"]
    if values.get("results_url", {}).get("value"):
        results = {"@type": "WebPage", "url": values["results_url"]["value"]}
        if values.get("results_posted_on", {}).get("value"):
            results["datePublished"] = values["results_posted_on"]["value"].isoformat()
        research_project["subjectOf"] = results
    amount: Decimal = values["award_amount"]["value"]
    return {
        "@context": "https://schema.org",
        "@type": "MonetaryGrant",
        "@id": f"{page_url}#financement",
        "name": f"{values['call']['value']} {values['year']['value']} — {values['acronym']['value']}",
        "identifier": values["public_id"]["value"],
        "url": page_url,
        "amount": {"@type": "MonetaryAmount", "value": f"{amount:.2f}", "currency": "EUR"},
        "funder": dgos_organization(),
        "fundedItem": [research_project, recipient],
    }
