"""Figures are keyed by the data version and the code version (issue 24, observation 3): a
release that fixes an indicator or a library upgrade starts a fresh key space, and entries age
out; each cache purpose has its own alias, table, size and eviction (observation 4)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection

from reports import cache as figures_cache
from workflows import data_version as versions


@pytest.fixture
def fresh_code_version():
    versions.code_version.cache_clear()
    yield
    versions.code_version.cache_clear()


def test_a_release_starts_a_fresh_key_space(db, monkeypatch, fresh_code_version):
    assert figures_cache.cached("indicator", ("all",), lambda: "old numbers") == "old numbers"
    assert figures_cache.cached("indicator", ("all",), lambda: "recomputed") == "old numbers"
    monkeypatch.setenv("RELEASE_ID", "2026-12-07-fix-indicator")
    versions.code_version.cache_clear()
    assert figures_cache.cached("indicator", ("all",), lambda: "fixed numbers") == "fixed numbers"


def test_a_library_upgrade_starts_a_fresh_key_space(db, monkeypatch, fresh_code_version):
    before = figures_cache.make_key("indicator", "all")
    real = versions.metadata.version
    monkeypatch.setattr(versions.metadata, "version", lambda name: "99.0" if name == "pandas" else real(name))
    versions.code_version.cache_clear()
    assert figures_cache.make_key("indicator", "all") != before


def test_figures_age_out():
    assert settings.CACHES[figures_cache.ALIAS]["TIMEOUT"] is not None
    assert caches[figures_cache.ALIAS].default_timeout > 0


def test_each_purpose_has_its_own_table_size_and_expiry():
    from sirano.settings import cache_settings

    purposes = ("default", "pages", "figures")
    assert set(purposes) <= set(settings.CACHE_PURPOSES)
    tables = {alias: cache_settings("db://", alias)["LOCATION"] for alias in purposes}
    assert len(set(tables.values())) == len(purposes)
    assert cache_settings("db://", "pages", 123)["OPTIONS"]["MAX_ENTRIES"] == 123


def test_createcachetable_creates_every_alias_table(db, database_cache):
    tables = set(connection.introspection.table_names())
    assert {caches[alias]._table for alias in settings.CACHES} <= tables
