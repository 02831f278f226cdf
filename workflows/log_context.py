"""The request id of the work in progress, so that every log line of one request, and of the
background tasks it enqueued, can be found together.

The web layer binds it for each request (web.request_log); a task receives it as an argument
captured at enqueue time (`current_request_id()`), because the worker runs it in another process.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("sirano_request_id", default="")
task_logger = logging.getLogger("sirano.tasks")


def current_request_id() -> str:
    return _request_id.get()


def install_record_factory() -> None:
    """Every log record keeps the request id current when it was made (a handler may format it
    later, in another thread)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "sirano_request_id", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = _request_id.get() or None
        return record

    factory.sirano_request_id = True
    logging.setLogRecordFactory(factory)


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bound_request_id(request_id: str) -> Iterator[str]:
    token = _request_id.set(request_id)
    try:
        yield request_id
    finally:
        _request_id.reset(token)


@contextmanager
def task_context(name: str, request_id: str) -> Iterator[str]:
    """Around a task's body: its log lines carry the id of the request that enqueued it (a new
    one when a command or the scheduler did), and its start and end are logged."""
    with bound_request_id(request_id or new_request_id()) as bound:
        task_logger.info("task %s started", name, extra={"task": name})
        try:
            yield bound
        except Exception:
            task_logger.exception("task %s failed", name, extra={"task": name})
            raise
        task_logger.info("task %s finished", name, extra={"task": name})
