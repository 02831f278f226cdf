"""Data shared by a group of tests without committing it."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import transaction


@contextmanager
def shared_data(django_db_blocker):
    """Data written once for a group of tests (a class or a module) and rolled back after the
    last one, like Django's `setUpTestData`: each test runs in a savepoint inside, so what one
    test writes is gone for the next. Not for groups holding transactional tests."""
    from django.core.cache import cache

    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
    cache.clear()
