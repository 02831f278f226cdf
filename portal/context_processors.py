"""Template context shared by every page: the site identity the DSFR templates expect."""

from __future__ import annotations


def site_identity(request) -> dict:
    from content.models import SiteIdentity

    try:
        identity = SiteIdentity.for_request(request)
    except SiteIdentity.DoesNotExist:  # no Wagtail site matches: fall back to the defaults
        identity = SiteIdentity()
    return {
        "SITE_CONFIG": identity,
        "skiplinks": [
            {"link": "#content", "label": "Contenu"},
            {"link": "#header-navigation", "label": "Menu"},
            {"link": "#footer", "label": "Pied de page"},
        ],
    }
