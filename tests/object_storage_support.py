"""Hosts sharing one S3 bucket in tests: moto's S3 server over HTTP, one bucket per test, and
`run_host` to run a script as another process with its own SIRANO_VAR_DIR (think: another host)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BUCKET = "sirano-tests"


@pytest.fixture(scope="module")
def s3_endpoint():
    """A local S3 server (moto) shared by every process of the test."""
    from moto.server import ThreadedMotoServer  # imported here: only these tests need it

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket_env(s3_endpoint, tmp_path) -> dict:
    """The environment of a host using the bucket (a fresh bucket per test)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sirano.settings",
        # Pages render with unhashed static files: collectstatic is the parity stage's concern.
        "DEBUG": "true",
        "AWS_STORAGE_BUCKET_NAME": f"{BUCKET}-{tmp_path.name.lower().replace('_', '-')[:30]}",
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_S3_REGION_NAME": "eu-west-3",
        "DATABASE_URL": database_url(tmp_path),
    }
    env.pop("CACHE_URL", None)
    client = s3_client(env)
    client.create_bucket(
        Bucket=env["AWS_STORAGE_BUCKET_NAME"], CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
    )
    return env


def database_url(tmp_path) -> str:
    """The test database as a URL another process can open (SQLite: a file copy of it)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{tmp_path / 'shared.sqlite3'}"


def share_database(env: dict) -> None:
    """Copy the SQLite test database to the file the other processes open (PostgreSQL: shared)."""
    if connection.vendor != "sqlite":
        return
    target = sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///"))
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()


def run_host(env: dict, var_dir: Path, script: str, *args) -> dict:
    """Run `script` as a separate process with its own SIRANO_VAR_DIR; it prints one JSON line."""
    var_dir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [sys.executable, "-c", PRELUDE + script, *map(str, args)],
        cwd=settings.BASE_DIR,
        env={**env, "SIRANO_VAR_DIR": str(var_dir)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def local_files(var_dir: Path) -> list[str]:
    return sorted(p.relative_to(var_dir).as_posix() for p in var_dir.rglob("*") if p.is_file())


PRELUDE = """
import json, sys
import django
django.setup()
from django.core.management import call_command
# What the release phase does on every host (Procfile): the shared cache's tables exist.
call_command("createcachetable", verbosity=0)
"""


def s3_client(env: dict):
    """boto3's client of the bucket server `env` points at."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=env["AWS_S3_ENDPOINT_URL"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["AWS_S3_REGION_NAME"],
    )
