"""Issue 22, Operations: a background job enqueued during a request logs that request's id,
though the worker runs it later in another process."""

from __future__ import annotations

import contextvars
import json
import logging

import pytest
from django.test import override_settings
from django.urls import reverse
from django_tasks import default_task_backend

from web.json_logs import JsonFormatter

pytestmark = pytest.mark.django_db


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_a_task_enqueued_by_a_request_logs_its_request_id(
    client, budget_agent, releases_root, reports_root, caplog, django_capture_on_commit_callbacks
):
    client.force_login(budget_agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports_job_release"), HTTP_X_REQUEST_ID="req-0001")
    assert response.status_code == 302
    (result,) = default_task_backend.results
    assert result.kwargs["request_id"] == "req-0001"

    # The worker runs it later, in another context: the id comes with the task, not from the request.
    with caplog.at_level(logging.INFO):
        contextvars.Context().run(result.task.call, *result.args, **result.kwargs)
    formatter = JsonFormatter()
    task_lines = [json.loads(formatter.format(r)) for r in caplog.records if r.name == "sirano.tasks"]
    assert task_lines and {line["request_id"] for line in task_lines} == {"req-0001"}
