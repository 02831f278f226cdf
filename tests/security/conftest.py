"""Shared fixtures of the security regression tests (issue 13)."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory
from workflows.roles import Role


@pytest.fixture
def administrator(reference):
    return UserFactory(username="administratrice", roles=[Role.ADMINISTRATOR], is_staff=True)


@pytest.fixture
def releases_root(settings, tmp_path):
    settings.RELEASES_ROOT = tmp_path / "releases"
    return settings.RELEASES_ROOT
