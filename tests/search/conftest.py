"""The ministry's real sample, imported once per module and rolled back after it."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def sample(imported_sample):
    """1,008 real projects, imported through the ordinary (bulk) import path (tests/conftest.py)."""
    return imported_sample
