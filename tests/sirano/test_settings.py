"""Settings come from the environment and refuse junk; production values pass `check --deploy`.

Each case starts a fresh interpreter, since settings are read once per process.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env={**clean_env, "DJANGO_SETTINGS_MODULE": "sirano.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def load_settings(**env: str) -> subprocess.CompletedProcess:
    # Reading a setting imports the settings module alone: no app is loaded, so each case is quick.
    code = (
        "from django.conf import settings; "
        "print(settings.DEBUG, settings.LANGUAGE_CODE, settings.TIME_ZONE, "
        "settings.DATABASES['default']['ENGINE'], settings.EMAIL_USE_TLS)"
    )
    return run("-c", code, **env)


@pytest.mark.parametrize("value", ["maybe", "2", "oui", "True!"])
def test_junk_boolean_is_a_configuration_error(value):
    result = load_settings(DEBUG=value)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"DEBUG must be a boolean (true/false/1/0), got '{value}'" in result.stderr


def test_junk_boolean_in_any_flag_is_refused():
    result = load_settings(DEBUG="true", EMAIL_USE_TLS="perhaps")
    assert result.returncode != 0
    assert "EMAIL_USE_TLS must be a boolean" in result.stderr


def test_junk_integer_is_refused():
    result = load_settings(DEBUG="true", CONN_MAX_AGE="forever")
    assert result.returncode != 0
    assert "CONN_MAX_AGE must be an integer, got 'forever'" in result.stderr


def test_database_connections_are_kept_outside_debug():
    """A connection per request cost more than a cached page (docs/performance.md, item 6)."""
    code = (
        "from django.conf import settings; db = settings.DATABASES['default']; "
        "print(db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'])"
    )
    production = {"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50)}
    assert run("-c", code, **production).stdout.split() == ["60", "True"]
    assert run("-c", code, DEBUG="true").stdout.split() == ["0", "True"]
    assert run("-c", code, DEBUG="true", CONN_MAX_AGE="30").stdout.split() == ["30", "True"]


def test_api_rates_can_be_switched_off():
    code = "import django; from django.conf import settings; django.setup(); print(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'])"
    result = run("-c", code, DEBUG="true", API_ANON_RATE="off", API_USER_RATE="5/second")
    assert result.returncode == 0, result.stderr
    assert "{'anon': None, 'user': '5/second'}" in result.stdout
    assert load_settings(DEBUG="true", API_ANON_RATE="of").returncode != 0


def test_secret_key_is_required_without_debug():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off." in result.stderr


@pytest.mark.parametrize(
    ("value", "expected"), [("true", "True"), ("ON", "True"), ("0", "False"), ("no", "False")]
)
def test_accepted_boolean_spellings(value, expected):
    result = load_settings(DEBUG=value, SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == expected


def test_defaults_are_french_paris_sqlite_and_debug_off():
    result = load_settings(SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "fr", "Europe/Paris", "django.db.backends.sqlite3", "False"]


def test_database_url_selects_postgresql():
    result = load_settings(DEBUG="true", DATABASE_URL="postgres://u:p@127.0.0.1:5432/x")
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql" in result.stdout


def test_check_deploy_is_silent_with_production_values(tmp_path):
    result = run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="sirano.sante.gouv.fr",
        CSRF_TRUSTED_ORIGINS="https://sirano.sante.gouv.fr",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        SIRANO_VAR_DIR=str(tmp_path / "var"),
        SECURE_COOKIES="true",
        SECURE_SSL_REDIRECT="true",
        SECURE_HSTS_SECONDS="31536000",
        EMAIL_USE_TLS="true",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Only security.W021 (HSTS preload) is silenced, unless SECURE_HSTS_PRELOAD asks for it.
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."
    assert "WARNING" not in result.stderr


def test_env_example_lists_every_variable_settings_read():
    settings_source = (BASE_DIR / "sirano" / "settings.py").read_text()
    example = (BASE_DIR / ".env.example").read_text()
    declared = {
        line.split("=", 1)[0] for line in example.splitlines() if "=" in line and not line.startswith("#")
    }
    read = set(re.findall(r'env_(?:bool|int|list|rate)\("([A-Z_]+)"', settings_source))
    read |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', settings_source))
    assert read - declared == set()


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("", "dbtools.cache.DatabaseCache", "sirano_cache"),
        ("db://", "dbtools.cache.DatabaseCache", "sirano_cache"),
        ("redis://cache:6379/1", "django.core.cache.backends.redis.RedisCache", "redis://cache:6379/1"),
        (
            "file:///var/cache/sirano",
            "django.core.cache.backends.filebased.FileBasedCache",
            "/var/cache/sirano",
        ),
    ],
)
def test_the_cache_is_shared_between_processes(url, backend, location):
    from sirano.settings import cache_settings

    config = cache_settings(url)
    assert (config["BACKEND"], config["LOCATION"]) == (backend, location)


def test_a_per_process_cache_is_refused_without_debug(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    import sirano.settings

    monkeypatch.setattr(sirano.settings, "DEBUG", False)
    with pytest.raises(ImproperlyConfigured, match="locmem"):
        sirano.settings.cache_settings("locmem://")
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        sirano.settings.cache_settings("memcached://x")
    monkeypatch.setattr(sirano.settings, "DEBUG", True)
    assert sirano.settings.cache_settings("locmem://")["BACKEND"].endswith("LocMemCache")
