"""Issue 25 point 8: a restored instance serves `/donnees/latest/` as the original did, and the
archive holds the indicator reports built in the admin, not only evidence and releases.

The backup runs here; the restore, and the first requests after it, run in separate processes
with an empty SIRANO_VAR_DIR and an empty database, as on the spare host of a restore drill.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from opendata import releases
from tests.object_storage_support import local_files, run_host, s3_client, share_database

pytestmark = pytest.mark.django_db(transaction=True)

SERVE_LATEST = """
import json
import django
django.setup()
from django.test import Client
response = Client().get("/donnees/latest/projects.csv")
body = b"".join(response.streaming_content) if response.status_code == 200 else b""
print(json.dumps({"status": response.status_code, "sha256": __import__("hashlib").sha256(body).hexdigest()}))
"""


def point_storages_at(settings, var_dir: Path) -> None:
    """This process's files under `var_dir`, laid out as SIRANO_VAR_DIR=var_dir lays them out."""
    settings.VAR_DIR = var_dir
    settings.MEDIA_ROOT = var_dir / "media"
    settings.PRIVATE_STORAGE_ROOT = var_dir / "private"
    settings.RELEASES_ROOT = var_dir / "releases"
    settings.REPORTS_ROOT = var_dir / "reports"


def restored_host(tmp_path: Path) -> dict:
    if connection.vendor == "postgresql":
        pytest.skip("the PostgreSQL restore is proved by test_backup_restore.py; this one needs no server")
    var_dir = tmp_path / "restored-var"
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        "SIRANO_VAR_DIR": str(var_dir),
        "DEBUG": "true",  # pages render with unhashed static files (no collectstatic in tests)
    }


def run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.sqlite
def test_restore_keeps_latest_release_and_report_outputs(settings, tmp_path, project_a, reference):
    source = tmp_path / "var"
    point_storages_at(settings, source)
    release = releases.publish_release()
    report = source / "reports" / "7" / "rapport-indicateurs.xlsx"
    report.parent.mkdir(parents=True)
    report.write_bytes(b"PK\x03\x04 report built in the admin")
    served = (source / "releases" / release.name / "projects.csv").read_bytes()
    archive = tmp_path / "sauvegarde.tar.gz"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))  # noqa: SIM115

    env = restored_host(tmp_path)
    restored = run(env, "manage.py", "restore", str(archive))
    assert restored.returncode == 0, restored.stderr[-3000:]
    assert "Restauration vérifiée" in restored.stdout

    # The restored report is there, byte for byte.
    restored_report = Path(env["SIRANO_VAR_DIR"]) / "reports" / "7" / "rapport-indicateurs.xlsx"
    assert restored_report.read_bytes() == report.read_bytes()
    # And /donnees/latest/ answers on the restored host, with the same file.
    answer = run(env, "-c", SERVE_LATEST)
    assert answer.returncode == 0, answer.stderr[-3000:]
    assert json.loads(answer.stdout.strip().splitlines()[-1]) == {
        "status": 200,
        "sha256": hashlib.sha256(served).hexdigest(),
    }


PUBLISH_AND_STORE = """
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from opendata.releases import publish_release
release = publish_release()
storages["reports"].save("3/rapport.xlsx", ContentFile(b"PK report"))
storages["private"].save("evidence/2026/12/preuve.pdf", ContentFile(b"%PDF-1.4 evidence"))
print(json.dumps({"release": release.name}))
"""

BACKUP = """
from django.core.management import call_command
call_command("backup", sys.argv[1])
print(json.dumps({}))
"""


@pytest.fixture
def second_bucket(bucket_env) -> str:
    """An empty bucket on the same S3 server, for the restore."""
    name = bucket_env["AWS_STORAGE_BUCKET_NAME"] + "-r"
    s3_client(bucket_env).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
    )
    return name


@pytest.mark.sqlite
def test_backup_and_restore_cover_the_bucket(bucket_env, second_bucket, tmp_path, project_a, reference):
    """With object storage, the archive holds the bucket's objects and the restore writes them
    into another, empty bucket, from which the restored instance serves `/donnees/latest/`."""
    if connection.vendor == "postgresql":
        pytest.skip("the PostgreSQL restore is proved by test_backup_restore.py; this one needs no server")
    share_database(bucket_env)
    published = run_host(bucket_env, tmp_path / "source", PUBLISH_AND_STORE)
    archive = tmp_path / "sauvegarde.tar.gz"
    run_host(bucket_env, tmp_path / "source", BACKUP, archive)

    restored = {
        **bucket_env,
        "AWS_STORAGE_BUCKET_NAME": second_bucket,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        "SIRANO_VAR_DIR": str(tmp_path / "restored-var"),
    }
    result = run(restored, "manage.py", "restore", str(archive))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Restauration vérifiée" in result.stdout and " 4 fichiers" not in result.stdout
    answer = run(restored, "-c", SERVE_LATEST)
    assert answer.returncode == 0, answer.stderr[-3000:]
    assert json.loads(answer.stdout.strip().splitlines()[-1])["status"] == 200
    keys = {o["Key"] for o in s3_client(bucket_env).list_objects_v2(Bucket=second_bucket)["Contents"]}
    assert {"reports/3/rapport.xlsx", "private/evidence/2026/12/preuve.pdf", "releases/latest"} <= keys
    assert f"releases/{published['release']}/SHA256SUMS" in keys
    assert local_files(tmp_path / "restored-var") == []
