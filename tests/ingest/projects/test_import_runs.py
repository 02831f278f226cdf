"""Runs: dry run shows old → new and writes nothing, provenance, one transaction per run,
the command's summary line, JSON report, progress bar and exit codes."""

import json

import pytest
from django.core.management import CommandError, call_command

from ingest.projects import services as ingest_services
from ingest.projects.services import import_projects_file
from tests.ingest.projects.builders import OPENDATA_HEADER, opendata_row, write_csv
from workflows.ledger import historical_rank
from workflows.models import Call, Establishment, ImportRun, Investigator, Project, ProjectMilestone
from workflows.services import copy_schedule_to_project

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (Project, Establishment, Investigator, Call, ProjectMilestone)
    }


def test_dry_run_shows_updates_and_writes_nothing(tmp_path, establishment_a, instructing_agent):
    first = write_csv(tmp_path / "v1.csv", [OPENDATA_HEADER, opendata_row(), opendata_row(acronyme="BETA")])
    run, outcome = import_projects_file(path=first, actor=instructing_agent)
    assert outcome.created == 2
    alpha = Project.objects.get(acronym="ALPHA")
    assert (alpha.import_run, alpha.source_file, alpha.source_row) == (run, "v1.csv", 2)
    assert alpha.investigator.import_run == run

    changed = write_csv(
        tmp_path / "v2.csv",
        [
            OPENDATA_HEADER,
            opendata_row(financement_total="300000,00", numero_tranche="3"),
            opendata_row(acronyme="BETA"),
        ],
    )
    before = snapshot()
    dry, preview = import_projects_file(path=changed, actor=instructing_agent, dry_run=True)
    assert snapshot() == before
    alpha.refresh_from_db()
    assert str(alpha.award_amount) == "215630.00" and alpha.import_run == run
    assert (preview.created, preview.updated, preview.unchanged) == (0, 1, 1)
    assert preview.updates == [
        {
            "row": 2,
            "public_id": alpha.public_id,
            "acronym": "ALPHA",
            "changes": {
                "financement total": ["215\u202f630,00", "300\u202f000,00"],
                "numéro de tranche": ["2", "3"],
            },
        }
    ]
    assert dry.status == ImportRun.Status.DRY_RUN and dry.dry_run and dry.updated_count == 1

    real, outcome = import_projects_file(path=changed, actor=instructing_agent)
    assert (outcome.updated, outcome.unchanged) == (1, 1)
    alpha.refresh_from_db()
    assert (str(alpha.award_amount), historical_rank([alpha.pk])[alpha.pk]) == ("300000.00", 3)
    assert (alpha.import_run, alpha.source_file) == (real, "v2.csv")
    assert real.report["updates"] == preview.updates and real.actor == instructing_agent


def link_template_evidence(call):
    """Give the call's templates their evidence types (whatever the schedule factory stored)."""
    from workflows.models import EvidenceType, MilestoneTemplate
    from workflows.reference import DEFAULT_SCHEDULE

    through = MilestoneTemplate.evidence_types.through
    evidence = {e.code: e.pk for e in EvidenceType.objects.all()}
    for template in call.current_schedule().milestone_templates.all():
        codes = next(codes for rank, _l, codes, *_rest in DEFAULT_SCHEDULE if rank == template.rank)
        through.objects.filter(milestonetemplate_id=template.pk).delete()
        through.objects.bulk_create(
            [through(milestonetemplate_id=template.pk, evidencetype_id=evidence[c]) for c in codes]
        )


def test_new_project_milestones_match_copy_schedule_to_project(tmp_path, establishment_a):
    from workflows.reference import get_or_create_call

    link_template_evidence(get_or_create_call("PHRCN", 2016))
    path = write_csv(tmp_path / "m.csv", [OPENDATA_HEADER, opendata_row()])
    import_projects_file(path=path)
    imported = Project.objects.get()
    fields = (
        "rank",
        "label",
        "share_percent",
        "is_results_milestone",
        "is_last",
        "planned_date",
        "template_id",
    )
    bulk = [
        (*(getattr(m, f) for f in fields), sorted(m.evidence_types.values_list("pk", flat=True)))
        for m in imported.milestones.order_by("rank")
    ]
    twin = Project.objects.create(
        call=imported.call, acronym="TWIN", title="t", establishment=imported.establishment,
        investigator=imported.investigator, award_amount=1, selected_on=imported.selected_on,
    )  # fmt: skip
    copy_schedule_to_project(project=twin)
    reference = [
        (*(getattr(m, f) for f in fields), sorted(m.evidence_types.values_list("pk", flat=True)))
        for m in twin.milestones.order_by("rank")
    ]
    assert bulk == reference and len(bulk) == 5
    assert sum(len(row[-1]) for row in bulk) == 7  # evidence types copied too


def test_failure_half_way_leaves_the_database_as_it_was(tmp_path, establishment_a, monkeypatch):
    rows = [OPENDATA_HEADER] + [
        opendata_row(acronyme=f"P{i}", finess=f) for i, f in enumerate(["690781810", "010780054"] * 3)
    ]
    path = write_csv(tmp_path / "f.csv", rows)
    before = snapshot()
    calls = {"n": 0}
    original = ingest_services.Writer._copy_schedules

    def explode(self, *args):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("panne disque simulée")
        return original(self, *args)

    monkeypatch.setattr(ingest_services.Writer, "_copy_schedules", explode)
    with pytest.raises(RuntimeError, match="panne disque"):
        import_projects_file(path=path, batch_size=2)
    assert calls["n"] == 2  # the first batch had been written before the failure
    assert snapshot() == before
    failed = ImportRun.objects.get()
    assert failed.status == ImportRun.Status.FAILED and "panne disque simulée" in failed.report["error"]
    assert (failed.created_count, failed.report["created"]) == (0, 0)


def test_command_summary_report_and_progress(tmp_path, establishment_a, capsys):
    rows = (
        [OPENDATA_HEADER] + [opendata_row(acronyme=f"A{i}") for i in range(2100)] + [opendata_row(titre="")]
    )
    path = write_csv(tmp_path / "long.csv", rows)
    report = tmp_path / "r.json"
    call_command("import_projects", str(path), "--report", str(report), "--format", "opendata")
    captured = capsys.readouterr()
    assert captured.out.strip().splitlines()[-1] == "created=2100 updated=0 unchanged=0 rejected=1"
    assert "2102/2102 lignes" in captured.err  # progress bar on stderr
    content = json.loads(report.read_text(encoding="utf-8"))
    assert (content["created"], content["updated"], content["unchanged"]) == (2100, 0, 0)
    assert content["rejected"] == [
        {"row": 2102, "errors": ["Ligne 2102, colonne « titre » : titre manquant."]}
    ]
    assert content["run_id"] == ImportRun.objects.get().pk


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "est vide"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel 97-2003"),
        (b"PK\x03\x04garbage", "Classeur"),
        ("nom;prénom\nx;y\n".encode(), "Aucun en-tête reconnu"),
        (
            "appel;année;acronyme;titre\nPHRCN;2016;A;T\n".encode(),
            r"colonnes obligatoires introuvables \(financement total",
        ),
    ],
)
def test_unreadable_files_exit_2_and_write_nothing(tmp_path, reference, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as error:
        call_command("import_projects", str(path))
    assert error.value.returncode == 2
    assert not Project.objects.exists()


def test_missing_file_and_wrong_opendata_header_exit_2(tmp_path, reference):
    with pytest.raises(CommandError, match="Impossible d'ouvrir") as error:
        call_command("import_projects", str(tmp_path / "absent.csv"))
    assert error.value.returncode == 2
    path = write_csv(
        tmp_path / "legacy.csv", [["AAP", "Année", "Acronyme", "Titre", "PI", "FINESS", "Montant"]]
    )
    with pytest.raises(CommandError, match="14 colonnes du format open data") as error:
        call_command("import_projects", str(path), "--format", "opendata")
    assert error.value.returncode == 2


def test_reimport_adds_higher_tranches_and_reports_a_lower_number_as_a_conflict(tmp_path, instructing_agent):
    """Money is never removed by an import: a lower numero_tranche is a conflict in the report."""
    from workflows.models import ProjectStatus, TrancheRequest

    first = write_csv(tmp_path / "v1.csv", [OPENDATA_HEADER, opendata_row(numero_tranche="2")])
    import_projects_file(path=first, actor=instructing_agent)
    alpha = Project.objects.get(acronym="ALPHA")
    historical = TrancheRequest.objects.filter(milestone__project=alpha, is_historical=True)
    assert sorted(historical.values_list("milestone__rank", flat=True)) == [1, 2]
    assert alpha.status == ProjectStatus.IN_PROGRESS
    assert set(alpha.milestones.filter(rank__lte=2).values_list("reached_before_sirano", flat=True)) == {True}

    higher = write_csv(tmp_path / "v2.csv", [OPENDATA_HEADER, opendata_row(numero_tranche="4")])
    _run, outcome = import_projects_file(path=higher, actor=instructing_agent)
    assert (outcome.updated, outcome.historical_tranches, outcome.conflicts) == (1, 2, [])
    assert sorted(historical.values_list("milestone__rank", flat=True)) == [1, 2, 3, 4]

    lower = write_csv(tmp_path / "v3.csv", [OPENDATA_HEADER, opendata_row(numero_tranche="Aucune tranche")])
    run, outcome = import_projects_file(path=lower, actor=instructing_agent)
    assert (outcome.updated, outcome.unchanged, outcome.historical_tranches) == (0, 1, 0)
    assert [c["file_rank"] for c in outcome.conflicts] == [0]
    assert "rien n'est retiré" in outcome.conflicts[0]["message"]
    assert run.report["conflicts"] == outcome.conflicts
    assert historical.count() == 4  # nothing removed


# Committed: on PostgreSQL the counts go through a connection of their own, which sees only committed rows.
@pytest.mark.django_db(transaction=True)
def test_progress_is_saved_on_the_run_while_the_rows_are_read(monkeypatch, instructing_agent):
    """The page polls the run's counts: they must hold intermediate values, not only start and end."""
    from ingest.projects import progress as progress_module
    from ingest.projects.progress import RunProgress

    run = ImportRun.objects.create(
        status=ImportRun.Status.RUNNING, file_name="x.csv", actor=instructing_agent
    )
    clock = iter(range(10_000))
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: next(clock) * 0.1)
    tracker = RunProgress(run.pk)
    written = []
    for done in range(1, 1001):
        tracker(done, 1000)
        run.refresh_from_db(fields=["done", "total"])
        if run.done and (not written or written[-1] != run.done):
            written.append(run.done)
    tracker.close()
    assert written[-1] == 1000 and run.total == 1000
    assert len(written) > 10 and all(0 < done < 1000 for done in written[:-1])
    assert written == sorted(written)


def test_the_progress_page_of_any_host_reads_the_counts_the_worker_saved(client, instructing_agent):
    """Issue 22: the worker of another host saved its counts; this web host answers them (the
    JSON file the worker used to write on its own disk was invisible here)."""
    from django.urls import reverse

    run = ImportRun.objects.create(
        status=ImportRun.Status.RUNNING,
        file_name="x.csv",
        actor=instructing_agent,
        done=500,
        total=1000,
    )
    client.force_login(instructing_agent)
    answer = client.get(reverse("ingest_import_progress", args=[run.pk])).json()
    assert (answer["done"], answer["total"], answer["percent"], answer["finished"]) == (500, 1000, 50, False)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_other_connections_during_the_import_transaction(tmp_path, instructing_agent):
    """The import runs in one transaction; its counts are committed on their own, at once."""
    from django.db import DEFAULT_DB_ALIAS, connection, connections

    from ingest.projects import progress as progress_module

    if connection.vendor != "postgresql":
        pytest.skip("SQLite (one host) has one writer: its counts show at commit")
    seen = []
    observer = connections.create_connection(DEFAULT_DB_ALIAS)
    saved = progress_module.RunProgress._save

    def save_then_look(self, done, total):
        saved(self, done, total)
        with observer.cursor() as cursor:
            cursor.execute("SELECT done FROM workflows_importrun WHERE id = %s", [self.run_id])
            seen.append(cursor.fetchone()[0])

    rows = [OPENDATA_HEADER] + [opendata_row(acronyme=f"P{i:04d}") for i in range(300)]
    run = ImportRun.objects.create(status=ImportRun.Status.QUEUED, file_name="p.csv", actor=instructing_agent)
    tracker = progress_module.RunProgress(run.pk)
    try:
        progress_module.RunProgress._save = save_then_look
        import_projects_file(
            path=write_csv(tmp_path / "p.csv", rows),
            actor=instructing_agent,
            dry_run=True,
            run=run,
            progress=tracker,
        )
    finally:
        progress_module.RunProgress._save = saved
        tracker.close()
        observer.close()
    assert seen and seen[-1] >= 300 and any(0 < count < seen[-1] for count in seen)
