"""Template context shared by every page: the site identity the DSFR templates expect."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def site_identity(request) -> dict:
    from wagtail.models import Site

    from content.models import SiteIdentity

    site = Site.find_for_request(request)
    # Without a Wagtail site (a flushed test database) the defaults still render a valid page.
    identity = SiteIdentity.for_site(site) if site else SiteIdentity()
    return {
        "SITE_CONFIG": identity,
        # Lazy: one query, only when a template renders the footer.
        "legal_links": SimpleLazyObject(lambda: identity.legal_links(request)),
        "skiplinks": [
            {"link": "#content", "label": "Contenu"},
            {"link": "#header-navigation", "label": "Menu"},
            {"link": "#footer", "label": "Pied de page"},
        ],
    }
