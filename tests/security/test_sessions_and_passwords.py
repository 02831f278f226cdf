"""Issue 13 §9: sessions expire (30 min idle, 8 h absolute), passwords have 12 characters at
least, reset e-mails are rate-limited per address and per client, reset links last hours."""

from __future__ import annotations

import datetime
import time
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "sirano-test-pw"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def sign_in(client, username):
    response = client.post(reverse("portal:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return time.time()


def later(start, seconds):
    return mock.patch("web.session_timeouts.time.time", return_value=start + seconds)


def test_agent_session_ends_after_30_minutes_idle(client, instructing_agent):
    start = sign_in(client, "instructeur")
    with later(start, 29 * 60):
        assert client.get("/admin/").status_code == 200
    with later(start, 29 * 60 + 31 * 60):
        response = client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_active_session_ends_after_8_hours(client, member_a):
    start = sign_in(client, "alice")
    for minutes in range(20, 8 * 60, 20):  # a request every 20 minutes keeps it alive…
        with later(start, minutes * 60):
            assert client.get(reverse("portal:dashboard")).status_code == 200
    with later(start, 8 * 60 * 60 + 60):  # …until eight hours after sign-in
        response = client.get(reverse("portal:dashboard"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("portal:login"))
    assert "Votre session a expiré" in response.content.decode()
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError, match="12"):
        validate_password("Zq8!vL2#pW4")  # 11 characters
    validate_password("Zq8!vL2#pW4x")


def test_reset_links_are_valid_for_hours_not_days(member_a):
    assert settings.PASSWORD_RESET_TIMEOUT <= 6 * 60 * 60
    token = default_token_generator.make_token(member_a)
    with mock.patch.object(default_token_generator, "_now", return_value=_future(7 * 60 * 60)):
        assert not default_token_generator.check_token(member_a, token)


def _future(seconds):
    return datetime.datetime.now() + datetime.timedelta(seconds=seconds)


def test_reset_emails_are_limited_per_address(client, member_a):
    for _ in range(6):
        response = client.post(reverse("portal:password_reset"), {"email": member_a.email})
        assert response["Location"] == reverse("portal:password_reset_done")  # same answer each time
    assert len(mail.outbox) == settings.PASSWORD_RESET_PER_EMAIL


def test_reset_requests_are_limited_per_client(client, member_a, member_b):
    statuses = [
        client.post(
            reverse("portal:password_reset"), {"email": f"personne{n}@example.org"}, REMOTE_ADDR="192.0.2.5"
        ).status_code
        for n in range(settings.PASSWORD_RESET_PER_CLIENT + 1)
    ]
    assert statuses[:-1] == [302] * settings.PASSWORD_RESET_PER_CLIENT
    assert statuses[-1] == 429
    refused = client.post(
        reverse("portal:password_reset"), {"email": member_a.email}, REMOTE_ADDR="192.0.2.5"
    )
    assert "Trop de demandes de réinitialisation" in refused.content.decode()
    assert mail.outbox == []
    # Another client is not affected.
    other = client.post(reverse("portal:password_reset"), {"email": member_b.email}, REMOTE_ADDR="192.0.2.6")
    assert other.status_code == 302 and len(mail.outbox) == 1
