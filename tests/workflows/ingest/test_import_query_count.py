"""Issue 18: an import's queries do not grow with its rows (beyond its batches), and what the
bulk paths write is what a save would have written."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.workflows.ingest.builders import OPENDATA_HEADER, opendata_row, write_csv
from workflows.ingest.services import LOADED_MODELS, import_projects_file
from workflows.models import Establishment, Girci, Project, TrancheRequest
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
