"""Loaded with `-p` before Django starts: test-only environment defaults (never production)."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
os.environ.setdefault("AXES_ENABLED", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in live_server tests

# Files (media, private evidence, releases, backups) go to a throwaway folder, one per pytest-xdist
# worker so parallel workers never share one (the test databases are per worker already).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
_var_dir = os.environ.get("SIRANO_VAR_DIR", "/tmp/sirano-test-var")
os.environ["SIRANO_VAR_DIR"] = f"{_var_dir}-{_worker}" if _worker else _var_dir
