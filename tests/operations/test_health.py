"""Issue 22, Operations: `/healthz` (the process answers) and `/readyz` (what it needs is reachable).

A load balancer probes by address, over plain HTTP: the probes answer whatever the `Host` and
scheme, and never show a secret (a DSN, a password) when a dependency fails.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import OperationalError, connection

SECRET = "postgres://sirano:hunter2@db.internal:5432/sirano"
PROBE = {"HTTP_HOST": "10.0.0.12:8000"}  # an address outside ALLOWED_HOSTS, plain HTTP


@pytest.fixture
def production_redirects(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["sirano.sante.gouv.fr"]


def test_healthz_answers_without_the_database(client, db, production_redirects, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz", **PROBE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readyz_checks_database_cache_and_storage(client, db, production_redirects):
    response = client.get("/readyz", **PROBE)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok"},
    }
    assert "no-store" in response["Cache-Control"]


def _refuse(*args, **kwargs):
    raise OperationalError(f"could not connect to {SECRET}")


@pytest.mark.parametrize(
    ("failing", "target", "attribute"),
    [
        ("database", connection, "cursor"),
        ("cache", cache, "set"),
        ("storage", default_storage, "save"),
    ],
)
def test_readyz_is_503_when_one_dependency_fails(
    client, db, production_redirects, monkeypatch, failing, target, attribute
):
    with monkeypatch.context() as patch:  # undone before the test database is rolled back
        patch.setattr(target, attribute, _refuse)
        response = client.get("/readyz", **PROBE)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"][failing] == "error"
    assert {name for name, state in body["checks"].items() if state == "ok"} == (
        {"database", "cache", "storage"} - {failing}
    )
    assert "hunter2" not in response.content.decode() and "db.internal" not in response.content.decode()


def test_readyz_leaves_no_probe_file(client, db, production_redirects):
    assert client.get("/readyz", **PROBE).status_code == 200
    assert not default_storage.exists("readyz") or default_storage.listdir("readyz")[1] == []
