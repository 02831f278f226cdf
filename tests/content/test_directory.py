"""The project directory: search, facets with counts, sort, pagination, CSV, flat query count."""

from __future__ import annotations

import csv
import datetime
import io
import random
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from content.directory.views import CSV_COLUMNS
from demo.portfolio import seed_portfolio
from tests.factories import EstablishmentFactory, InvestigatorFactory, ProjectFactory
from workflows import visibility
from workflows.data_version import bump_data_version
from workflows.models import Discipline, EstablishmentType, Region, Visibility
from workflows.reference import get_or_create_call

URL = "/projets/"


@pytest.fixture
def catalogue(reference):
    """Three public projects and one internal, with distinct facet values."""
    cardio = Discipline.objects.get(code="cardiologie")
    neuro = Discipline.objects.get(code="neurologie")
    lyon = EstablishmentFactory(
        finess="690781810", name="HOSPICES CIVILS DE LYON", type=EstablishmentType.CHUR, region=Region.ARA
    )
    brest = EstablishmentFactory(name="CHRU BREST", type=EstablishmentType.CH, region=Region.BRE)
    return {
        "telecard": ProjectFactory(
            acronym="TELECARD",
            title="Télésurveillance de l'insuffisance cardiaque",
            discipline=cardio,
            establishment=lyon,
            award_amount=Decimal("612000"),
            investigator=InvestigatorFactory(last_name="MERCIER", first_name="Claire"),
        ),
        "avc": ProjectFactory(
            acronym="AVCREHAB",
            call=get_or_create_call("PHRCI", 2019),
            discipline=neuro,
            establishment=brest,
            award_amount=Decimal("90000"),
            selected_on=datetime.date(2019, 7, 1),
        ),
        "big": ProjectFactory(
            acronym="GRANDCOEUR",
            call=get_or_create_call("PHRCN", 2021),
            discipline=cardio,
            establishment=brest,
            award_amount=Decimal("1500000"),
            selected_on=datetime.date(2021, 7, 1),
        ),
        "hidden": ProjectFactory(
            acronym="SECRETPROJ", discipline=cardio, establishment=lyon, visibility=Visibility.INTERNAL
        ),
    }


def acronyms(response) -> list[str]:
    return [p.acronym for p in response.context["page_obj"].object_list]


def test_lists_public_projects_only(client, catalogue):
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(acronyms(response)) == ["AVCREHAB", "GRANDCOEUR", "TELECARD"]
    assert "SECRETPROJ" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cardiologie", ["GRANDCOEUR", "TELECARD"]),  # discipline label
        ("mercier", ["TELECARD"]),  # investigator
        ("brest", ["AVCREHAB", "GRANDCOEUR"]),  # establishment
        ("insuffisance cardiaque", ["TELECARD"]),  # every word must match
        ("avcrehab", ["AVCREHAB"]),  # acronym, any case
        ("introuvable", []),
    ],
)
def test_full_text_search(client, catalogue, query, expected):
    assert sorted(acronyms(client.get(URL, {"q": query}))) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"programme": "PHRCN", "annee": "2016"}, ["TELECARD"]),
        ({"programme": ["PHRCN", "PHRCI"]}, ["AVCREHAB", "GRANDCOEUR", "TELECARD"]),
        ({"region": "BRE"}, ["AVCREHAB", "GRANDCOEUR"]),
        ({"etablissement": "690781810"}, ["TELECARD"]),
        ({"type": "CH"}, ["AVCREHAB", "GRANDCOEUR"]),
        ({"discipline": "neurologie"}, ["AVCREHAB"]),
        ({"montant": "lt100k"}, ["AVCREHAB"]),
        ({"montant": ["300k-1m", "gte1m"]}, ["GRANDCOEUR", "TELECARD"]),
        ({"statut": "completed"}, []),
    ],
)
def test_facet_filters(client, catalogue, params, expected):
    assert sorted(acronyms(client.get(URL, params))) == expected


def test_facet_counts_ignore_their_own_selection(client, catalogue):
    """Disjunctive facets: choosing PHRCN still shows how many PHRCI projects there are."""
    response = client.get(URL, {"programme": "PHRCN", "discipline": "cardiologie"})
    groups = {
        g["name"]: {o["value"]: o["count"] for o in g["options"]} for g in response.context["facet_groups"]
    }
    assert groups["programme"] == {"PHRCN": 2}  # PHRCI has no cardiology project
    assert groups["discipline"] == {"cardiologie": 2}
    assert groups["annee"] == {"2016": 1, "2021": 1}
    assert groups["region"] == {"ARA": 1, "BRE": 1}
    assert groups["montant"] == {"300k-1m": 1, "gte1m": 1}
    selected = [o for g in response.context["facet_groups"] for o in g["options"] if o["selected"]]
    assert {o["value"] for o in selected} == {"PHRCN", "cardiologie"}


def test_sort_and_invalid_values(client, catalogue):
    assert acronyms(client.get(URL, {"tri": "-montant"})) == ["GRANDCOEUR", "TELECARD", "AVCREHAB"]
    assert acronyms(client.get(URL, {"tri": "montant"})) == ["AVCREHAB", "TELECARD", "GRANDCOEUR"]
    response = client.get(URL, {"programme": "NOPE"})
    assert response.status_code == 200
    assert "Certains critères ne sont pas valides" in response.content.decode()


def test_pagination_keeps_the_query(client, reference):
    ProjectFactory.create_batch(25, with_milestones=False)
    response = client.get(URL, {"programme": "PHRCN"})
    assert len(response.context["page_obj"].object_list) == 20
    body = response.content.decode()
    assert "?programme=PHRCN&amp;page=2" in body
    second = client.get(URL, {"programme": "PHRCN", "page": "2"})
    assert len(second.context["page_obj"].object_list) == 5


def test_active_filters_are_removable_tags(client, catalogue):
    response = client.get(URL, {"q": "coeur", "region": "BRE"})
    tags = {t["label"]: t["remove"] for t in response.context["active_filters"]}
    assert tags["Bretagne"] == "q=coeur"
    assert tags["« coeur »"] == "region=BRE"


def test_csv_has_the_same_results_and_public_columns_only(client, catalogue):
    response = client.get(reverse("projects:csv"), {"discipline": "cardiologie", "tri": "acronyme"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [c[0] for c in CSV_COLUMNS] + ["url"]
    assert [r[4] for r in rows[1:]] == ["GRANDCOEUR", "TELECARD"]
    telecard = dict(zip(rows[0], rows[2], strict=True))
    assert telecard["financement_total"] == "612000,00"
    assert telecard["url"].endswith(f"/projets/{catalogue['telecard'].public_id}/")
    assert "SECRETPROJ" not in text


def test_csv_columns_are_public_in_the_registry():
    for header, field, _getter in CSV_COLUMNS:
        assert visibility.is_visible("project", field, visibility.Tier.PUBLIC), header


def every_facet_on() -> dict:
    """Every facet active with all its values, so results exist at both sizes."""
    from content.directory.filters import AWARD_RANGES, facet_choices
    from workflows.models import ProjectStatus

    choices = facet_choices()
    return {
        "q": "essai",
        "programme": [c for c, _label in choices["programme"]],
        "annee": [c for c, _label in choices["annee"]],
        "etablissement": [c for c, _label in choices["etablissement"]],
        "region": list(Region.values),
        "type": list(EstablishmentType.values),
        "discipline": [c for c, _label in choices["discipline"]],
        "statut": list(ProjectStatus.values),
        "montant": list(AWARD_RANGES),
        "tri": "-montant",
    }


def _queries_for(client, django_assert_max_num_queries, limit: int) -> int:
    client.get(URL)  # warm the per-process caches (site, settings) out of the measure
    params = every_facet_on()
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(URL, params)
        assert response.status_code == 200
        assert len(response.context["page_obj"].object_list) > 0
        client.get(URL, {**params, "page": "2"})
    return len(captured.captured_queries)


@pytest.mark.postgres
def test_directory_query_count_is_flat_from_50_to_850_projects(
    client, reference, django_assert_max_num_queries
):
    today = datetime.date(2026, 11, 1)
    seed_portfolio(projects=50, rng=random.Random(1), today=today)
    small = _queries_for(client, django_assert_max_num_queries, 40)
    seed_portfolio(projects=800, rng=random.Random(2), today=today)
    bump_data_version()  # as the seeding's commit would: the test's transaction never commits
    large = _queries_for(client, django_assert_max_num_queries, 40)
    print(f"directory, every facet on, 2 requests: {small} queries at 50 projects, {large} at 850")
    assert small == large


@pytest.mark.parametrize("params", [{"annee": "2016"}, {"programme": "PHRCN", "annee": "2016"}, "every"])
def test_filtered_pages_and_counts_need_no_distinct(client, catalogue, params):
    """Every facet follows a single-valued relation: a project is one row, so neither the page,
    its count nor the facet counts ask the database to deduplicate whole project rows (a year
    alone used to be the slowest directory page: `SELECT DISTINCT` of every column, counted)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from web import page_store

    page_store.clear_local_copies()
    bump_data_version()
    params = every_facet_on() if params == "every" else params
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    project_queries = [q["sql"] for q in queries.captured_queries if 'FROM "workflows_project"' in q["sql"]]
    assert len(project_queries) >= 3  # the page, its count, the facets
    deduplicated = re.compile(r'SELECT DISTINCT "workflows_project"|COUNT\(DISTINCT "workflows_project"')
    assert [sql for sql in project_queries if deduplicated.search(sql)] == []


@pytest.mark.parametrize(
    "params", [{"programme": "PHRCN", "type": "CH"}, {"region": "BRE", "annee": "2021"}, "every"]
)
def test_facet_counts_join_no_reference_table(client, catalogue, params):
    """Facets over a programme, a region, a type, an establishment or a discipline count by the
    project's own foreign key and filter by lists of keys (`web.catalogue_names`), with `COUNT(*)`:
    a join, or counting the primary key, made PostgreSQL read the whole wide project table for a
    type or a region (28 ms at 40,000 projects; 5 ms from the index)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from web import page_store

    page_store.clear_local_copies()
    bump_data_version()
    params = every_facet_on() if params == "every" else params
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, params).status_code == 200
    counts = [
        q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and "workflows_project" in q["sql"]
    ]
    assert counts
    tables = ("workflows_call", "workflows_programme", "workflows_establishment", "workflows_discipline")
    assert [sql for sql in counts if any(f'JOIN "{table}"' in sql for table in tables)] == []
    # nor count or select the primary key: PostgreSQL then counts from the covering facet indexes
    key = '"workflows_project"."id"'
    assert [
        sql for sql in counts if f"COUNT({key})" in sql or f"SELECT {key}" in sql or f", {key}" in sql
    ] == []
