"""The database cache (`CACHE_URL=db://`): a store is one statement, the table stays bounded."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

TABLE = "sirano_cache_tests_store"


def database_cache(max_entries: int):
    config = {
        "BACKEND": "dbtools.cache.DatabaseCache",
        "LOCATION": TABLE,
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": max_entries},
    }
    return override_settings(CACHES={"default": config})


def rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        return cursor.fetchone()[0]


@pytest.fixture
def cache_of():
    """`cache_of(max_entries)`: a fresh database cache bounded to that many entries."""
    opened = []

    def make(max_entries: int):
        overriding = database_cache(max_entries)
        overriding.enable()
        opened.append(overriding)
        call_command("createcachetable", verbosity=0)
        return caches["default"]

    yield make
    for overriding in reversed(opened):
        overriding.disable()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")  # a transactional test leaves it


@pytest.mark.django_db(transaction=True)
def test_a_store_is_one_statement_once_the_table_was_counted(cache_of):
    """Outside a transaction, as a page is stored after its request's reads."""
    cache = cache_of(20000)
    cache.set("first", 1)
    with CaptureQueriesContext(connection) as queries:
        cache.set("second", 2)
        cache.set("first", 3)  # an existing key: the same one statement
    assert len(queries.captured_queries) == 2
    assert all("ON CONFLICT" in q["sql"] for q in queries.captured_queries)
    assert cache.get_many(["first", "second"]) == {"first": 3, "second": 2}


def test_stored_values_expire_and_keep_as_django_says(cache_of):
    cache = cache_of(20000)
    cache.set("gone", "x", timeout=-1)
    cache.set("kept", "y", timeout=None)
    cache.set("kept", "z", timeout=None)
    assert cache.get("gone") is None
    assert cache.get("kept") == "z"
    assert cache.add("kept", "other") is False
    assert cache.add("new", "added") is True
    assert cache.get("new") == "added"


def test_a_small_table_is_counted_on_every_store_and_never_passes_its_bound(cache_of):
    cache = cache_of(10)
    for number in range(60):
        cache.set(f"key-{number}", number)
        assert rows() <= 11  # Django's bound: culled once it holds more than MAX_ENTRIES
    assert cache.get("key-59") == 59


def test_a_large_table_is_counted_once_every_hundredth_of_its_bound(cache_of):
    cache = cache_of(1000)
    with CaptureQueriesContext(connection) as queries:
        for number in range(30):
            cache.set(f"key-{number}", number)
    counts = [q for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
    assert len(counts) == 3  # the 1st, 11th and 21st stores


def test_a_failed_store_inside_a_transaction_leaves_it_usable(cache_of):
    cache = cache_of(20000)
    cache.set("counted", 1)  # the next store does not count the table
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_away")
        cache.set("lost", 2)  # the table is gone: the store fails, quietly
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE}_away RENAME TO {TABLE}")
            cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
            assert cursor.fetchone()[0] == 1
    assert cache.get("counted") == 1
