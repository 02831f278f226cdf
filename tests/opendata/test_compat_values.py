"""`sirano.csv` from `values_list` rows is byte for byte the file the model-instance writer made
(the reference below is that writer, as it was before issue 18), in a flat number of queries."""

from __future__ import annotations

import datetime
import random

import pytest
from django.core.management import call_command
from django.db.models import Prefetch

from demo.portfolio import seed_portfolio
from fileformats import csv as safe_csv
from opendata import compat_csv
from tests.factories import ProjectFactory
from workflows import ledger
from workflows.models import Project, TrialRegistration, Visibility
from workflows.selectors import with_funding_figures
from workflows.validators import Registry

pytestmark = pytest.mark.django_db


class _Line:
    def __init__(self) -> None:
        self.value = ""

    def write(self, text: str) -> None:
        self.value = text


def reference_bytes() -> bytes:
    """The writer before issue 18: model instances, prefetched registrations."""
    projects = (
        with_funding_figures(Project.objects.public())
        .select_related("call__programme", "establishment", "investigator", "discipline")
        .prefetch_related(
            Prefetch("registrations", queryset=TrialRegistration.objects.order_by("identifier"))
        )
        .order_by("call__year", "call__code", "public_id")
    )
    line = _Line()
    writer = safe_csv.writer(line, delimiter=";", lineterminator="\r\n")
    out = []
    writer.writerow(compat_csv.COLUMNS)
    out.append(line.value.encode("cp1252", errors="replace"))
    for project in projects:
        establishment = project.establishment
        tranche = project.tranche_number or 0
        writer.writerow(
            [
                project.call.code,
                str(project.call.year),
                establishment.get_region_display(),
                establishment.name,
                establishment.finess,
                establishment.type,
                project.acronym,
                project.title,
                project.discipline_raw or (project.discipline.label if project.discipline else ""),
                project.pi_last_name,
                project.pi_first_name,
                compat_csv.decimal_comma(project.award_amount),
                ", ".join(r.identifier for r in project.registrations.all()),
                str(tranche) if tranche else compat_csv.NO_TRANCHE,
            ]
        )
        out.append(line.value.encode("cp1252", errors="replace"))
    return b"".join(out)


@pytest.fixture
def portfolio(reference):
    seed_portfolio(projects=60, rng=random.Random(7), today=datetime.date(2026, 6, 1))
    odd = ProjectFactory(
        acronym='=HYPERLINK("x")',
        title='Cœur – essai ‘pilote’ ; « guillemets » "doubles" 漢字',
        discipline=None,
        discipline_raw="",
        historical_tranches=3,
    )
    odd.published_pi_last_name, odd.published_pi_first_name = "+Dupont", "@Anne"
    odd.save()
    for identifier, registry in (
        ("NCT07654321", Registry.CLINICALTRIALS),
        ("2015-001234-12", Registry.EUDRACT),
    ):
        odd.registrations.add(TrialRegistration.objects.create(registry=registry, identifier=identifier))
    ProjectFactory(acronym="SECRET", visibility=Visibility.INTERNAL)
    ledger.record_historical_tranches(
        entries=[ledger.HistoricalStock(project_id=p.pk, last_rank=1) for p in Project.objects.public()[:5]]
    )


def test_values_writer_is_byte_identical_to_the_instance_writer(portfolio):
    expected = reference_bytes()
    assert expected.count(b"\r\n") > 50
    assert b"".join(compat_csv.iter_csv_bytes()) == expected


def test_export_opendata_writes_the_same_bytes(portfolio, tmp_path):
    call_command("export_opendata", str(tmp_path / "sirano.csv"))
    assert (tmp_path / "sirano.csv").read_bytes() == reference_bytes()


def test_cells_stay_formula_neutral(portfolio):
    text = b"".join(compat_csv.iter_csv_bytes()).decode("cp1252")
    assert ';"\'=HYPERLINK(""x"")";' in text and ";'+Dupont;'@Anne;" in text
    assert "2015-001234-12, NCT07654321;3\r\n" in text


def test_query_count_is_flat(portfolio, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        small = sum(1 for _ in compat_csv.iter_csv_bytes(chunk_size=10))
    ProjectFactory.create_batch(30)
    with django_assert_max_num_queries(2):
        large = sum(1 for _ in compat_csv.iter_csv_bytes(chunk_size=10))
    assert large == small + 30
