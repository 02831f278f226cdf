"""API fixtures: an expert with a token, a DGOS agent with a token (the throttle cache is cleared
around every test by the root conftest)."""

from __future__ import annotations

import pytest

from opendata.api.tokens import issue_api_token
from tests.factories import UserFactory
from tests.tranche_support import tranches  # noqa: F401
from workflows.roles import Role


@pytest.fixture
def expert(reference):
    return UserFactory(username="experte", roles=[Role.EXPERT])


@pytest.fixture
def expert_headers(expert):
    return {"HTTP_AUTHORIZATION": f"Token {issue_api_token(user=expert)[1]}"}


@pytest.fixture
def agent_headers(instructing_agent):
    return {"HTTP_AUTHORIZATION": f"Token {issue_api_token(user=instructing_agent)[1]}"}
