"""Issue 22, Operations: errors go to Sentry only when `SENTRY_DSN` is set, without personal data
(sentry-sdk 3: `data_collection`, which replaced `send_default_pii`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import json
import django
django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
collected = client.options.get("data_collection") or {}
print(json.dumps({"active": client.is_active(), "dsn": client.options.get("dsn"),
                  "user": collected.get("user_info"), "cookies": collected.get("cookies"),
                  "bodies": collected.get("http_bodies"), "query": collected.get("url_query_params"),
                  "variables": collected.get("stack_frame_variables")}))
"""


def _settings_in_a_new_process(**env: str) -> dict:
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "sirano.settings", **env}
    if not env.get("SENTRY_DSN"):
        environ.pop("SENTRY_DSN", None)
    output = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=environ, capture_output=True, text=True
    )
    assert output.returncode == 0, output.stderr
    return json.loads(output.stdout.strip().splitlines()[-1])


def test_error_reports_are_off_without_a_dsn():
    assert _settings_in_a_new_process()["active"] is False


def test_error_reports_are_on_with_a_dsn_and_send_no_personal_data():
    dsn = "https://publickey@errors.example.gouv.fr/4"
    state = _settings_in_a_new_process(SENTRY_DSN=dsn)
    assert state == {
        "active": True,
        "dsn": dsn,
        "user": False,
        "cookies": {"mode": "off"},
        "bodies": [],
        "query": {"mode": "off"},
        "variables": False,
    }


def test_a_report_carries_the_request_id():
    from sirano.error_reports import _tag_request_id
    from workflows.log_context import bound_request_id

    with bound_request_id("req-42"):
        event = _tag_request_id({"message": "boom"}, {})
    assert event["tags"] == {"request_id": "req-42"}
