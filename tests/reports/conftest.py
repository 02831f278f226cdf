"""Open-data fixtures: releases written to a throw-away RELEASES_ROOT."""

from __future__ import annotations

import pytest

from tests.page_support import renderable_pages  # noqa: F401
from tests.tranche_support import tranches  # noqa: F401


@pytest.fixture
def releases_root(settings, tmp_path):
    settings.RELEASES_ROOT = tmp_path / "releases"
    return settings.RELEASES_ROOT
