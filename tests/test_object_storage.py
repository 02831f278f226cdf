"""Issue 22 point 3, stateless processes: with a bucket configured, what one process stores is read
by another process that has a different, empty SIRANO_VAR_DIR (think: two hosts), and no model
keeps a file on the local disk.

Each process is a real `python` started with the production settings and the `AWS_*` variables,
against moto's S3 server over HTTP; the database is shared (a SQLite file or the PostgreSQL test
database).
"""

from __future__ import annotations

import datetime
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.db import connection
from moto.server import ThreadedMotoServer

from workflows import services

pytestmark = pytest.mark.django_db(transaction=True)
BUCKET = "sirano-tests"


@pytest.fixture(scope="module")
def s3_endpoint():
    """A local S3 server (moto) shared by every process of the test."""
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
        "DATABASE_URL": _database_url(tmp_path),
    }
    env.pop("CACHE_URL", None)
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="eu-west-3",
    )
    client.create_bucket(
        Bucket=env["AWS_STORAGE_BUCKET_NAME"], CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
    )
    return env


def _database_url(tmp_path) -> str:
    """The test database as a URL another process can open (SQLite: a file copy of it)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{tmp_path / 'shared.sqlite3'}"


def _share_database(env: dict) -> None:
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
"""

FILE_FIELDS = """
from django.apps import apps
from django.core.files.storage import FileSystemStorage, storages
from django.db.models import FileField
fields = {}
for model in apps.get_models():
    for field in model._meta.get_fields():
        if isinstance(field, FileField):
            fields[f"{model._meta.label}.{field.name}"] = type(field.storage).__name__
named = {alias: type(storages[alias]).__name__ for alias in ("default", "private", "releases", "reports")}
local = [name for name, cls in fields.items() if cls in ("FileSystemStorage", "SettingRootStorage")]
local += [alias for alias in named if isinstance(storages[alias], FileSystemStorage)]
prefixes = {alias: getattr(storages[alias], "location", None) for alias in named}
print(json.dumps({"fields": fields, "named": named, "local": local, "prefixes": prefixes}))
"""


def test_with_a_bucket_no_model_file_field_and_no_named_storage_is_local(bucket_env, tmp_path):
    found = run_host(bucket_env, tmp_path / "host", FILE_FIELDS)
    assert found["fields"], "the walk found no file field at all"
    assert "workflows.EvidenceDocument.file" in found["fields"]
    assert "workflows.LegacyDocument.file" in found["fields"]
    assert found["local"] == []
    assert set(found["named"].values()) == {"S3Storage"}
    # One prefix per storage: media, evidence, releases and reports never mix.
    assert len(set(found["prefixes"].values())) == 4


ATTACH_EVIDENCE = """
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from workflows import services
from workflows.documents import inspect_upload
from workflows.models import EvidenceType, TrancheRequest
request_pk, member_pk = map(int, sys.argv[1:3])
content = b"%PDF-1.4\\n1 0 obj<<>>endobj\\ntrailer<<>>\\n%%EOF\\n" + b"% evidence from host A\\n"
document = services.attach_evidence(
    tranche_request=TrancheRequest.objects.get(pk=request_pk),
    actor=get_user_model().objects.get(pk=member_pk),
    evidence_type=EvidenceType.objects.get(code="registry-record"),
    upload=inspect_upload(SimpleUploadedFile("registre.pdf", content, content_type="application/pdf")),
)
print(json.dumps({"pk": document.pk, "name": document.file.name}))
"""

DOWNLOAD_EVIDENCE = """
import hashlib
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
document_pk, member_pk = map(int, sys.argv[1:3])
client = Client()
client.force_login(get_user_model().objects.get(pk=member_pk))
response = client.get(reverse("portal:document_download", args=[document_pk]))
body = b"".join(response.streaming_content) if response.status_code == 200 else b""
print(json.dumps({"status": response.status_code, "body": body.decode("latin-1")}))
"""


def test_evidence_uploaded_on_one_host_is_downloaded_on_another(bucket_env, tmp_path, project_a, member_a):
    milestone = project_a.milestones.get(rank=1)
    services.declare_milestone(milestone=milestone, actor=member_a, reached_on=datetime.date(2017, 1, 5))
    request = services.create_tranche_request(milestone=milestone, actor=member_a)
    _share_database(bucket_env)

    written = run_host(bucket_env, tmp_path / "host-a", ATTACH_EVIDENCE, request.pk, member_a.pk)
    read = run_host(bucket_env, tmp_path / "host-b", DOWNLOAD_EVIDENCE, written["pk"], member_a.pk)

    assert read["status"] == 200
    assert read["body"].endswith("% evidence from host A\n")
    assert local_files(tmp_path / "host-a") == [] and local_files(tmp_path / "host-b") == []


PUBLISH = """
from reports.releases import publish_release
release = publish_release()
print(json.dumps({"name": release.name}))
"""

SERVE_LATEST = """
from django.test import Client
client = Client()
page = client.get("/donnees/latest/")
csv = client.get("/donnees/latest/projects.csv")
body = b"".join(csv.streaming_content).decode() if csv.status_code == 200 else ""
print(json.dumps({"page": page.status_code, "status": csv.status_code, "body": body,
                  "location": csv.get("Content-Location", "")}))
"""


def test_a_release_published_on_one_host_is_served_as_latest_by_every_host(
    bucket_env, tmp_path, project_a, reference
):
    _share_database(bucket_env)
    published = run_host(bucket_env, tmp_path / "worker", PUBLISH)
    served = [run_host(bucket_env, tmp_path / f"web-{n}", SERVE_LATEST) for n in (1, 2)]

    assert served[0] == served[1]
    assert served[0]["page"] == 200 and served[0]["status"] == 200
    assert served[0]["location"] == f"/donnees/{published['name']}/projects.csv"
    assert project_a.public_id in served[0]["body"]
    for host in ("worker", "web-1", "web-2"):
        assert local_files(tmp_path / host) == []


RUN_IMPORT_TASK = """
from workflows.ingest.tasks import run_project_import
from workflows.models import ImportRun
result = run_project_import.call(int(sys.argv[1]))
run = ImportRun.objects.get(pk=int(sys.argv[1]))
print(json.dumps({"status": run.status, "processed": run.processed, "created": run.report.get("creations", [])}))
"""


def bucket_settings(settings, env: dict) -> None:
    """This process as a web host of `env`: its named storages in the bucket."""
    for name in (
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_S3_ENDPOINT_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ):
        setattr(settings, name, env[name])
    settings.AWS_S3_REGION_NAME = env["AWS_S3_REGION_NAME"]
    s3 = {"BACKEND": "storages.backends.s3.S3Storage"}
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**s3, "OPTIONS": {"location": "private", "file_overwrite": False}},
    }


def test_an_import_uploaded_on_a_web_host_is_read_by_the_worker_of_another(
    bucket_env, settings, tmp_path, client, instructing_agent, establishment_a, reference, monkeypatch
):
    from django.urls import reverse

    from tests.workflows.ingest.builders import OPENDATA_HEADER, opendata_row, write_csv
    from workflows.ingest import tasks
    from workflows.models import ImportRun

    bucket_settings(settings, bucket_env)
    queued = []
    monkeypatch.setattr(tasks.run_project_import, "enqueue", queued.append)  # the worker is elsewhere
    path = write_csv(
        tmp_path / "projets.csv", [OPENDATA_HEADER, opendata_row(), opendata_row(acronyme="BETA")]
    )
    client.force_login(instructing_agent)
    with path.open("rb") as handle:
        response = client.post(reverse("ingest_import_upload"), {"file": handle, "format": "auto"})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert queued == [run.pk] and run.status == ImportRun.Status.QUEUED
    # The web host kept nothing on its own disk: the upload is in the bucket.
    assert not any(p.is_file() for p in Path(settings.PRIVATE_STORAGE_ROOT).parent.rglob("*"))
    objects = boto3.client(
        "s3",
        endpoint_url=bucket_env["AWS_S3_ENDPOINT_URL"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="eu-west-3",
    ).list_objects_v2(Bucket=bucket_env["AWS_STORAGE_BUCKET_NAME"])
    assert [o["Key"] for o in objects["Contents"]] == [f"private/imports/{run.report['upload']['file']}"]

    _share_database(bucket_env)
    done = run_host(bucket_env, tmp_path / "worker", RUN_IMPORT_TASK, run.pk)
    assert done["status"] == ImportRun.Status.DRY_RUN and done["processed"] == 2
    assert len(done["created"]) == 2
    assert local_files(tmp_path / "worker") == []
