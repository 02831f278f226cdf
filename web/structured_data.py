"""Shared pieces of the machine-readable markup every face prints: absolute addresses from
`settings.SITE_URL` (never from the request: several hosts serve one site), DGOS as a schema.org
organisation with its persistent identifiers, and a JSON-LD data block safe inside HTML.

A `<script type="application/ld+json">` is a data block: browsers never execute it, so the
Content-Security-Policy's script-src does not apply and no nonce is needed (a nonce would also
defeat the anonymous page cache, which stores one body for every visitor).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

DGOS_NAME = "Direction générale de l'offre de soins (DGOS)"
DGOS_URL = "https://sante.gouv.fr/ministere/organisation/directions/article/dgos-direction-generale-de-l-offre-de-soins"
#: Characters that could close the script element or open a comment, escaped as JSON allows.
_HTML_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def ror_url(ror_id: str) -> str:
    return f"https://ror.org/{ror_id}"


def funder_doi_url(funder_id: str) -> str:
    return f"https://doi.org/10.13039/{funder_id}"


def dgos_identifiers() -> list[str]:
    """DGOS's ROR and Crossref Funder Registry addresses, those configured."""
    ids = []
    if settings.DGOS_ROR_ID:
        ids.append(ror_url(settings.DGOS_ROR_ID))
    if settings.DGOS_CROSSREF_FUNDER_ID:
        ids.append(funder_doi_url(settings.DGOS_CROSSREF_FUNDER_ID))
    return ids


def dgos_organization() -> dict:
    """DGOS as schema.org `GovernmentOrganization`, identified by ROR and Funder ID when set."""
    organization = {
        "@type": "GovernmentOrganization",
        "name": DGOS_NAME,
        "alternateName": "DGOS",
        "url": DGOS_URL,
    }
    identifiers = []
    if settings.DGOS_ROR_ID:
        identifiers.append(
            {"@type": "PropertyValue", "propertyID": "ROR", "value": ror_url(settings.DGOS_ROR_ID)}
        )
    if settings.DGOS_CROSSREF_FUNDER_ID:
        identifiers.append(
            {
                "@type": "PropertyValue",
                "propertyID": "Crossref Funder ID",
                "value": funder_doi_url(settings.DGOS_CROSSREF_FUNDER_ID),
            }
        )
    if identifiers:
        organization["identifier"] = identifiers
        organization["sameAs"] = dgos_identifiers()
    return organization


def json_ld_script(data: dict) -> SafeString:
    """`<script type="application/ld+json">` holding `data`; `<`, `>` and `&` are escaped so no
    text from the database can end the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1).translate(_HTML_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # escaped above
