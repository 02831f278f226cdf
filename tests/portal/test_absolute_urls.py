"""Issue 22 point 6 and issue 24 point 5: every absolute address comes from `SITE_URL`.

A request's `Host` and `X-Forwarded-Proto` are the client's to choose: links built from them go
into sitemaps, e-mails and stored pages that other people read.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import ProjectFactory

SITE = "https://sirano.example.gouv.fr"
FORGED = {"HTTP_HOST": "127.0.0.1:6666", "HTTP_X_FORWARDED_PROTO": "https"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<\"']+", text)


def test_sitemap_lists_site_url_addresses(client, demo_site):
    body = client.get("/sitemap.xml", **FORGED).content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", body)
    project = demo_site["projects"][0]
    assert f"{SITE}/projets/{project.public_id}/" in locations
    assert f"{SITE}/" in locations  # a Wagtail page (the home page)
    assert [url for url in locations if not url.startswith(f"{SITE}/")] == []


def test_robots_txt_names_the_sitemap_at_site_url(client, db):
    assert f"Sitemap: {SITE}/sitemap.xml" in client.get("/robots.txt", **FORGED).content.decode()


def test_password_reset_link_comes_from_site_url(client, member_a):
    client.post(reverse("portal:password_reset"), {"email": member_a.email}, **FORGED)
    (message,) = mail.outbox
    assert links(message.body)
    assert [url for url in links(message.body) if not url.startswith(f"{SITE}/portail/")] == []


def test_notification_links_come_from_site_url(
    client_a, complete_draft_a, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            reverse("portal:request_submit", args=[complete_draft_a.pk]), {"comment": ""}, **FORGED
        )
    assert response.status_code == 302
    bodies = "\n".join(message.body for message in mail.outbox)
    assert f"{SITE}/admin/bureau/demandes/{complete_draft_a.pk}/" in bodies
    assert f"{SITE}/portail/demandes/{complete_draft_a.pk}/" in bodies
    assert [url for url in links(bodies) if not url.startswith(f"{SITE}/")] == []


def test_a_forged_host_does_not_reach_the_stored_project_page(client, reference):
    project = ProjectFactory()
    path = f"/projets/{project.public_id}/"
    client.get(path, **FORGED)  # first after a data-version change: the page is stored
    body = client.get(path).content.decode()  # an ordinary visitor
    assert f'<link rel="canonical" href="{SITE}{path}">' in body
    assert f'<meta property="og:url" content="{SITE}{path}">' in body
    assert "6666" not in body


def test_wagtail_pages_canonical_comes_from_site_url(client, demo_site):
    body = client.get("/mentions-legales/", **FORGED).content.decode()
    assert f'<link rel="canonical" href="{SITE}/mentions-legales/">' in body
    assert f'<meta property="og:url" content="{SITE}/mentions-legales/">' in body


def test_api_links_come_from_site_url(client, reference, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    ProjectFactory.create_batch(2)
    client.get("/api/v1/projects/?page_size=1", **FORGED)  # stored for everyone
    answer = client.get("/api/v1/projects/?page_size=1")
    assert answer.json()["next"].startswith(f"{SITE}/api/v1/projects/?")
    assert f"<{SITE}/api/v1/projects/?" in answer["Link"]
    assert client.get("/api/v1/", **FORGED).json()["endpoints"]["projects"] == f"{SITE}/api/v1/projects/"
