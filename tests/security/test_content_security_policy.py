"""Issue 13 item 8: Content-Security-Policy and Permissions-Policy on every response, strict on the
public site and portal, nonced scripts in the API docs, inline scripts from itself in the Wagtail admin
(its date pickers and inline panels print <script> without a nonce), and no
request to a third party (Gravatar, Wagtail's update check, CDNs)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


PUBLIC = [
    "/portail/mot-de-passe-oublie/",
    "/portail/connexion/",
    "/donnees/",
    "/api/v1/projects/",
    "/sitemap.xml",
    "/n-existe-pas/",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_public_and_portal_responses_are_strict(client, reference, path):
    response = client.get(path)
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive] and "'unsafe-eval'" not in policy[directive]
        assert all(source == "'self'" or source.startswith("'nonce-") for source in policy[directive])
    assert (
        "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    )


def test_public_pages_carry_no_inline_script_or_style(client, reference):
    html = client.get("/portail/connexion/").content.decode()
    assert not re.search(
        r"<script(?![^>]*\bsrc=)(?![^>]*nonce=)(?![^>]*type=\"application/json\")[^>]*>", html
    )
    assert ' style="' not in html and "<style" not in html


def test_admin_allows_no_origin_but_itself(client, db):
    policy = directives(client.get("/admin/login/"))
    # Exactly these two: a nonce beside 'unsafe-inline' would make browsers ignore it and break
    # Wagtail's own widgets.
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["default-src"] == ["'self'"] and policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]


@pytest.mark.parametrize("path", ["/api/v1/docs/"])
def test_docs_allow_inline_styles_but_only_nonced_scripts(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = directives(response)
    assert "'unsafe-inline'" not in policy["script-src"]
    assert all(source == "'self'" or source.startswith("'nonce-") for source in policy["script-src"])
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or "nonce=" in tag or "application/json" in tag, tag
    assert "Permissions-Policy" in response


def test_nothing_phones_home(admin_client):
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    html = admin_client.get("/admin/").content.decode()
    for host in (
        "gravatar.com",
        "releases.wagtail.io",
        "wagtail.org/wagtail-",
        "cdn.",
        "unpkg.com",
        "jsdelivr",
    ):
        assert host not in html
    assert "swagger-ui-bundle.js" in admin_client.get("/api/v1/docs/").content.decode()
