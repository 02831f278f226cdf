"""One version per project page (issue 26) lives apart from the data and content versions: at
40,000 projects the shared database cache would otherwise cull its alphabetically first keys, the
content version among them, and every stored page would go cold at once (and the exports'
generation would move)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from web import page_store
from workflows.data_version import data_version, project_page_keys, read_versions

pytestmark = pytest.mark.django_db

#: entries each alias keeps before it culls: few, so that a few project pages fill it
SMALL = 20


@pytest.fixture
def small_database_caches():
    aliases = {
        alias: {
            "BACKEND": "dbtools.cache.DatabaseCache",
            "LOCATION": f"sirano_cache_crowd_{alias}",
            "TIMEOUT": cache.get("TIMEOUT", 300),
            "OPTIONS": {"MAX_ENTRIES": SMALL},
        }
        for alias, cache in settings.CACHES.items()
    }
    with override_settings(CACHES=aliases):
        call_command("createcachetable", verbosity=0)
        page_store.clear_local_copies()
        yield
        page_store.clear_local_copies()


def test_many_project_versions_never_cull_the_data_and_content_versions(small_database_caches):
    content, data = page_store.content_version(), data_version()
    for number in range(3 * SMALL):
        read_versions(project_page_keys(f"PHRCN-2016-{number:04d}"))
    assert page_store.content_version() == content
    assert data_version() == data
