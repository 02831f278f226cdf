"""Issue 22, Operations: one JSON log line per request, with a request id that the response
returns and the background tasks enqueued by the request carry."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from sirano import settings as sirano_settings
from web.json_logs import JsonFormatter

pytestmark = pytest.mark.django_db


def request_lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "sirano.requests"]


def test_one_json_line_per_request_with_its_id(client, caplog, member_a):
    client.force_login(member_a)
    with caplog.at_level(logging.INFO, logger="sirano.requests"):
        response = client.get("/portail/?secret=ne-pas-journaliser", HTTP_X_REQUEST_ID="lb-7f3a.42")
    assert response["X-Request-ID"] == "lb-7f3a.42"
    (line,) = request_lines(caplog)
    assert line["method"] == "GET"
    assert line["path"] == "/portail/"  # the query string may carry tokens: not logged
    assert line["status"] == response.status_code
    assert line["request_id"] == "lb-7f3a.42"
    assert line["user_id"] == member_a.pk
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "INFO" and line["logger"] == "sirano.requests"


@pytest.mark.parametrize("sent", [None, "", "a b", "x" * 129, "<script>", "é"])
def test_an_unusable_request_id_is_replaced(client, caplog, sent):
    headers = {} if sent is None else {"HTTP_X_REQUEST_ID": sent}
    with caplog.at_level(logging.INFO, logger="sirano.requests"):
        response = client.get("/healthz-absent/", **headers)
    generated = response["X-Request-ID"]
    assert generated != sent and len(generated) == 32 and int(generated, 16) >= 0
    (line,) = request_lines(caplog)
    assert line["request_id"] == generated and line["status"] == 404 and line["user_id"] is None


def test_the_production_log_handler_writes_json(monkeypatch):
    formatters = sirano_settings.LOGGING["formatters"]
    handler = sirano_settings.LOGGING["handlers"]["console"]
    assert formatters[handler["formatter"]]["()"] == "web.json_logs.JsonFormatter"
    assert sirano_settings.LOGGING["loggers"]["sirano.requests"]["level"] == "INFO"


def test_a_log_line_is_one_line_of_json_even_with_a_traceback():
    try:
        raise ValueError("deux\nlignes")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "échec %s", ("ici",), sys.exc_info())
    text = JsonFormatter().format(record)
    assert "\n" not in text
    line = json.loads(text)
    assert line["message"] == "échec ici" and "ValueError" in line["exception"]


def test_a_request_object_passed_by_django_is_not_written(rf):
    """`django.request` logs 4xx/5xx with `extra={"request": request}`: its text has the query string."""
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/x",), None)
    record.status_code = 404
    record.request = rf.get("/x?token=secret-value")
    line = json.loads(JsonFormatter().format(record))
    assert line["status_code"] == 404 and "request" not in line
    assert "secret-value" not in JsonFormatter().format(record)
