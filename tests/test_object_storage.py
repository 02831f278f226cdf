"""Issue 22 point 3, stateless processes: with a bucket configured, what one process stores is read
by another process that has a different, empty SIRANO_VAR_DIR (think: two hosts), and no model
keeps a file on the local disk.

Each process is a real `python` started with the production settings and the `AWS_*` variables,
against moto's S3 server over HTTP; the database is shared (a SQLite file or the PostgreSQL test
database).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from tests.object_storage_support import local_files, run_host, s3_client, share_database
from workflows import services

pytestmark = pytest.mark.django_db(transaction=True)
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
signed = {alias: (storages[alias].querystring_auth, storages[alias].default_acl) for alias in named}
print(json.dumps({"fields": fields, "named": named, "local": local, "prefixes": prefixes, "signed": signed}))
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
    # No public object, no unsigned URL: private files are streamed by views that check access.
    assert all(signed == [True, None] for signed in found["signed"].values())


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
    share_database(bucket_env)

    written = run_host(bucket_env, tmp_path / "host-a", ATTACH_EVIDENCE, request.pk, member_a.pk)
    read = run_host(bucket_env, tmp_path / "host-b", DOWNLOAD_EVIDENCE, written["pk"], member_a.pk)

    assert read["status"] == 200
    assert read["body"].endswith("% evidence from host A\n")
    assert local_files(tmp_path / "host-a") == [] and local_files(tmp_path / "host-b") == []


PUBLISH = """
from opendata.releases import publish_release
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
    share_database(bucket_env)
    published = run_host(bucket_env, tmp_path / "worker", PUBLISH)
    served = [run_host(bucket_env, tmp_path / f"web-{n}", SERVE_LATEST) for n in (1, 2)]

    assert served[0] == served[1]
    assert served[0]["page"] == 200 and served[0]["status"] == 200
    assert served[0]["location"] == f"/donnees/{published['name']}/projects.csv"
    assert project_a.public_id in served[0]["body"]
    for host in ("worker", "web-1", "web-2"):
        assert local_files(tmp_path / host) == []


RUN_IMPORT_TASK = """
from ingest.projects.tasks import run_project_import
from workflows.models import ImportRun
result = run_project_import.call(int(sys.argv[1]))
run = ImportRun.objects.get(pk=int(sys.argv[1]))
print(json.dumps({"status": run.status, "processed": run.done, "created": run.report.get("creations", [])}))
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
    bucket_env, settings, tmp_path, client, instructing_agent, establishment_a, reference
):
    from django.urls import reverse

    from tests.ingest.projects.builders import OPENDATA_HEADER, opendata_row, write_csv
    from workflows.models import ImportRun

    bucket_settings(settings, bucket_env)
    # The queue only records the task: the worker is another process, below.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    path = write_csv(
        tmp_path / "projets.csv", [OPENDATA_HEADER, opendata_row(), opendata_row(acronyme="BETA")]
    )
    client.force_login(instructing_agent)
    with path.open("rb") as handle:
        response = client.post(reverse("ingest_import_upload"), {"file": handle, "format": "auto"})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.QUEUED
    # The web host kept nothing on its own disk: the upload is in the bucket.
    assert not any(p.is_file() for p in Path(settings.PRIVATE_STORAGE_ROOT).parent.rglob("*"))
    objects = s3_client(bucket_env).list_objects_v2(Bucket=bucket_env["AWS_STORAGE_BUCKET_NAME"])
    assert [o["Key"] for o in objects["Contents"]] == [f"private/imports/{run.report['upload']['file']}"]

    share_database(bucket_env)
    done = run_host(bucket_env, tmp_path / "worker", RUN_IMPORT_TASK, run.pk)
    assert done["status"] == ImportRun.Status.DRY_RUN and done["processed"] == 2
    assert len(done["created"]) == 2
    assert local_files(tmp_path / "worker") == []
