"""Personas and shared fixtures: a member of establishment A, a member of B, an instructing
agent, a budget agent, an editor and an anonymous citizen."""

from __future__ import annotations

import datetime
import os
import random
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.backends.signals import connection_created

from demo.site import build_site
from tests import pg_template
from tests.factories import EstablishmentFactory, ProjectFactory, UserFactory, member_of
from tests.object_storage_support import bucket_env, s3_endpoint  # noqa: F401 — fixtures
from tests.shared_data import shared_data
from tests.two_factor_support import with_trusted_sessions
from workflows.models import EstablishmentType, Region
from workflows.reference import ensure_reference_data
from workflows.roles import Role

IN_CI = os.environ.get("CI", "").lower() == "true"
# The production-parity stage (a release built and served as the Procfile does) runs on its own,
# after the suite: `SIRANO_PARITY=1 pytest tests/parity` (make test).
collect_ignore_glob = [] if os.environ.get("SIRANO_PARITY") == "1" else ["parity/*"]
SAMPLE = Path(__file__).resolve().parent / "data" / "sirano-opendata-sample.csv"


def test_settings() -> dict:
    """The one place where tests differ from production settings (applied for the whole session):

    - static files unhashed: tests run with DEBUG off but without collectstatic;
    - MD5 password hashing: PBKDF2 costs ~0.3 s per persona and no test measures its strength;
    - in-process caches (the shared one and the rate-limit counters), cleared around every test (`_fresh_cache`): query counts stay those of
      the views, and no figure leaks from one test to the next. The cross-process behaviour of
      the shared database cache is tested in `tests/reports/test_cache_processes.py`;
    - background tasks run immediately, in the test's transaction (when django-tasks is used);
    - Wagtail's own page index (admin page search) is not updated on every save: no test searches
      it, and indexing was a quarter of the time of building the demo site.
    """
    from django.conf import settings

    overrides = {
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Sessions count as verified by a second factor (tests/two_factor_support.py);
        # tests/security proves the real policy.
        "MIDDLEWARE": with_trusted_sessions(settings.MIDDLEWARE),
        "CACHES": {
            alias: {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"sirano-tests-{alias}",
                "TIMEOUT": cache.get("TIMEOUT", 300),
            }
            for alias, cache in settings.CACHES.items()
        },
    }
    overrides["WAGTAILSEARCH_BACKENDS"] = {
        alias: {**backend, "AUTO_UPDATE": False} for alias, backend in settings.WAGTAILSEARCH_BACKENDS.items()
    }
    if "django_tasks" in settings.INSTALLED_APPS:
        overrides["TASKS"] = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return overrides


def pytest_configure(config):
    from django.test.utils import override_settings

    # override_settings (not assignment) so the cached storages and caches are reset by setting_changed.
    override_settings(**test_settings()).enable()
    pg_template.install()
    connection_created.connect(_allow_flush_of_audit_trail)


def _allow_flush_of_audit_trail(sender, connection, **kwargs):
    """pytest-django empties tables with TRUNCATE between transactional tests; the audit trail's
    TRUNCATE trigger (workflows/0004) lets only a superuser session with this flag do so."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET sirano.allow_audit_truncate = 'on'")


AUTOVACUUM_OFF = """
DO $$
DECLARE t regclass;
BEGIN
  FOR t IN SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relkind = 'r'
  LOOP
    EXECUTE format('ALTER TABLE %s SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)', t);
  END LOOP;
END $$;
"""


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL, no autovacuum on the test database, and fresh statistics after migrations.

    Tests insert rows and roll them back; autovacuum would then record the tables as empty, and
    the planner would pick nested loops over the bloated tables of the next bulk test (36.9 s
    instead of 0.07 s for the review queue). Bulk loads `ANALYZE` what they write instead.
    """
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(AUTOVACUUM_OFF)
                    cursor.execute("ANALYZE")


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import caches

    from web.page_store import clear_local_copies

    for cache in caches.all():
        cache.clear()
    clear_local_copies()
    yield
    for cache in caches.all():
        cache.clear()
    clear_local_copies()


@pytest.fixture
def database_cache():
    """The production default (`CACHE_URL=db://`) for tests that count its queries: each read of
    the shared cache is then a query, as in production."""
    from django.conf import settings
    from django.test import override_settings

    from web.page_store import clear_local_copies

    database = {"BACKEND": "dbtools.cache.DatabaseCache"}
    aliases = {
        alias: {**database, "LOCATION": f"sirano_cache_tests_{alias}", "TIMEOUT": cache.get("TIMEOUT", 300)}
        for alias, cache in settings.CACHES.items()
    }
    with override_settings(CACHES=aliases):
        call_command("createcachetable", verbosity=0)
        clear_local_copies()
        yield
        clear_local_copies()


def pytest_collection_modifyitems(config, items):
    """Outside CI, PostgreSQL-only tests skip on SQLite; in CI they run and fail (see below)."""
    from django.db import connection

    if connection.vendor == "postgresql" or IN_CI:
        return
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))


@pytest.fixture(autouse=True)
def throwaway_storage(settings, tmp_path_factory) -> Path:
    """Each test gets its own empty folder behind every named storage (media, private, releases,
    reports): no file leaks from one test to the next. A test may still point one setting
    elsewhere (`settings.RELEASES_ROOT = ...`): the storages follow the setting."""
    root = tmp_path_factory.mktemp("storage")
    settings.MEDIA_ROOT = root / "media"
    settings.PRIVATE_STORAGE_ROOT = root / "private"
    settings.RELEASES_ROOT = root / "releases"
    settings.REPORTS_ROOT = root / "reports"
    return root


@pytest.fixture(autouse=True)
def _ci_requires_postgres(request):
    if request.node.get_closest_marker("postgres") and IN_CI:
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.fail("CI=true: this test needs PostgreSQL (DATABASE_URL) and must not skip.")


@pytest.fixture
def reference(db):
    ensure_reference_data()


@pytest.fixture
def establishment_a(reference):
    return EstablishmentFactory(
        finess="690781810", name="HOSPICES CIVILS DE LYON", type=EstablishmentType.CHUR, region=Region.ARA
    )


@pytest.fixture
def establishment_b(reference):
    return EstablishmentFactory(
        finess="750712184",
        name="ASSISTANCE PUBLIQUE-HOPITAUX DE PARIS",
        type=EstablishmentType.CHUR,
        region=Region.IDF,
    )


@pytest.fixture
def member_a(establishment_a):
    return member_of(establishment_a, "alice")


@pytest.fixture
def member_b(establishment_b):
    return member_of(establishment_b, "bob")


@pytest.fixture
def instructing_agent(reference):
    return UserFactory(username="instructeur", roles=[Role.INSTRUCTING_AGENT])


@pytest.fixture
def budget_agent(reference):
    return UserFactory(username="budget", roles=[Role.BUDGET_AGENT])


@pytest.fixture
def editor(reference):
    return UserFactory(username="redaction", roles=[Role.EDITOR])


@pytest.fixture
def project_a(establishment_a):
    return ProjectFactory(establishment=establishment_a, acronym="ALPHA")


@pytest.fixture
def project_b(establishment_b):
    return ProjectFactory(establishment=establishment_b, acronym="BETA")


@pytest.fixture(scope="module")
def imported_sample(django_db_setup, django_db_blocker):
    """The ministry's 1,008-row sample, imported once per test module through the ordinary import
    command (`shared_data`)."""
    with shared_data(django_db_blocker), open(os.devnull, "w") as quiet:
        call_command("import_projects", str(SAMPLE), stdout=quiet)
        yield SAMPLE


@pytest.fixture(scope="class")
def demo_site(django_db_setup, django_db_blocker):
    """The demo site (demo/site.py) over two projects, built once per test class (`shared_data`)."""
    with shared_data(django_db_blocker):
        ensure_reference_data()
        projects = [ProjectFactory(), ProjectFactory()]
        yield {**build_site(rng=random.Random(1), today=datetime.date(2026, 11, 1)), "projects": projects}
