"""Issue 13 item 10: API tokens are stored hashed, expire and can be revoked; expired and revoked
tokens get a 401 that says which."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from opendata.models import ApiToken
from tests.factories import UserFactory
from workflows.models import AuditEvent
from workflows.roles import Role


@pytest.fixture
def expert(reference):
    return UserFactory(username="experte", roles=[Role.EXPERT])


def issue(username: str, *args: str) -> str:
    out = io.StringIO()
    call_command("issue_api_token", username, *args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def every_stored_text(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return " ".join(str(value) for row in cursor.fetchall() for value in row)


def test_database_holds_no_usable_plain_token(client, expert):
    key = issue("experte")
    assert client.get("/api/v1/calls/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    stored = every_stored_text(ApiToken._meta.db_table)
    assert key not in stored
    token = ApiToken.objects.get(user=expert)
    assert len(token.digest) == 64 and token.digest not in key
    assert key.startswith(token.prefix) and len(token.prefix) < len(key) // 3
    # The stored digest is not itself a key.
    assert client.get("/api/v1/calls/", HTTP_AUTHORIZATION=f"Token {token.digest}").status_code == 401
    assert "authtoken_token" not in connection.introspection.table_names() or not every_stored_text(
        "authtoken_token"
    )
    assert AuditEvent.objects.filter(action="issue_api_token").count() == 1


def test_token_expires(client, expert):
    key = issue("experte", "--days", "30")
    token = ApiToken.objects.get(user=expert)
    assert token.expires_at - timezone.now() == pytest.approx(
        datetime.timedelta(days=30), abs=datetime.timedelta(minutes=1)
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/api/v1/calls/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "token_expired"
    assert error["message"].startswith("Jeton d'API expiré depuis le ")


def test_revoked_token_is_refused_with_its_reason(client, expert):
    key = issue("experte")
    out = io.StringIO()
    call_command("issue_api_token", "experte", "--revoke", stdout=out)
    assert "1 jeton(s) révoqué(s)" in out.getvalue()
    response = client.get("/api/v1/calls/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "token_revoked"
    assert error["message"].startswith("Jeton d'API révoqué le ")
    assert AuditEvent.objects.filter(action="revoke_api_token").count() == 1


def test_unknown_token_is_refused(client, expert):
    response = client.get("/api/v1/calls/", HTTP_AUTHORIZATION="Token sirano_inconnu")
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "not_authenticated",
        "message": "Jeton d'API inconnu.",
        "details": None,
    }
