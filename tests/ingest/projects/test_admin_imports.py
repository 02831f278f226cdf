"""Wagtail admin import pages: upload → dry run → confirm → history; agents and admins only."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.ingest.projects.builders import OPENDATA_HEADER, opendata_row, write_csv
from workflows.models import ImportRun, Project
from workflows.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(tmp_path, establishment_a):
    rows = [
        OPENDATA_HEADER,
        opendata_row(),
        opendata_row(acronyme="BETA"),
        opendata_row(acronyme="BAD", financement_total="-1"),
    ]
    path = write_csv(tmp_path / "projets.csv", rows)
    return path


def test_agent_uploads_previews_and_confirms(
    client, instructing_agent, upload, django_capture_on_commit_callbacks
):
    client.force_login(instructing_agent)
    with upload.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ingest_import_upload"), {"file": handle, "format": "auto"})
    dry = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("ingest_import_detail", args=[dry.pk])
    assert dry.status == ImportRun.Status.DRY_RUN and not Project.objects.exists()

    page = client.get(response.url).content.decode()
    assert "Simulation : rien n'a encore été écrit" in page
    assert "Ligne 4, colonne « financement_total » : montant « -1 » négatif." in page
    assert "appel_a_projets" in page and "Confirmer l'import" in page
    # The mapping names the fields in French, never by their code.
    assert "Appel à projets (programme)" in page and "Nom du porteur" in page
    assert ">call<" not in page and ">pi_last_name<" not in page
    # Row by row: what will be created.
    assert "Projets qui seront créés" in page and "BETA" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ingest_import_confirm", args=[dry.pk]))
    real = ImportRun.objects.get(status=ImportRun.Status.DONE)
    assert response.url == reverse("ingest_import_detail", args=[real.pk])
    assert (real.created_count, real.rejected_count, real.actor) == (2, 1, instructing_agent)
    assert Project.objects.count() == 2
    # Confirming twice does nothing more.
    client.post(reverse("ingest_import_confirm", args=[dry.pk]))
    assert ImportRun.objects.filter(status=ImportRun.Status.DONE).count() == 1
    history = client.get(reverse("ingest_import_history")).content.decode()
    assert "projets.csv" in history and "simulation" in history and "terminé" in history


def test_dry_run_page_shows_old_and_new_values(
    client, instructing_agent, upload, tmp_path, django_capture_on_commit_callbacks
):
    from ingest.projects.services import import_projects_file

    import_projects_file(path=upload)
    changed = write_csv(tmp_path / "v2.csv", [OPENDATA_HEADER, opendata_row(titre="Nouveau titre")])
    client.force_login(instructing_agent)
    with changed.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ingest_import_upload"), {"file": handle, "format": "opendata"})
    page = client.get(response.url).content.decode()
    assert "Mises à jour (avant → après)" in page
    assert "Étude œsophage – ‘pilote’" in page and "Nouveau titre" in page


def test_unreadable_upload_shows_the_reason_on_the_field(client, instructing_agent, tmp_path, reference):
    bad = tmp_path / "vide.csv"
    bad.write_bytes(b"")
    client.force_login(instructing_agent)
    with bad.open("rb") as handle:
        response = client.post(reverse("ingest_import_upload"), {"file": handle, "format": "auto"})
    assert response.status_code == 200
    assert "vide" in response.content.decode() and not ImportRun.objects.exists()
    with (tmp_path / "x.pdf").open("wb") as handle:
        handle.write(b"%PDF")
    with (tmp_path / "x.pdf").open("rb") as handle:
        response = client.post(reverse("ingest_import_upload"), {"file": handle, "format": "auto"})
    assert "Extension « .pdf » refusée" in response.content.decode()


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.INSTRUCTING_AGENT])
def test_allowed_roles(client, reference, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("ingest_import_history")).status_code == 200
    assert client.get(reverse("ingest_import_upload")).status_code == 200


def test_other_roles_are_refused(client, budget_agent, member_a, editor):
    for user in (budget_agent, editor):
        client.force_login(user)
        for name in ("ingest_import_history", "ingest_import_upload"):
            response = client.get(reverse(name))
            # Wagtail turns PermissionDenied into a redirect to the admin home with a message.
            assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
    client.force_login(member_a)
    assert client.get(reverse("ingest_import_history")).status_code == 302  # no admin access at all
    client.logout()
    assert client.get(reverse("ingest_import_history")).status_code == 302


def test_history_query_count_is_flat(client, instructing_agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(instructing_agent)
    client.get(reverse("ingest_import_history"))  # warm the per-process caches (site, menu)
    counts = []
    for total in (3, 40):
        while ImportRun.objects.count() < total:
            ImportRun.objects.create(file_name="f.csv", actor=instructing_agent, status=ImportRun.Status.DONE)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("ingest_import_history")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[0] <= 20


def test_import_runs_in_the_background_with_progress(
    client, instructing_agent, upload, django_capture_on_commit_callbacks
):
    """The upload returns at once with a queued run; the page shows progress until the worker ends."""
    client.force_login(instructing_agent)
    with upload.open("rb") as handle:
        response = client.post(reverse("ingest_import_upload"), {"file": handle, "format": "auto"})
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.QUEUED and not Project.objects.exists()
    page = client.get(response.url).content.decode()
    assert 'id="import-progress"' in page and "<progress" in page
    progress = client.get(reverse("ingest_import_progress", args=[run.pk])).json()
    assert progress["finished"] is False and progress["status"] == "queued"
    from ingest.projects.tasks import run_project_import

    run_project_import.call(run.pk)  # what the db_worker does
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DRY_RUN and (run.done, run.total) == (3, 3)
    progress = client.get(reverse("ingest_import_progress", args=[run.pk])).json()
    assert progress == {**progress, "finished": True, "percent": 100, "done": 3, "total": 3}
    page = client.get(response.url).content.decode()
    assert 'id="import-progress"' not in page and "Confirmer l'import" in page


def test_double_submission_leads_to_one_run(client, instructing_agent, upload):
    client.force_login(instructing_agent)
    for _attempt in range(2):
        with upload.open("rb") as handle:
            client.post(
                reverse("ingest_import_upload"), {"file": handle, "format": "auto", "submission": "abc123"}
            )
    assert ImportRun.objects.count() == 1
    page = client.get(reverse("ingest_import_upload")).content.decode()
    assert 'name="submission"' in page and 'data-controller="w-progress"' in page


def test_double_confirmation_queues_one_import(
    client, instructing_agent, upload, django_capture_on_commit_callbacks
):
    client.force_login(instructing_agent)
    with upload.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ingest_import_upload"), {"file": handle, "format": "auto"})
    dry = ImportRun.objects.get()
    client.post(reverse("ingest_import_confirm", args=[dry.pk]))
    client.post(reverse("ingest_import_confirm", args=[dry.pk]))
    assert ImportRun.objects.filter(dry_run=False).count() == 1


def test_expired_dry_runs_are_removed_with_their_file(
    client, instructing_agent, upload, settings, django_capture_on_commit_callbacks
):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from ingest.projects.services import upload_exists

    client.force_login(instructing_agent)
    with upload.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ingest_import_upload"), {"file": handle, "format": "auto"})
    dry = ImportRun.objects.get()
    stored = dry.report["upload"]["file"]
    assert upload_exists(stored)
    call_command("expire_import_dry_runs")
    assert ImportRun.objects.filter(pk=dry.pk).exists()  # still fresh
    ImportRun.objects.filter(pk=dry.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=settings.IMPORT_DRY_RUN_TTL_HOURS + 1)
    )
    call_command("expire_import_dry_runs")
    assert not ImportRun.objects.filter(pk=dry.pk).exists() and not upload_exists(stored)
