"""Issue 13 §4: the lockout cannot be turned into a denial of service.

Failures lock one account from one address. Five failures from five addresses do not lock the
account for its owner; five bad usernames from one address (everyone behind one proxy) do not
lock the other accounts behind it; the address is read through the configured proxy count.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from web.client_address import client_address

pytestmark = pytest.mark.django_db

PASSWORD = "sirano-test-pw"
LOCKED = "Trop de tentatives de connexion ont échoué pour ce compte depuis cette adresse"


def login(client, username, password, **meta):
    return client.post(reverse("portal:login"), {"username": username, "password": password}, **meta)


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_failures_from_many_addresses_do_not_lock_the_owner(client, member_a):
    for n in range(5):
        login(client, "alice", "wrong", REMOTE_ADDR=f"198.51.100.{n}")
    response = login(client, "alice", PASSWORD, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member_a.pk)


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, TRUSTED_PROXY_COUNT=1)
def test_bad_usernames_behind_one_proxy_do_not_lock_everyone(client, member_a, member_b):
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(5):
        login(client, f"inconnu{n}", "wrong", HTTP_X_FORWARDED_FOR="192.0.2.66", **proxy)
    # Another user behind the same proxy signs in.
    ok = login(client, "bob", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.10", **proxy)
    assert ok.status_code == 302


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, TRUSTED_PROXY_COUNT=1)
def test_the_pair_is_locked_with_a_french_message_and_a_forged_header_does_not_escape(client, member_a):
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(3):
        # The attacker writes a new address on the left each time; the proxy appends the real one.
        login(client, "alice", "wrong", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 192.0.2.66", **proxy)
    response = login(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 192.0.2.66", **proxy)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_client_address_reads_the_configured_number_of_proxies(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.1, 10.0.0.2", REMOTE_ADDR="10.0.0.3")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.3"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request) == "192.0.2.1"
    settings.TRUSTED_PROXY_COUNT = 9
    assert client_address(request) == "6.6.6.6"
