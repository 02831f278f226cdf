"""The ministry's real sample, imported once per module and rolled back after it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

SHARED_DATA = Path(os.environ.get("SIRANO_SHARED_DATA") or Path(settings.BASE_DIR).parent / "shared" / "data")
SAMPLE = SHARED_DATA / "sirano-opendata-sample.csv"
IN_CI = os.environ.get("CI", "").lower() == "true"

needs_sample = pytest.mark.skipif(
    not SAMPLE.exists() and not IN_CI, reason="open-data sample absent outside CI"
)


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker):
    """1,008 real projects, imported through the ordinary (bulk) import path."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("import_projects", str(SAMPLE), stdout=open(os.devnull, "w"))  # noqa: SIM115
        yield SAMPLE
        transaction.set_rollback(True)
