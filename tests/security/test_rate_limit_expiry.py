"""Issue 25 §1: rate-limit counters lift at the end of their window on the database cache (the
production default), in their own cache alias that public traffic cannot cull.

Django's database and file caches re-save a counter on `incr` with the alias's default timeout:
a counter that only relied on the expiry given to `add` never lifted (`expires = 9999-12-31`).
"""

from __future__ import annotations

import datetime
import time

import pytest
from django.core import mail
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from web import rate_limits

pytestmark = pytest.mark.django_db

COUNTERS_TABLE = "sirano_cache_counters"


@pytest.fixture
def counters_on_database():
    """The production shape: both caches on the database, `counters` with its own table."""
    from django.conf import settings

    database = {"BACKEND": "dbtools.cache.DatabaseCache", "TIMEOUT": None}
    shared = {**database, "LOCATION": "sirano_cache_tests"}
    counters = {**database, "LOCATION": COUNTERS_TABLE}
    with override_settings(CACHES={**settings.CACHES, "default": shared, "counters": counters}):
        call_command("createcachetable", verbosity=0)
        yield caches["counters"]


@pytest.fixture
def clock(monkeypatch):
    """Time travel: `clock.now` is what `time.time()` answers (the cache's expiry uses it too)."""

    class Clock:
        # The next minute's first second: a window then starts with the test. The database cache
        # compares expiries with the real clock, so a test started in a minute's last seconds on
        # a loaded machine saw its counter expire mid-test (the 11th download was let through).
        now = (time.time() // 60 + 1) * 60 + 1

        def advance(self, seconds: float) -> None:
            self.now += seconds

    travelling = Clock()
    monkeypatch.setattr(time, "time", lambda: travelling.now)
    return travelling


def counter_expiries(table: str = COUNTERS_TABLE) -> list[datetime.datetime]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT expires FROM {table}")
        return [
            row[0] if isinstance(row[0], datetime.datetime) else _parse(row[0]) for row in cursor.fetchall()
        ]


def _parse(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(str(value))


def test_a_counter_row_expires_within_its_window(counters_on_database, clock):
    for _ in range(5):
        rate_limits.allow("probe", limit=3, period=60)
    expiries = counter_expiries()
    assert expiries, "the counter is stored in the `counters` table"
    horizon = datetime.datetime.fromtimestamp(clock.now + 61, tz=datetime.UTC)
    for expires in expiries:
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=datetime.UTC)
        assert expires <= horizon, f"a counter row never expires: {expires}"


def test_the_limit_lifts_after_the_window(counters_on_database, clock):
    assert all(rate_limits.allow("probe", limit=3, period=60) for _ in range(3))
    assert not rate_limits.allow("probe", limit=3, period=60)
    clock.advance(61)
    assert rate_limits.allow("probe", limit=3, period=60)


def test_counters_are_not_in_the_default_cache(counters_on_database, clock):
    """A public page flood culls the default cache; counters live apart from it."""
    rate_limits.allow("probe", limit=3, period=60)
    assert counter_expiries("sirano_cache_tests") == []
    assert counter_expiries()


def test_export_downloads_lift_after_the_minute(counters_on_database, clock, client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.EXPORT_RATE_PER_MINUTE = 10
    for _ in range(10):
        assert client.get("/donnees/sirano.csv").status_code == 200
    assert client.get("/donnees/sirano.csv").status_code == 429
    clock.advance(125)
    assert client.get("/donnees/sirano.csv").status_code == 200


def test_reset_emails_to_an_address_resume_after_the_period(counters_on_database, clock, client, member_a):
    """Three anonymous requests for a victim's address used to stop her reset e-mails for good."""
    url = reverse("portal:password_reset")
    for _ in range(4):
        client.post(url, {"email": member_a.email})
    sent = len(mail.outbox)
    assert sent == 3
    clock.advance(60 * 60 + 1)
    client.post(url, {"email": member_a.email})
    assert len(mail.outbox) == sent + 1
