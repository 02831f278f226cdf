"""Template context shared by every page: the site identity the DSFR templates expect."""

from __future__ import annotations

from web.process_memo import under_content_version


def _identity_of(request) -> tuple:
    from wagtail.models import Site

    from content.models import SiteIdentity

    site = Site.find_for_request(request)
    # Without a Wagtail site (a flushed test database) the defaults still render a valid page.
    identity = SiteIdentity.for_site(site) if site else SiteIdentity()
    return identity, identity.legal_links(request)


def site_identity(request) -> dict:
    # Read once per content version and host (`web.process_memo`), not on every page.
    identity, legal_links = under_content_version(
        "site-identity", (request.get_host(),), lambda: _identity_of(request)
    )
    return {
        "SITE_CONFIG": identity,
        "legal_links": legal_links,
        "skiplinks": [
            {"link": "#content", "label": "Contenu"},
            {"link": "#header-navigation", "label": "Menu"},
            {"link": "#footer", "label": "Pied de page"},
        ],
    }
