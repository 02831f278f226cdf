"""Template context shared by every page: the site identity the DSFR templates expect."""

from __future__ import annotations


def site_identity(request) -> dict:
    from content.models import SiteIdentity

    try:
        identity = SiteIdentity.for_request(request)  # a site setting: BaseSiteSetting has no .load()
    except SiteIdentity.DoesNotExist:  # no Wagtail Site matches (fresh database): defaults
        identity = SiteIdentity()
    return {
        "SITE_CONFIG": identity,
        "skiplinks": [
            {"link": "#content", "label": "Contenu"},
            {"link": "#header-navigation", "label": "Menu"},
            {"link": "#footer", "label": "Pied de page"},
        ],
    }
