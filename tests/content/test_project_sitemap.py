"""sitemap.xml lists every public project page at its canonical address (settings.SITE_URL, not
the request's host) with `lastmod`, the latest of the project's, its establishment's and its
public tranches' changes; internal projects never appear."""

from __future__ import annotations

import datetime
import re

import pytest

from tests.factories import ProjectFactory
from workflows.models import Establishment, Project, Visibility

pytestmark = pytest.mark.django_db

SITE = "https://sirano.example.fr"


def _moment(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T10:00:00+00:00")


@pytest.fixture
def sitemap(client, settings, project_a, project_b, reference):
    from demo.site import ensure_home

    ensure_home()  # Wagtail's half of the sitemap needs a site
    settings.SITE_URL = SITE
    hidden = ProjectFactory(acronym="CACHE", visibility=Visibility.INTERNAL)
    Project.objects.filter(pk=project_a.pk).update(updated_at=_moment("2026-03-01"))
    Establishment.objects.filter(pk=project_a.establishment_id).update(updated_at=_moment("2026-05-02"))
    Project.objects.filter(pk=project_b.pk).update(updated_at=_moment("2026-04-03"))
    Establishment.objects.filter(pk=project_b.establishment_id).update(updated_at=_moment("2020-01-01"))
    body = client.get("/sitemap.xml", HTTP_HOST="testserver").content.decode()
    return {"body": body, "hidden": hidden}


def _entry(body: str, public_id: str) -> str:
    match = re.search(rf"<url><loc>([^<]*/projets/{public_id}/)</loc><lastmod>([^<]+)</lastmod>", body)
    assert match, f"{public_id} missing or without lastmod"
    return match.groups()


def test_public_projects_listed_with_canonical_address_and_lastmod(sitemap, project_a, project_b):
    loc, lastmod = _entry(sitemap["body"], project_a.public_id)
    assert loc == f"{SITE}/projets/{project_a.public_id}/"
    assert lastmod == "2026-05-02"  # its establishment changed after it
    assert _entry(sitemap["body"], project_b.public_id)[1] == "2026-04-03"


def test_internal_projects_never_listed(sitemap):
    hidden = sitemap["hidden"]
    assert hidden.public_id not in sitemap["body"]
