"""Rows naming an establishment SIRANo does not know are imported; the establishment is created
"à compléter" (type inferred from its name when unambiguous) and only a bad FINESS rejects a row."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ingest.projects.normalise import infer_type
from ingest.projects.services import import_projects_file
from tests.factories import UserFactory
from tests.ingest.projects.builders import OPENDATA_HEADER, opendata_row, write_csv, write_xlsx
from workflows.establishment_services import complete_establishment
from workflows.models import AuditEvent, Establishment, ImportRun, Project
from workflows.roles import Role
from workflows.validators import luhn_ok

pytestmark = pytest.mark.django_db


def finess(prefix: str) -> str:
    """A valid all-digit FINESS: the 8-digit prefix and its Luhn key."""
    return next(prefix + str(key) for key in range(10) if luhn_ok(prefix + str(key)))


def bad_key(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


#: (name, FINESS, type expected from the name or "" when no rule is sure)
UNKNOWN = [
    ("CHU de Nîmes", finess("30078050"), "CHUR"),
    ("CHRU de Brest", finess("29002131"), "CHUR"),
    ("Centre hospitalier de Gap", finess("05000012"), "CH"),
    ("Centre de lutte contre le cancer François Baclesse", finess("14000027"), "CLCC"),
    ("Institut Paoli-Calmettes", finess("13000434"), "CLCC"),
    ("GCS Hôpitaux du Sud", finess("83000211"), "GCS"),
    ("EPSM de la Marne", finess("51000042"), "EPSM"),
    ("Clinique Saint-Joseph", finess("44000301"), ""),
    ("Fondation Rothschild", finess("75001234"), ""),
]

HEADER = ["Programme", "Année", "Acronyme", "Titre", "Établissement", "FINESS", "Porteur", "Montant"]


def legacy_rows(count: int, *, start: int = 0) -> list[list[object]]:
    """`count` valid projects spread over the unknown establishments, FINESS read as numbers."""
    rows = []
    for index in range(start, start + count):
        name, number, _kind = UNKNOWN[index % len(UNKNOWN)]
        rows.append(
            ["PHRC-N", 2015 + index % 5, f"ACR{index:03d}", f"Projet {index}", name, int(number),
             f"Pr Jeanne MARTIN{index}", 100000 + index]
        )  # fmt: skip
    return rows


def test_legacy_workbook_without_type_column_rejects_nothing_valid(tmp_path, reference, instructing_agent):
    bad_length = ["PHRC-N", 2016, "LONG", "Titre", "CH de Nulle Part", "12345", "Pr Luc PETIT", 1000]
    wrong_key = [
        "PHRC-N",
        2016,
        "KEY",
        "Titre",
        "CH d'Ailleurs",
        bad_key(finess("01000123")),
        "Pr Luc PETIT",
        1000,
    ]
    path = write_xlsx(
        tmp_path / "stock.xlsx",
        {
            "2015-2019": [["Suivi DRCI"], HEADER, *legacy_rows(120), bad_length],
            "Suite": [HEADER, *legacy_rows(80, start=120), wrong_key],
        },
    )

    run, outcome = import_projects_file(path=path, actor=instructing_agent)

    assert outcome.created == 200 and Project.objects.count() == 200
    assert len(outcome.rejected) == 2  # only the bad FINESS, nothing else
    reasons = " ".join(error for entry in outcome.rejected for error in entry["errors"])
    assert "12345" in reasons and "FINESS" in reasons
    created = {e.finess: e for e in Establishment.objects.all()}
    assert set(created) == {number for _name, number, _kind in UNKNOWN}
    for name, number, kind in UNKNOWN:
        establishment = created[number]
        assert (establishment.name, establishment.type, establishment.to_complete) == (name, kind, True)
        assert establishment.region  # from the FINESS département
        assert establishment.projects.count() > 0
    assert created[finess("30078050")].region == "OCC"
    # Reported as warnings (once per new establishment), never as rejections.
    assert run.warning_count == len(outcome.warnings) >= len(UNKNOWN)
    assert any("Clinique Saint-Joseph" in w and "type inconnu" in w for w in outcome.warnings)
    assert any("CHU de Nîmes" in w and "type CHUR déduit du nom" in w for w in outcome.warnings)
    assert all(entry["to_complete"] for entry in run.report["new_establishments"])
    assert len(run.report["new_establishments"]) == len(UNKNOWN)


def test_type_column_given_creates_a_complete_establishment(tmp_path, reference):
    gap, gap_finess, _kind = UNKNOWN[2]
    clinic, clinic_finess, _kind = UNKNOWN[7]
    rows = [
        OPENDATA_HEADER,
        opendata_row(nom_etablissement=gap, finess=gap_finess, type_etablissement="CH", region="Provence-Alpes-Côte d'Azur"),
        opendata_row(acronyme="B", nom_etablissement=clinic, finess=clinic_finess, type_etablissement="Clinique", region="Pays de Loire"),
    ]  # fmt: skip
    path = write_csv(tmp_path / "projets.csv", rows)

    _run, outcome = import_projects_file(path=path)

    assert (outcome.created, outcome.rejected) == (2, [])
    complete = Establishment.objects.get(finess=gap_finess)
    assert (complete.type, complete.region, complete.to_complete) == ("CH", "PAC", False)
    garbled = Establishment.objects.get(finess=clinic_finess)
    # Unknown type and region labels are warnings: region from the FINESS, type left to an agent.
    assert (garbled.type, garbled.region, garbled.to_complete) == ("", "PDL", True)
    assert any("« Clinique » inconnu" in w for w in outcome.warnings)
    assert any("région « Pays de Loire » inconnue" in w for w in outcome.warnings)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CHU de Poitiers", "CHUR"),
        ("Centre hospitalier régional universitaire de Lille", "CHUR"),
        ("CH de Bourg-en-Bresse", "CH"),
        ("Centre Léon Bérard", "CLCC"),
        ("Institut de cancérologie de l'Ouest", "CLCC"),
        ("GCS Réseau des hôpitaux", "GCS"),
        ("Établissement public de santé mentale Lille-Métropole", "EPSM"),
        ("CHS de Blain", "EPSM"),
        ("Institut Pasteur", None),  # an institute is not a CLCC unless it treats cancer
        ("GCS Centre hospitalier de Cornouaille", "GCS"),  # the legal entity is the GCS
        ("GCS Institut de cancérologie de Lorraine", None),  # two clues: left to an agent
        ("Hôpital Foch", None),
    ],
)
def test_type_inferred_only_when_unambiguous(name, expected):
    assert infer_type(name) == expected


@pytest.fixture
def administrator(reference):
    return UserFactory(username="admin-dgos", roles=[Role.ADMINISTRATOR])


@pytest.fixture
def to_complete(reference):
    return Establishment.objects.create(
        finess=finess("44000301"), name="Clinique Saint-Joseph", type="", region="PDL", to_complete=True
    )


def test_completing_is_an_audited_service(to_complete, administrator, instructing_agent):
    with pytest.raises(PermissionDenied):
        complete_establishment(
            establishment=to_complete, actor=instructing_agent, name="X", type="EBNL", region="PDL"
        )
    with pytest.raises(ValidationError) as error:
        complete_establishment(establishment=to_complete, actor=administrator, name="X", type="", region="")
    assert set(error.value.message_dict) == {"type", "region"}
    assert not AuditEvent.objects.filter(action="complete_establishment").exists()

    done = complete_establishment(
        establishment=to_complete,
        actor=administrator,
        name="Clinique Saint-Joseph",
        type="EBNL",
        region="PDL",
    )

    assert (done.type, done.to_complete, done.girci) == ("EBNL", False, "GO")
    event = AuditEvent.objects.get(action="complete_establishment")
    assert event.actor == administrator and to_complete.finess in event.comment and "EBNL" in event.comment


@pytest.fixture
def _unhashed_static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.mark.usefixtures("_unhashed_static")
def test_admin_lists_and_completes_establishments_to_complete(
    client, to_complete, establishment_a, administrator
):
    client.force_login(administrator)
    listing = reverse("wagtailsnippets_workflows_establishment:list")

    page = client.get(listing, {"to_complete": "true"}).content.decode()
    assert "Clinique Saint-Joseph" in page and "HOSPICES CIVILS DE LYON" not in page

    edit = reverse("wagtailsnippets_workflows_establishment:edit", args=[to_complete.pk])
    data = {
        "finess": to_complete.finess,
        "name": "Clinique Saint-Joseph",
        "type": "",
        "region": "PDL",
        "girci": "",
        "contact_email": "",
    }
    response = client.post(edit, data)
    assert response.status_code == 200  # type required from an agent
    to_complete.refresh_from_db()
    assert to_complete.to_complete

    response = client.post(edit, {**data, "type": "EBNL"})
    assert response.status_code == 302
    to_complete.refresh_from_db()
    assert (to_complete.type, to_complete.to_complete) == ("EBNL", False)
    assert AuditEvent.objects.filter(action="complete_establishment", actor=administrator).count() == 1
    client.get(listing)  # shows (and consumes) the "modifié" message
    page = client.get(listing, {"to_complete": "true"}).content.decode()
    assert "Clinique Saint-Joseph" not in page


def test_history_shows_warning_count(client, tmp_path, instructing_agent, reference, _unhashed_static):
    path = write_xlsx(tmp_path / "s.xlsx", {"S": [HEADER, *legacy_rows(3)]})
    import_projects_file(path=path, actor=instructing_agent)
    client.force_login(instructing_agent)
    run = ImportRun.objects.get()
    assert run.warning_count == 3
    page = client.get(reverse("ingest_import_history")).content.decode()
    assert "Avertissements" in page
    detail = client.get(reverse("ingest_import_detail", args=[run.pk])).content.decode()
    assert "À compléter" in detail and "CHU de Nîmes" in detail
