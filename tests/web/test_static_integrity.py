"""Issue 22, observation 1: after `collectstatic` (manifest storage, as in production) browsers refused
the DSFR stylesheets because their `integrity` was django-dsfr's digest of the files before the manifest
rewrote the URLs inside them; every page fell back to Times New Roman."""

from __future__ import annotations

import base64
import hashlib

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command


@pytest.fixture
def collected(settings, tmp_path):
    """collectstatic into a throwaway STATIC_ROOT with the manifest storage of production."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    return settings.STATIC_ROOT


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


@pytest.mark.django_db
def test_integrity_matches_the_files_collectstatic_wrote(client, collected):
    html = client.get("/portail/connexion/").content.decode()
    pinned = BeautifulSoup(html, "html.parser").select("link[integrity], script[integrity]")
    # The DSFR and utility stylesheets, the module and nomodule scripts: none may lose its pin.
    assert len(pinned) == 4
    for element in pinned:
        url = element.get("href") or element.get("src")
        assert url.startswith("/static/dsfr/")
        served = (collected / url.removeprefix("/static/")).read_bytes()
        assert element["integrity"] == sri(served), url
