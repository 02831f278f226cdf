"""Issue 25 §9: the admin's logout never leaves a live session behind a deleted cookie; the
lockout page says when to retry; HSTS asks browsers for preloading only when the operator does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]


def cookie_deleted(response, name: str) -> bool:
    morsel = response.cookies.get(name)
    return morsel is not None and (morsel["max-age"] == 0 or morsel.value == "")


def test_get_on_admin_logout_changes_nothing(client, settings, instructing_agent):
    client.force_login(instructing_agent)
    key = client.session.session_key
    response = client.get("/admin/logout/")
    assert response.status_code == 405
    assert not cookie_deleted(response, settings.SESSION_COOKIE_NAME)
    assert Session.objects.filter(session_key=key).exists()
    assert client.get("/admin/").status_code == 200


def test_post_on_admin_logout_ends_the_server_session(client, settings, instructing_agent):
    client.force_login(instructing_agent)
    key = client.session.session_key
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/admin/").status_code == 302


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_the_lockout_page_says_when_to_retry(client, settings, member_a):
    for _ in range(3):
        client.post(reverse("portal:login"), {"username": "alice", "password": "wrong"})
    response = client.post(reverse("portal:login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) == int(settings.AXES_COOLOFF_TIME * 3600)


def hsts_settings(**env: str) -> str:
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    code = (
        "from django.conf import settings; "
        "print(settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_PRELOAD, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    env = {**clean, "DJANGO_SETTINGS_MODULE": "sirano.settings", "SECRET_KEY": "x" * 50, **env}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_hsts_preload_only_when_asked():
    assert hsts_settings(SECURE_HSTS_SECONDS="31536000") == "31536000 False True"
    assert hsts_settings(SECURE_HSTS_SECONDS="31536000", SECURE_HSTS_PRELOAD="true") == "31536000 True True"


@override_settings(
    SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_PRELOAD=False, SECURE_HSTS_INCLUDE_SUBDOMAINS=True
)
def test_hsts_header_without_preload(client):
    response = client.get("/robots.txt", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
