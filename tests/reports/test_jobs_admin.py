"""« Publications et rapports » in the admin: agents only; a request returns at once with a queued
job and a progress page; the worker's run shows the release link or the report's downloads; one
job per kind; failures in French; a flat number of queries on the list."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opendata import releases
from reports import jobs
from reports.models import BackgroundJob
from tests.factories import UserFactory
from tests.portal.test_french_everywhere import WORDS, visible_text
from workflows.roles import Role

pytestmark = pytest.mark.django_db
Kind, Status = BackgroundJob.Kind, BackgroundJob.Status


def _done_report(reports_root, agent) -> BackgroundJob:
    job = jobs.request_job(kind=Kind.REPORT, actor=agent, parameters={"as_of": "2018-03-10"}, enqueue=False)
    return jobs.run_job(job_id=job.pk)


def _urls(job) -> list[str]:
    return [
        reverse("reports_jobs"),
        reverse("reports_job_release"),
        reverse("reports_job_report"),
        reverse("reports_job_detail", args=[job.pk]),
        reverse("reports_job_progress", args=[job.pk]),
        reverse("reports_job_file", args=[job.pk, "xlsx"]),
        reverse("reports_job_file", args=[job.pk, "pdf"]),
    ]


def test_only_dgos_agents(client, reports_root, portfolio, budget_agent, editor, member_a):
    job = _done_report(reports_root, budget_agent)
    # Editors reach the admin but not these pages: Wagtail turns the refusal into a redirect home.
    client.force_login(editor)
    for url in _urls(job):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url
    assert client.post(reverse("reports_job_release")).status_code == 302
    assert "publications-et-rapports" not in client.get("/admin/").content.decode()
    # Establishment members and anonymous visitors never reach the admin: sign-in page, no content.
    for user in (member_a, None):
        client.logout()
        if user:
            client.force_login(user)
        for url in _urls(job):
            response = client.get(url)
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url
        response = client.post(reverse("reports_job_report"), {"as_of": "2018-03-10"})
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert BackgroundJob.objects.count() == 1
    client.force_login(budget_agent)
    home = client.get("/admin/").content.decode()
    assert "publications-et-rapports" in home and "Publications et rapports" in home


def test_release_request_returns_at_once_with_a_progress_page(client, releases_root, budget_agent, project_a):
    client.force_login(budget_agent)
    form = client.get(reverse("reports_job_release")).content.decode()
    assert "Publier maintenant" in form and "aucune pour l'instant" in form
    response = client.post(reverse("reports_job_release"))
    job = BackgroundJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports_job_detail", args=[job.pk]
    )
    assert job.status == Status.QUEUED and not releases.list_releases()  # nothing ran in the request
    page = client.get(response["Location"]).content.decode()
    assert 'id="job-progress"' in page and "<progress" in page and "En attente" in page
    assert "web/background_progress.js" in page and not re.search(
        r"<script(?![^>]*\bsrc=)[^>]*>", page[page.index('id="job-progress"') :]
    )
    progress = client.get(reverse("reports_job_progress", args=[job.pk])).json()
    assert progress == {
        "status": "queued",
        "status_label": "en attente",
        "done": 0,
        "total": None,
        "percent": 0,
        "finished": False,
    }

    jobs.run_background_job.call(job.pk)  # what the db_worker does
    job.refresh_from_db()
    assert job.status == Status.DONE
    progress = client.get(reverse("reports_job_progress", args=[job.pk])).json()
    assert progress == {**progress, "finished": True, "percent": 100, "done": 6, "total": 6}
    page = client.get(response["Location"]).content.decode()
    name = job.result["release"]
    assert 'id="job-progress"' not in page
    assert f'href="/donnees/{name}/"' in page and f"Publication {name} écrite" in page
    assert client.get(f"/donnees/{name}/").status_code == 200


def test_report_request_then_downloads(
    client, reports_root, portfolio, budget_agent, django_capture_on_commit_callbacks
):
    client.force_login(budget_agent)
    # The dashboard links to the form with its filters.
    dashboard = client.get("/admin/indicateurs/?as_of=2018-03-10&programme=PHRCN").content.decode()
    assert (
        "/admin/publications/rapport/?programme=PHRCN&amp;year=&amp;region=&amp;as_of=2018-03-10" in dashboard
    )
    form = client.get(reverse("reports_job_report") + "?as_of=2018-03-10&programme=PHRCN").content.decode()
    assert 'value="2018-03-10"' in form and '<option value="PHRCN" selected>' in form
    with django_capture_on_commit_callbacks(execute=True):  # the immediate backend runs the task
        response = client.post(reverse("reports_job_report"), {"as_of": "2018-03-10", "programme": "PHRCN"})
    job = BackgroundJob.objects.get()
    assert job.status == Status.DONE and job.parameters["programme"] == "PHRCN"
    page = client.get(response["Location"]).content.decode()
    assert "Rapport terminé" in page and "au 10 mars 2018 — programme PHRCN" in page
    xlsx_url = reverse("reports_job_file", args=[job.pk, "xlsx"])
    pdf_url = reverse("reports_job_file", args=[job.pk, "pdf"])
    assert f'href="{xlsx_url}"' in page and f'href="{pdf_url}"' in page
    xlsx = client.get(xlsx_url)
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert xlsx["Content-Disposition"] == 'attachment; filename="sirano-indicateurs-2018-03-10.xlsx"'
    assert {"private", "no-store"} <= {part.strip() for part in xlsx["Cache-Control"].split(",")}
    assert xlsx["X-Content-Type-Options"] == "nosniff"
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"
    pdf = client.get(pdf_url)
    assert pdf["Content-Disposition"] == 'attachment; filename="sirano-indicateurs-2018-03-10.pdf"'
    assert b"".join(pdf.streaming_content)[:5] == b"%PDF-"
    assert client.get(reverse("reports_job_file", args=[job.pk, "csv"])).status_code == 404


def test_report_form_refuses_bad_input_in_french(client, budget_agent, portfolio):
    client.force_login(budget_agent)
    response = client.post(reverse("reports_job_report"), {"as_of": "2999-01-01"})
    assert response.status_code == 200 and "dans le futur" in response.content.decode()
    response = client.post(reverse("reports_job_report"), {"as_of": "31/02/2018"})
    assert "Date invalide" in response.content.decode()
    assert not BackgroundJob.objects.exists()


def test_double_submission_leads_to_the_running_job(client, budget_agent, instructing_agent, reference):
    client.force_login(budget_agent)
    first = client.post(reverse("reports_job_release"))
    client.force_login(instructing_agent)
    second = client.post(reverse("reports_job_release"), follow=True)
    job = BackgroundJob.objects.get()
    assert first["Location"] == second.redirect_chain[-1][0] == reverse("reports_job_detail", args=[job.pk])
    assert "Une publication des données ouvertes est déjà en cours" in second.content.decode()
    # The list and the form offer to follow it instead of a second button.
    listing = client.get(reverse("reports_jobs")).content.decode()
    assert (
        "Publication en cours : suivre son avancement" in listing
        and "Publier les données ouvertes" not in listing
    )
    assert "Publier maintenant" not in client.get(reverse("reports_job_release")).content.decode()


def test_failure_shows_a_french_message(client, releases_root, budget_agent, project_a, monkeypatch):
    client.force_login(budget_agent)
    client.post(reverse("reports_job_release"))
    job = BackgroundJob.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(releases, "write_changelog", broken)
    with pytest.raises(RuntimeError):  # the worker logs the traceback
        jobs.run_background_job.call(job.pk)
    page = client.get(reverse("reports_job_detail", args=[job.pk])).content.decode()
    assert "La publication a échoué" in page and "boom" not in page and 'id="job-progress"' not in page
    assert not releases.list_releases()
    assert client.get(reverse("reports_job_progress", args=[job.pk])).json()["finished"] is True


def test_files_outside_the_job_directory_are_never_served(
    client, reports_root, portfolio, budget_agent, tmp_path
):
    job = _done_report(reports_root, budget_agent)
    secret = tmp_path / "secret.xlsx"
    secret.write_bytes(b"PK")
    BackgroundJob.objects.filter(pk=job.pk).update(result={"xlsx": str(secret), "pdf": "../../etc/passwd"})
    client.force_login(budget_agent)
    for file_format in ("xlsx", "pdf"):
        assert client.get(reverse("reports_job_file", args=[job.pk, file_format])).status_code == 404


def test_list_query_count_is_flat(client, budget_agent, django_assert_max_num_queries):
    client.force_login(budget_agent)
    client.get(reverse("reports_jobs"))  # warm the per-process caches (site, menu)
    counts = []
    now = timezone.now()
    for total in (3, 30):
        while BackgroundJob.objects.count() < total:
            user = UserFactory(roles=[Role.BUDGET_AGENT])
            BackgroundJob.objects.create(
                kind=Kind.REPORT,
                status=Status.DONE,
                actor=user,
                created_at=now,
                updated_at=now,
                parameters={"as_of": "2018-03-10", "programme": "PHRCN", "region": "IDF", "year": 2017},
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports_jobs")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[1]):
        client.get(reverse("reports_jobs"))


def test_pages_in_french(client, reports_root, releases_root, portfolio, budget_agent):
    done = _done_report(reports_root, budget_agent)
    now = timezone.now()
    failed = BackgroundJob.objects.create(
        kind=Kind.RELEASE, status=Status.FAILED, created_at=now, updated_at=now, error="Échec de test."
    )
    queued = jobs.request_job(kind=Kind.REPORT, actor=budget_agent, enqueue=False)
    client.force_login(budget_agent)
    for url in (
        reverse("reports_jobs"),
        reverse("reports_job_release"),
        reverse("reports_job_report"),
        *(reverse("reports_job_detail", args=[job.pk]) for job in (done, failed, queued)),
    ):
        text = visible_text(client.get(url).content.decode())
        assert WORDS.findall(text) == [], url
        assert not re.search(r"\b(queued|running|done|failed|release|report)\b", text), url
    listing = visible_text(client.get(reverse("reports_jobs")).content.decode())
    assert (
        "Rapport des indicateurs (XLSX et PDF)" in listing and "Échec" in listing and "En attente" in listing
    )


def test_one_shared_progress_script():
    assert finders.find("web/background_progress.js")
    assert not finders.find("agents/import_progress.js")


def test_files_written_by_the_command_or_removed_are_named_not_served(
    client, reports_root, portfolio, budget_agent, tmp_path
):
    call_command("build_report", "--as-of", "2018-03-10", "--out", str(tmp_path / "rapport.xlsx"))
    command_job = BackgroundJob.objects.get()
    removed = _done_report(reports_root, budget_agent)
    (reports_root / str(removed.pk) / "sirano-indicateurs-2018-03-10.pdf").unlink()
    client.force_login(budget_agent)
    page = client.get(reverse("reports_job_detail", args=[command_job.pk])).content.decode()
    assert f"hors de l'espace des rapports : {tmp_path / 'rapport.xlsx'}" in page
    assert "/telecharger/" not in page and "SIRANo (automatique)" in page
    page = client.get(reverse("reports_job_detail", args=[removed.pk])).content.decode()
    assert "Télécharger le XLSX" in page and "Le fichier PDF n'est plus disponible." in page
    assert client.get(reverse("reports_job_file", args=[removed.pk, "pdf"])).status_code == 404
