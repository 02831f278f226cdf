"""Issue 13 §11: bad input gets a clear answer, never a 500 or a traceback, and writes nothing.

NUL characters in URLs, import files with a NUL byte or a one-megabyte line, three agents
confirming one dry run at the same time, and the files a failed upload leaves behind.
"""

from __future__ import annotations

import threading

import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from fileformats.storage import walk
from ingest.projects import tasks as import_tasks
from tests.ingest.projects.builders import OPENDATA_HEADER, opendata_row, write_csv
from workflows.models import ImportRun, Project

NUL_URLS = [
    "/projets/%00/",
    "/projets/?q=%00",
    "/projets/resultats.csv?q=a%00b",
    "/api/v1/projects/%00/",
    "/api/v1/projects/?search=%00",
    "/portail/projets/%00/",
    "/donnees/latest/%00",
]


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.VAR_DIR = tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize("url", NUL_URLS)
def test_nul_in_a_url_is_a_clean_404_or_400(client, member_a, project_a, url):
    client.raise_request_exception = False
    client.force_login(member_a)
    response = client.get(url)
    assert response.status_code in (400, 404), response.status_code


def nul_file(tmp_path):
    path = write_csv(tmp_path / "nul.csv", [OPENDATA_HEADER, opendata_row()])
    content = path.read_bytes()
    path.write_bytes(content.replace(b"\r\n", b"\x00\r\n", 2))
    return path


def long_line_file(tmp_path):
    path = tmp_path / "long.csv"
    path.write_bytes(b";".join(OPENDATA_HEADER_BYTES) + b"\r\n" + b"x" * (1 << 20) + b"\r\n")
    return path


OPENDATA_HEADER_BYTES = [name.encode() for name in OPENDATA_HEADER]
BAD_FILES = {
    "a NUL byte": (nul_file, "caractère nul"),
    "a 1 MB line": (long_line_file, "plus de 100"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAD_FILES))
def test_command_line_says_why_in_french(tmp_path, reference, case):
    build, message = BAD_FILES[case]
    with pytest.raises(CommandError, match=message):
        call_command("import_projects", str(build(tmp_path)))
    assert not Project.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAD_FILES))
def test_admin_upload_says_why_and_keeps_no_file(
    client, instructing_agent, tmp_path, case, django_capture_on_commit_callbacks
):
    """The dry run runs in the background: its page says why in French, no file stays behind."""
    build, message = BAD_FILES[case]
    client.force_login(instructing_agent)
    with django_capture_on_commit_callbacks(execute=True), build(tmp_path).open("rb") as handle:
        queued = client.post(reverse("ingest_import_upload"), {"file": handle, "format": "auto"})
    response = client.get(queued.url)  # the run's page, once the background dry run has ended
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED and not Project.objects.exists()
    assert list(walk(storages["private"], "imports")) == []


@pytest.mark.django_db
def test_a_dry_run_that_fails_keeps_no_file(
    client, instructing_agent, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    """Whatever the failure, the uploaded copy is removed and the run stops waiting."""

    def broken(**kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(import_tasks, "import_projects_file", broken)
    client.force_login(instructing_agent)
    path = write_csv(tmp_path / "ok.csv", [OPENDATA_HEADER, opendata_row()])
    with django_capture_on_commit_callbacks(execute=True), path.open("rb") as handle:
        client.post(reverse("ingest_import_upload"), {"file": handle, "format": "auto"})
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED
    assert list(walk(storages["private"], "imports")) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_three_parallel_confirmations_run_one_import(instructing_agent, establishment_a, tmp_path):
    path = write_csv(
        tmp_path / "projets.csv", [OPENDATA_HEADER, opendata_row(), opendata_row(acronyme="BETA")]
    )
    client = Client()
    client.force_login(instructing_agent)
    with path.open("rb") as handle:
        client.post(reverse("ingest_import_upload"), {"file": handle, "format": "auto"})
    dry = ImportRun.objects.get(status=ImportRun.Status.DRY_RUN)

    barrier = threading.Barrier(3)
    answers: list = []

    def confirm():
        agent = Client(raise_request_exception=False)
        agent.force_login(instructing_agent)
        barrier.wait()
        try:
            answers.append(agent.post(reverse("ingest_import_confirm", args=[dry.pk]), follow=True))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r.status_code for r in answers) == [200, 200, 200]
    assert ImportRun.objects.filter(status=ImportRun.Status.DONE).count() == 1
    assert Project.objects.count() == 2
    pages = [r.content.decode() for r in answers]
    assert sum("Import terminé" in page for page in pages) == 1
    assert sum("est en cours de confirmation" in page for page in pages) == 2
