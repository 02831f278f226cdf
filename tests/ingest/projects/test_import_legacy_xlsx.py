"""Legacy XLSX workbooks: title lines, blank rows, merged group headers, several sheets, English
labels, Excel dates and numbers, one-cell investigators, FINESS read as numbers."""

import datetime
from decimal import Decimal

import pytest

from ingest.projects.services import import_projects_file
from tests.ingest.projects.builders import write_xlsx
from workflows.models import Establishment, Investigator, Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def workbook(tmp_path):
    group = [None, None, None, "Établissement", None, "Porteur", None]
    header = ["AAP", "Année", "Acronyme", "Nom", "N° FINESS", "Nom", "Prénom", "Titre du projet",
              "Montant alloué (€)", "Date de notification", "Commentaire interne"]  # fmt: skip
    sheet_2016 = [
        ["Suivi des projets PHRC — export DRCI"],
        [],
        group,
        header,
        ["PHRC-N", 2016, "POITOU", "CHU de Poitiers", 860014208, "DUPONT", "Jean", "Un titre", 1234567.89,
         datetime.datetime(2016, 3, 14), "à relancer"],
        [],
        ["phrcn", 2016.0, "BRESSE", "CH de Bourg en Bresse", 10780054, "DUPONT", "Jean", "Autre titre",
         "1 234 567,89 €", "14/03/2016", None],
    ]  # fmt: skip
    sheet_2017 = [
        ["Projects selected in 2017"],
        ["Call", "Year", "Acronym", "Project title", "Principal investigator", "Hospital", "FINESS number",
         "Amount", "Selection date", "Extra"],
        ["PHRC N", 2017, "LYON1", "English title", "Pr Marie MARTIN", "Hospices civils de Lyon", "690781810",
         "1.234.567,89", 42800, "x"],
    ]  # fmt: skip
    notes = [["Ce classeur est tenu par la DRCI."], ["Dernière mise à jour : 2018"]]
    return write_xlsx(
        tmp_path / "stock.xlsx",
        {"2016": sheet_2016, "2017": sheet_2017, "Notes": notes},
        merges={"2016": ["D3:E3", "F3:G3"]},
    )


def test_messy_workbook_imports_every_sheet(workbook, establishment_a, instructing_agent):
    run, outcome = import_projects_file(path=workbook, actor=instructing_agent)

    assert (outcome.created, outcome.updated, outcome.unchanged, outcome.rejected) == (3, 0, 0, [])
    assert outcome.format == "legacy"
    assert outcome.mapping["2016"]["header_row"] == 4
    assert outcome.mapping["2016"]["columns"] == {
        "AAP": "call",
        "Année": "year",
        "Acronyme": "acronym",
        "Établissement Nom": "establishment_name",
        "Établissement N° FINESS": "finess",
        "Porteur Nom": "pi_last_name",
        "Porteur Prénom": "pi_first_name",
        "Titre du projet": "title",
        "Montant alloué (€)": "amount",
        "Date de notification": "selected_on",
    }
    assert outcome.mapping["2016"]["ignored"] == ["Commentaire interne"]
    assert outcome.mapping["2017"]["columns"]["Principal investigator"] == "pi_full_name"
    assert outcome.mapping["2017"]["ignored"] == ["Extra"]
    assert "Feuille « Notes » ignorée : aucun en-tête reconnu." in outcome.notes

    poitou = Project.objects.get(acronym="POITOU")
    bresse = Project.objects.get(acronym="BRESSE")
    lyon = Project.objects.get(acronym="LYON1")
    assert poitou.award_amount == bresse.award_amount == lyon.award_amount == Decimal("1234567.89")
    assert poitou.selected_on == bresse.selected_on == datetime.date(2016, 3, 14)
    assert lyon.selected_on == datetime.date(2017, 3, 6)
    assert poitou.call.code == bresse.call.code == lyon.call.code == "PHRCN"
    assert poitou.investigator == bresse.investigator  # de-duplicated across rows
    assert (lyon.investigator.title, lyon.investigator.first_name, lyon.investigator.last_name) == (
        "Pr",
        "Marie",
        "MARTIN",
    )
    assert lyon.establishment == establishment_a  # matched by FINESS
    assert bresse.establishment.finess == "010780054"  # leading zero restored
    assert (bresse.establishment.type, bresse.establishment.region) == ("CH", "ARA")
    assert (poitou.establishment.type, poitou.establishment.region) == ("CHUR", "NAQ")
    assert {e["finess"] for e in outcome.new_establishments} == {"860014208", "010780054"}
    assert (poitou.source_row, poitou.source_file, poitou.import_run) == (5, "stock.xlsx", run)
    assert poitou.milestones.count() == 5
    assert run.actor == instructing_agent and run.created_count == 3

    _run, again = import_projects_file(path=workbook, actor=instructing_agent)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Investigator.objects.count() == 2 and Establishment.objects.count() == 3


def test_establishment_matched_by_normalised_name(tmp_path, reference):
    Establishment.objects.create(
        finess="860014208", name="CENTRE HOSP. UNIVERSITAIRE DE POITIERS", type="CHUR", region="NAQ"
    )
    path = write_xlsx(
        tmp_path / "noms.xlsx",
        {"Feuil1": [["Programme", "Année", "Acronyme", "Intitulé", "PI", "Établissement", "Financement"],
                    ["PHRCI", 2015, "NOFINESS", "Titre", "Jean DUPONT", "chu de poitiers", 1000]]},
    )  # fmt: skip
    _run, outcome = import_projects_file(path=path)
    assert outcome.created == 1 and outcome.new_establishments == []
    assert Project.objects.get().establishment.finess == "860014208"


def test_bad_rows_in_a_workbook_name_sheet_row_column_and_value(tmp_path, establishment_a):
    header = ["AAP", "Année", "Acronyme", "Titre", "PI", "N° FINESS", "Montant"]
    path = write_xlsx(
        tmp_path / "mauvais.xlsx",
        {
            "Projets": [
                ["Export"],
                header,
                ["PHRCN", 2016, "OK", "Titre", "Jean DUPONT", 690781810, 1000],
                [None, None, None, None, None, None, None],
                ["PHRCN", 2016, "NOTITLE", None, "Jean DUPONT", 690781810, 1000],
                ["PHRC-Q", 2016, "BADPROG", "Titre", "Jean DUPONT", 690781810, 1000],
                ["PHRCN", 2016, "BADFIN", "Titre", "Jean DUPONT", 690781811, 1000],
                ["PHRCN", 2016, "NEG", "Titre", "Jean DUPONT", 690781810, -12.5],
                ["PHRCN", 2016, "NAN", "Titre", "Jean DUPONT", 690781810, "n.c."],
                ["PHRCN", 2099, "FUTURE", "Titre", "Jean DUPONT", 690781810, 1000],
                ["phrc n", 2016.0, "OK", "Titre", "DUPONT Jean", "690781810", 1000],
            ]
        },
    )
    _run, outcome = import_projects_file(path=path)
    assert outcome.created == 1
    reasons = {entry["row"]: entry["errors"] for entry in outcome.rejected}
    assert {entry["sheet"] for entry in outcome.rejected} == {"Projets"}
    assert reasons == {
        5: ["Feuille « Projets », ligne 5, colonne « Titre » : titre manquant."],
        6: [reasons[6][0]],
        7: [
            "Feuille « Projets », ligne 7, colonne « N° FINESS » : Le numéro FINESS « 690781811 » a une clé de contrôle invalide."
        ],
        8: ["Feuille « Projets », ligne 8, colonne « Montant » : montant « -12.5 » négatif."],
        9: ["Feuille « Projets », ligne 9, colonne « Montant » : montant « n.c. » illisible."],
        10: [reasons[10][0]],
        11: [
            "Feuille « Projets », ligne 11, colonne « Acronyme » : projet « OK » en double — feuille « Projets », "
            "ligne 3 porte déjà le même appel, la même année, le même porteur et le même établissement."
        ],
    }
    assert reasons[6][0].startswith(
        "Feuille « Projets », ligne 6, colonne « AAP » : programme « PHRC-Q » inconnu"
    )
    assert reasons[10][0].startswith(
        "Feuille « Projets », ligne 10, colonne « Année » : année « 2099 » impossible"
    )
    assert Project.objects.count() == 1
