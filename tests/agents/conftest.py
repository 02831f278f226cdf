"""Fixtures shared by the agents' admin tests: a DGOS administrator, signed in."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory
from workflows.roles import Role


@pytest.fixture
def administrator(reference):
    return UserFactory(username="administratrice", roles=[Role.ADMINISTRATOR], is_staff=True)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client
