"""Workflow tests render admin pages without a collectstatic manifest, and hash passwords fast."""

import pytest


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
