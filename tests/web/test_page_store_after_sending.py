"""A page rendered for an anonymous visitor reaches the shared store once it is sent, not while the
visitor waits (`web.page_store.put(..., once_sent=response)`): the WSGI server closes the
response after its last byte, and the other workers find the page from then on."""

from __future__ import annotations

import contextlib
import logging

import pytest
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test.client import RequestFactory

from web import page_store

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def database_kept():
    """As Django's test client: the end of a request must not close the test's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def served(path: str):
    """`path` through Django's WSGI handler as gunicorn calls it: the body first, `close` after."""
    environ = RequestFactory().get(path).environ
    started = []
    with database_kept():
        response = WSGIHandler()(environ, lambda status, headers: started.append(status))
    body = b"".join(response)
    return started[0], body, response


def close(response) -> None:
    with database_kept():
        response.close()


@pytest.mark.parametrize("path", ["/api/v1/projects/", "/projets/", "project"])
def test_the_shared_copy_is_written_once_the_answer_is_sent(project_a, path):
    path = f"/projets/{project_a.public_id}/" if path == "project" else path
    writes = []
    store = caches[page_store.ALIAS]
    set_ = store.set
    store.set = lambda key, value, *a, **k: writes.append(key) or set_(key, value, *a, **k)
    try:
        status, body, response = served(path)
        assert status.startswith("200") and body
        assert writes == [], "the page was written to the shared store before it was sent"
        close(response)
        assert len(writes) == 1
    finally:
        del store.set
    page_store.clear_local_copies()  # another worker: the shared cache only
    status, again, response = served(path)
    close(response)
    assert again == body


def test_a_failed_write_after_sending_is_logged_and_the_response_closed(project_a, monkeypatch, caplog):
    def broken(*_a, **_k):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(caches[page_store.ALIAS], "set", broken)
    closed = []
    status, body, response = served("/projets/")
    # the original close (Django's end of request) still runs after the failed write
    request_finished.connect(lambda **_k: closed.append(True), weak=False, dispatch_uid="test-closed")
    try:
        with caplog.at_level(logging.ERROR, logger="web.page_store"):
            close(response)
    finally:
        request_finished.disconnect(dispatch_uid="test-closed")
    assert status.startswith("200") and body
    assert closed == [True]
    assert "work after the response failed" in caplog.text
