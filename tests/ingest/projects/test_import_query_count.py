"""Issue 18: an import's queries do not grow with its rows (beyond its batches), and what the
bulk paths write is what a save would have written."""

from types import SimpleNamespace

import pytest
import wagtail.tasks
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from ingest.projects.services import LOADED_MODELS, import_projects_file
from tests.factories import EstablishmentFactory, ProjectFactory
from tests.ingest.projects.builders import OPENDATA_HEADER, opendata_row, write_csv
from workflows.models import Establishment, Girci, Project, TrancheRequest
from workflows.reference import DEFAULT_SCHEDULE, get_or_create_call, get_or_create_calls
from workflows.validators import luhn_ok

pytestmark = pytest.mark.django_db


def finess(index: int) -> str:
    base = f"69{index:06d}"
    return next(base + key for key in "0123456789" if luhn_ok(base + key))


def rows(count: int) -> list[list[str]]:
    """`count` projects of one call, each with its own new establishment, investigator and trial."""
    return [OPENDATA_HEADER] + [
        opendata_row(
            nom_etablissement=f"CENTRE HOSPITALIER DE TEST {index}",
            finess=finess(5000 + index),
            acronyme=f"Q{index:04d}",
            nom_porteur=f"NOM{index:04d}",
            numero_registre_essais=f"NCT{10_000_000 + index}",
            numero_tranche=str(1 + index % 5),
        )
        for index in range(count)
    ]


def statements(captured: list[dict]) -> int:
    """Statements sent, one bulk insert counting once: SQLite takes at most 999 parameters per
    statement, so Django splits a bulk insert of 500 rows into consecutive INSERTs (PostgreSQL
    receives the rows by COPY, which sends no statement per row either)."""
    count, previous = 0, ""
    for query in captured:
        sql = query["sql"]
        table = sql.split(" (", 1)[0] if sql.startswith("INSERT INTO") else ""
        if not (table and table == previous):
            count += 1
        previous = table
    return count


def statements_of_dry_run(tmp_path, count: int) -> int:
    path = write_csv(tmp_path / f"rows{count}.csv", rows(count))
    with CaptureQueriesContext(connection) as context:
        _run, outcome = import_projects_file(path=path, dry_run=True, batch_size=500)
    assert outcome.created == count and not outcome.rejected
    assert len(outcome.new_establishments) == count
    return statements(context.captured_queries)


def test_query_count_does_not_grow_with_rows(tmp_path, reference):
    fifty = statements_of_dry_run(tmp_path, 50)
    five_hundred = statements_of_dry_run(tmp_path, 500)
    # 500 rows are one batch as 50 are (each row with its own new establishment, investigator
    # and trial); the only extra is the ANALYZE round (one statement per table the import fills)
    # that a load of 500 rows triggers on PostgreSQL.
    analyze = len(LOADED_MODELS) if connection.vendor == "postgresql" else 0
    assert five_hundred <= fifty + analyze, (fifty, five_hundred)


def test_bulk_created_establishments_are_complete(tmp_path, reference):
    path = write_csv(tmp_path / "rows.csv", [*rows(3), opendata_row(acronyme="SAME", finess=finess(5000))])
    run, outcome = import_projects_file(path=path)

    assert (outcome.created, len(outcome.new_establishments)) == (4, 3)
    establishment = Establishment.objects.get(finess=finess(5000))
    assert establishment.normalised_name == "CENTRE HOSPITALIER DE TEST 0"
    assert (establishment.region, establishment.girci) == ("ARA", Girci.ARA)
    assert (establishment.import_run, establishment.source_row) == (run, 2)
    assert establishment.created_at is not None
    # The fourth row names the first row's new FINESS: the same establishment, created once.
    assert Project.objects.get(acronym="SAME").establishment == establishment
    assert TrancheRequest.objects.filter(is_historical=True, milestone__project__acronym="SAME").count() == 2


def test_query_count_does_not_grow_with_new_calls(tmp_path, reference, monkeypatch):
    """Calls met for the first time are created together (they were ~30 statements each). Wagtail
    is told of each new call and schedule as a save would tell it (a task per object, run by the
    worker in production, inline under the tests' immediate task backend: left out of the count)."""
    enqueued = []
    monkeypatch.setattr(
        wagtail.tasks, "update_reference_index_task", SimpleNamespace(enqueue=lambda *a: enqueued.append(a))
    )

    def dry_run(name: str, years: list[int]) -> int:
        lines = [OPENDATA_HEADER] + [
            opendata_row(
                acronyme=f"C{index:03d}", nom_porteur=f"NOM{index:03d}", annee_de_selection=str(year)
            )
            for index, year in enumerate(years)
        ]
        with CaptureQueriesContext(connection) as context:
            _run, outcome = import_projects_file(path=write_csv(tmp_path / name, lines), dry_run=True)
        assert outcome.created == len(years) and not outcome.rejected
        return statements(context.captured_queries)

    one_call = dry_run("one.csv", [2016] * 24)
    many_calls = dry_run("many.csv", list(range(2001, 2025)))
    assert many_calls <= one_call, (one_call, many_calls)
    # PHRCN 2016, then (the first dry run rolled back) the 24 calls of 2001–2024
    assert sorted(model for _app, model, _pk in enqueued) == ["call"] * 25 + ["fundingschedule"] * 25


def test_calls_created_together_get_the_default_schedule(reference):
    created = get_or_create_calls([("phrcn", 2023), ("PREPS-IQ", 2024), ("PHRCN", 2016)])
    again = get_or_create_calls([("PHRCN", 2023), ("PREPS-IQ", 2024)])

    assert {key: call.pk for key, call in again.items()} == {
        key: created[key].pk for key in [("PHRCN", 2023), ("PREPS-IQ", 2024)]
    }
    assert get_or_create_call("phrcn", 2023) == created[("PHRCN", 2023)]
    assert created[("PREPS-IQ", 2024)].programme.code == "PREPS"
    for (_code, year), call in created.items():
        schedule = call.current_schedule()
        assert call.title == f"{call.programme.name} {year}"
        assert schedule.version == 1 and schedule.results_required_for_last_tranche == (year >= 2024)
        templates = list(schedule.milestone_templates.order_by("rank"))
        assert [
            (t.rank, t.label, t.share_percent, t.planned_delay_months, t.is_results_milestone)
            for t in templates
        ] == [
            (rank, label, share, delay, results)
            for rank, label, _codes, share, delay, results in DEFAULT_SCHEDULE
        ]
        assert [sorted(t.evidence_types.values_list("code", flat=True)) for t in templates] == [
            sorted(codes) for _rank, _label, codes, *_rest in DEFAULT_SCHEDULE
        ]


def test_a_reimport_reads_only_the_projects_its_rows_may_match(tmp_path, reference):
    """An investigator's other projects (other years, other establishments) are not loaded to
    match a row: a re-import's batch reads what its keys name, not the portfolio it grew into."""
    line = opendata_row(acronyme="SEUL", nom_porteur="DUPONT", prenom_porteur="Jean")
    _run, first = import_projects_file(path=write_csv(tmp_path / "first.csv", [OPENDATA_HEADER, line]))
    assert first.created == 1
    held = Project.objects.get(acronym="SEUL")
    for year in range(2001, 2016):  # the same investigator elsewhere and earlier
        ProjectFactory(
            call=get_or_create_call("PHRCN", year),
            investigator=held.investigator,
            establishment=EstablishmentFactory(),
        )
    other_call = [  # and a second row of the file whose call is one of those years
        opendata_row(acronyme=f"AUTRE{year}", nom_porteur="MARTIN", annee_de_selection=str(year))
        for year in (2005, 2010)
    ]
    loaded = []

    def count(sender, instance, **kwargs):
        loaded.append(instance.pk)

    post_init.connect(count, sender=Project)
    try:
        _run, again = import_projects_file(
            path=write_csv(tmp_path / "again.csv", [OPENDATA_HEADER, line, *other_call])
        )
    finally:
        post_init.disconnect(count, sender=Project)
    assert (again.unchanged, again.created) == (1, 2)
    assert held.pk in loaded
    # the held project, and the two new ones built for insertion: none of the 15 others
    assert len(loaded) == 3, loaded
