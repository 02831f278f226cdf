"""Error reports to Sentry, started by the settings only when `SENTRY_DSN` is set.

No personal data leaves: sentry-sdk 3 replaced `send_default_pii` with `data_collection`, set
here to no user (nor IP), no cookie, no body, no query string, no SQL values, no local variables,
and only harmless headers. No performance tracing; each report carries its request id.
"""

from __future__ import annotations

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

from workflows.log_context import current_request_id

NO_PERSONAL_DATA = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {"request": {"mode": "allowlist", "terms": ["user-agent", "x-request-id"]}},
    "http_bodies": [],
    "url_query_params": {"mode": "off"},
    "database_query_data": False,
    "stack_frame_variables": False,
}


def _tag_request_id(event: dict, hint: dict) -> dict:
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def start_error_reports(*, dsn: str, environment: str, release: str | None = None) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration()],
        data_collection=NO_PERSONAL_DATA,
        traces_sample_rate=0.0,
        before_send=_tag_request_id,
    )
