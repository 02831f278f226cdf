"""The API's JSON is written by orjson (`opendata.api.renderers.FastJSONRenderer`): byte for byte
what DRF's `JSONRenderer` writes, on every type an answer carries and on the API's own answers."""

from __future__ import annotations

import datetime
import enum
import json
import uuid
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from opendata.api.renderers import FastJSONRenderer

pytestmark = pytest.mark.django_db


class Colour(enum.StrEnum):
    RED = "rouge"


PARIS = datetime.timezone(datetime.timedelta(hours=1))

VALUES = {
    "amounts": [
        Decimal("123456.78"),
        Decimal("0.10"),
        Decimal("0"),
        Decimal("-5.5"),
        Decimal("99999999999.99"),
    ],
    "floats": [0.1, 1.5, 1234567.891, 0.0001, 3e15, -0.0, 2.0],
    "ints": [0, -1, 2**63 - 1, -(2**63)],
    "dates": [datetime.date(2024, 2, 29), datetime.date(1999, 1, 1)],
    "moments": [
        datetime.datetime(2026, 12, 8, 1, 2, 3, 456789, tzinfo=datetime.UTC),
        datetime.datetime(2026, 12, 8, 1, 2, 3, tzinfo=PARIS),
        datetime.datetime(2026, 12, 8, 1, 2, 3),
    ],
    "times": [datetime.time(8, 30), datetime.time(23, 59, 59, 999999)],
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "lazy": gettext_lazy("Projets"),
    "text": ['guillemets " et \\ barre', "ligne\u2028paragraphe\u2029fin", "é à ç œ 😀", "\x00\x1f\t\n"],
    "enum": Colour.RED,
    "nested": {"tuple": (1, "a", None), "empty": {}, "list": [], "flags": [True, False, None]},
    1: "clé entière",
}


def test_every_type_an_answer_carries_is_written_as_drf_writes_it():
    assert FastJSONRenderer().render(VALUES) == JSONRenderer().render(VALUES)


def test_a_float_in_exponent_form_is_the_same_number():
    """The one spelling that differs: a float under 10⁻⁴ (no answer holds one: amounts are cents)."""
    data = [1e-7, 1e16, 2.5e-5]
    assert FastJSONRenderer().render(data) == b"[1e-7,1e+16,0.000025]"
    assert json.loads(FastJSONRenderer().render(data)) == json.loads(JSONRenderer().render(data)) == data


def test_what_orjson_refuses_is_written_by_drf():
    data = {"big": 2**70, "amount": Decimal("1.5")}
    assert (
        FastJSONRenderer().render(data)
        == JSONRenderer().render(data)
        == b'{"big":1180591620717411303424,"amount":1.5}'
    )


def test_an_indented_answer_is_drf_s():
    media_type = "application/json; indent=4"
    rendered = FastJSONRenderer().render(VALUES, media_type, {})
    assert rendered == JSONRenderer().render(VALUES, media_type, {})
    assert b'\n    "amounts"' in rendered


def test_nothing_is_an_empty_body():
    assert FastJSONRenderer().render(None) == b""


@pytest.fixture
def rendered(monkeypatch):
    """Every `(data, bytes)` the API's JSON renderer wrote during the test."""
    seen = []
    render = FastJSONRenderer.render

    def spy(self, data, accepted_media_type=None, renderer_context=None):
        body = render(self, data, accepted_media_type, renderer_context)
        seen.append((data, body))
        return body

    monkeypatch.setattr(FastJSONRenderer, "render", spy)
    return seen


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/projects/",
        "/api/v1/projects/?page_size=1000",
        "/api/v1/projects/?ordering=-award_amount&fields=public_id,award_amount,milestones,registrations",
        "/api/v1/projects/?search=zzzz-aucun-resultat",
        "/api/v1/projects/?year=abc",
        "/api/v1/tranches/",
        "/api/v1/establishments/",
        "/api/v1/calls/",
    ],
)
def test_the_api_s_answers_are_drf_s_bytes(
    client, tranches, project_a, project_b, expert_headers, rendered, url
):
    for headers in ({}, expert_headers):
        rendered.clear()
        response = client.get(url, **headers)
        assert response.status_code in (200, 400), url
        assert response["Content-Type"] == "application/json"
        ((data, body),) = rendered
        assert response.content == body
        assert body == JSONRenderer().render(data), url


def test_a_project_s_answer_is_drf_s_bytes(client, tranches, project_a, rendered):
    response = client.get(f"/api/v1/projects/{project_a.public_id}/")
    assert response.status_code == 200
    ((data, body),) = rendered
    assert response.content == body == JSONRenderer().render(data)
