"""Let HTML pages render in tests: plain static storage (no collectstatic manifest) and, until
the foundation's `for_request` fix is merged, a `SiteIdentity.load` shim for the context processor."""

from __future__ import annotations

import pytest


@pytest.fixture
def renderable_pages(settings, monkeypatch):
    from content.models import SiteIdentity

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if not hasattr(SiteIdentity, "load"):
        monkeypatch.setattr(
            SiteIdentity,
            "load",
            classmethod(lambda cls, request_or_site=None: cls.for_request(request_or_site)),
            raising=False,
        )
