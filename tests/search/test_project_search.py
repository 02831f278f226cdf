"""The project search on small, built data: identifiers of every registry, the index kept current
on every write path, relevance tiers, suggestions for an empty result."""

from __future__ import annotations

import datetime
import random

import pytest
from django.core.management import call_command
from django.db import connection

from demo.portfolio import seed_portfolio
from search.query import RELEVANCE, parse, search_projects, suggest
from search.text import stem
from tests.factories import InvestigatorFactory, ProjectFactory
from workflows.models import (
    Discipline,
    Project,
    ProjectSearchDocument,
    ProjectStatus,
    SearchTerm,
    TrialRegistration,
)

# Two engines (PostgreSQL full text, SQLite's own index): the `sqlite` mark runs these on both.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def found(text: str) -> list[str]:
    return list(
        search_projects(Project.objects.all(), text)
        .order_by(f"-{RELEVANCE}", "public_id")
        .values_list("acronym", flat=True)
    )


@pytest.fixture
def projects(reference):
    cardio = Discipline.objects.get(code="cardiologie")
    return {
        "telecard": ProjectFactory(
            acronym="TELECARD",
            title="Télésurveillance de l'insuffisance cardiaque",
            summary="Essai randomisé contrôlé.",
            discipline=cardio,
            investigator=InvestigatorFactory(last_name="DRÉNO", first_name="Brigitte"),
        ),
        "card": ProjectFactory(acronym="CARDIO-VIE", title="Qualité de vie après une chirurgie cardiaque"),
        "mention": ProjectFactory(acronym="ETUDEX", title="Suite de l'étude TELECARD", summary="Cohorte."),
    }


@pytest.mark.parametrize(
    ("registry", "identifier", "typed"),
    [
        ("clinicaltrials", "NCT02611440", "nct02611440"),
        ("eudract", "2015-001234-56", "2015-001234-56"),
        ("eudract", "2015-001234-56", "201500123456"),
        ("euct", "2022-500123-45-00", "2022-500123-45-00"),
        ("idrcb", "2015-A01234-45", "2015-a01234-45"),
    ],
)
def test_every_registry_identifier_ranks_its_project_first(projects, registry, identifier, typed):
    registration = TrialRegistration.objects.create(registry=registry, identifier=identifier)
    projects["card"].registrations.add(registration)
    assert found(typed)[0] == "CARDIO-VIE"


def test_an_exact_acronym_beats_a_title_that_mentions_it(projects):
    assert found("telecard")[:2] == ["TELECARD", "ETUDEX"]
    assert found("Cardio Vie")[0] == "CARDIO-VIE"


def test_title_hits_rank_above_summary_hits(projects):
    ProjectFactory(acronym="AUTRE", title="Autre sujet", summary="Une chirurgie cardiaque évoquée.")
    assert found("chirurgie cardiaque") == ["CARDIO-VIE", "AUTRE"]


def test_public_id_finess_and_region(projects):
    telecard = projects["telecard"]
    assert found(telecard.public_id)[0] == "TELECARD"
    assert "TELECARD" in found(telecard.establishment.finess)
    assert set(found("Provence-Alpes-Côte d'Azur")) == {"TELECARD", "CARDIO-VIE", "ETUDEX"}


def test_punctuation_and_stop_words_are_ignored(projects):
    assert found("l'insuffisance, cardiaque !") == ["TELECARD"]
    assert found("insuffisance de cardiaque") == ["TELECARD"]


def test_typos_only_on_words_of_five_letters_or_more(projects):
    assert found("insufisance") == ["TELECARD"]
    assert set(found("cardiaqeu")) == {"TELECARD", "CARDIO-VIE"}  # transposition
    assert found("vei") == []  # "vie" with a typo: too short to be corrected
    assert found("insuffffisance") == []  # two typos


def test_the_document_follows_every_write(projects):
    telecard = projects["telecard"]
    telecard.title = "Suivi à domicile des greffés"
    telecard.save()
    assert found("greffe") == ["TELECARD"]
    assert found("insuffisance") == []

    telecard.establishment.name = "CENTRE HOSPITALIER DE MORLAIX"
    telecard.establishment.save()
    assert found("morlaix") == ["TELECARD"]

    telecard.investigator.last_name = "KERGUELEN"
    telecard.investigator.save()
    assert found("kerguelen") == ["TELECARD"]

    registration = TrialRegistration.objects.create(registry="clinicaltrials", identifier="NCT01234567")
    telecard.registrations.add(registration)
    assert found("NCT01234567") == ["TELECARD"]
    registration.projects.remove(telecard)
    assert found("NCT01234567") == []

    telecard.status = ProjectStatus.COMPLETED
    telecard.save(update_fields=["status"])
    assert found("greffes") == ["TELECARD"]


def test_bulk_paths_and_rebuild_index_every_project(reference):
    seed_portfolio(projects=60, rng=random.Random(3), today=datetime.date(2026, 11, 1))
    assert ProjectSearchDocument.objects.count() == Project.objects.count() == 60
    sample = Project.objects.order_by("public_id")[7]
    assert found(sample.public_id)[0] == sample.acronym
    ProjectSearchDocument.objects.all().delete()
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ProjectSearchDocument.objects.count() == 60
    assert found(sample.public_id)[0] == sample.acronym


def test_an_empty_result_suggests_the_nearest_terms(projects):
    assert found("insuffisence cardiake") == []
    suggestion = suggest("insuffisence cardiake")
    assert suggestion.corrected == "insuffisance cardiaque"
    assert "insuffisance" in suggestion.terms
    assert found(suggestion.corrected) == ["TELECARD"]
    assert not suggest("telecard")


def test_only_stop_words_is_no_search(projects):
    assert not parse("de la")
    assert len(found("de la")) == 3


@pytest.mark.postgres
def test_postgres_stems_like_the_sqlite_pipeline(projects):
    """The two databases must reduce words alike: PostgreSQL's french_stem and Snowball agree."""
    vocabulary = list(SearchTerm.objects.values_list("word", flat=True))
    assert vocabulary
    with connection.cursor() as cursor:
        cursor.execute("SELECT w, (ts_lexize('french_stem', w))[1] FROM unnest(%s::text[]) w", [vocabulary])
        for word, lexeme in cursor.fetchall():
            assert stem(word) == lexeme, word


@pytest.mark.parametrize(
    "text", ["x" * 200, "!!! ???", '"OR" AND (NEAR', "é" * 60, "a:* & !b | c", " ".join(["abcdefgh"] * 20)]
)
def test_odd_input_is_only_text(projects, text):
    """Operators of FTS5 or tsquery typed by a visitor are words, never syntax."""
    assert isinstance(found(text), list)


def test_directory_offers_the_correction_and_no_empty_csv(client, projects):
    response = client.get("/projets/", {"q": "insuffisence cardiake"})
    html = response.content.decode()
    assert response.context["paginator"].count == 0
    assert "resultats.csv" not in html
    assert response.context["suggestion"]["corrected"] == "insuffisance cardiaque"
    assert "Essayez plutôt" in html
    assert "q=insuffisance+cardiaque" in html
    followed = client.get("/projets/", {"q": "insuffisance cardiaque"})
    assert [p.acronym for p in followed.context["page_obj"].object_list] == ["TELECARD"]
    assert "resultats.csv" in followed.content.decode()
    assert followed.context["current_sort"] == "pertinence"
    assert client.get("/projets/").context["current_sort"] == "-annee"


def test_api_orders_by_relevance_with_a_search_only(client, projects):
    searched = client.get("/api/v1/projects/", {"search": "telecard"}).json()["results"]
    assert [row["acronym"] for row in searched] == ["TELECARD", "ETUDEX"]
    assert client.get("/api/v1/projects/", {"ordering": "relevance"}).status_code == 200
    plain = [row["public_id"] for row in client.get("/api/v1/projects/").json()["results"]]
    assert plain == sorted(plain)
