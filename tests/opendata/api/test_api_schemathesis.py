"""Property-based conformance: schemathesis generates ≥ 1,000 requests from /api/v1/schema/
(valid and invalid inputs, anonymous and with an expert token) and runs every check on each:
no server error, status codes, content types, headers and bodies as the schema documents."""

from __future__ import annotations

import datetime
import random

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from schemathesis import GenerationMode

from demo.portfolio import seed_portfolio

pytestmark = pytest.mark.django_db

EXAMPLES_PER_RUN = 260  # 4 runs (one test each) -> 1,040 requests


@pytest.fixture
def keep_test_connection():
    """Like Django's test Client: the WSGI app must not close the test transaction's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(settings, tranches, keep_test_connection):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/minute"},
    }
    seed_portfolio(projects=40, rng=random.Random(7), today=datetime.date(2026, 6, 1))
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


def run(schema, mode: GenerationMode, headers: dict, calls: list) -> None:
    @given(case=schema.as_strategy(generation_mode=mode))
    @hypothesis.settings(
        max_examples=EXAMPLES_PER_RUN,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.generate],
    )
    def check(case):
        response = case.call_and_validate(headers=headers)
        calls.append((case.operation.label, response.status_code))

    check()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "token"])
def test_schemathesis_conformance(api_schema, expert_headers, mode, signed_in):
    """Four runs of 260 generated requests (valid and invalid, anonymous and with a token): more
    than 1,000 requests in all, none answered 5xx, every operation reached by each run."""
    headers = {"Authorization": expert_headers["HTTP_AUTHORIZATION"]} if signed_in else {}
    calls: list[tuple[str, int]] = []
    run(api_schema, mode, headers, calls)
    statuses = [status for _label, status in calls]
    print(f"schemathesis: {len(calls)} requests, statuses {sorted(set(statuses))}")
    assert len(calls) >= 250
    assert not [c for c in calls if c[1] >= 500]
    assert {label for label, _s in calls} == {
        "GET /api/v1/projects/",
        "GET /api/v1/projects/{public_id}/",
        "GET /api/v1/establishments/",
        "GET /api/v1/calls/",
        "GET /api/v1/tranches/",
    }
    assert (200 if mode == GenerationMode.POSITIVE else 400) in statuses
