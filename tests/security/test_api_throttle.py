"""Issue 13 §6: a forged X-Forwarded-For does not reset the anonymous throttle, and signed-in
sessions and tokens have a limit of their own."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.settings import api_settings

from opendata.api.tokens import issue_api_token
from tests.factories import UserFactory
from workflows.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def rest_settings(**rates):
    from django.conf import settings

    return {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**api_settings.DEFAULT_THROTTLE_RATES, **rates},
    }


def test_a_new_forwarded_address_per_request_does_not_reset_the_anonymous_throttle(client, reference):
    with override_settings(REST_FRAMEWORK=rest_settings(anon="3/minute")):
        statuses = [
            client.get("/api/v1/calls/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(5)
        ]
    assert statuses == [200, 200, 200, 429, 429]


def test_tokens_are_throttled_per_user(client, reference):
    expert = UserFactory(username="experte", roles=[Role.EXPERT])
    headers = {"HTTP_AUTHORIZATION": f"Token {issue_api_token(user=expert)[1]}"}
    with override_settings(REST_FRAMEWORK=rest_settings(anon="1/minute", user="3/minute")):
        statuses = [client.get("/api/v1/calls/", **headers).status_code for _ in range(4)]
        # The limit follows the user, not the address.
        other = client.get("/api/v1/calls/", REMOTE_ADDR="192.0.2.9", **headers)
    assert statuses == [200, 200, 200, 429]
    assert other.status_code == 429
    assert other.json()["error"]["code"] == "throttled"


def test_sessions_are_throttled_per_user(client, member_a):
    client.force_login(member_a)
    with override_settings(REST_FRAMEWORK=rest_settings(user="2/minute")):
        statuses = [client.get("/api/v1/calls/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
