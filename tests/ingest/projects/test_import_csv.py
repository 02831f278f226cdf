"""CSV files: encodings (cp1252, UTF-8 with or without BOM), separators, header spellings, and the
bad rows of issue point 6, each rejected with a French reason naming row, column and value."""

import json

import pytest

from ingest.projects.headers import MappingError
from ingest.projects.readers import UnreadableFile
from ingest.projects.services import import_projects_file
from tests.ingest.projects.builders import OPENDATA_HEADER, opendata_row, write_csv
from workflows.ledger import historical_rank
from workflows.models import Call, Establishment, ImportRun, Investigator, Project, TrancheRequest

pytestmark = pytest.mark.django_db

LEGACY_HEADER = ["Appel à projets", "ANNEE", "acronyme", "Intitulé", "PI", "N° FINESS", "Etablissement",
                 "Financement total", "N° NCT", "Numéro de tranche", "Date de sélection", "Observations"]  # fmt: skip


def legacy_rows():
    return [
        ["Tableau de suivi DGOS"],
        [],
        LEGACY_HEADER,
        ["PHRC-N", "2016", "ALPHA", "Étude œsophage – ‘pilote’", "Pr Jean DUPONT", "690781810",
         "Hospices Civils de Lyon", "1\u00a0234\u00a0567,89 €", "NCT02611440, CRD42015024052", "Aucune tranche", "2016-03-14", ""],
        ["PHRC K", "2017", "BETA", "Second", "Marie Martin", "750712184", "AP-HP", "1234567.89", "", "3", "02/05/2017", "ok"],
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [
        ("cp1252", ";"),
        ("utf-8", ";"),
        ("utf-8-sig", ";"),
        ("utf-8", ","),
        ("utf-8-sig", ","),
        ("cp1252", "\t"),
    ],
)
def test_encodings_and_separators(tmp_path, establishment_a, establishment_b, encoding, separator):
    path = write_csv(tmp_path / "stock.csv", legacy_rows(), encoding=encoding, separator=separator)
    _run, outcome = import_projects_file(path=path)

    assert (outcome.created, outcome.rejected) == (2, [])
    assert outcome.source == {
        "type": "csv",
        "encoding": encoding if encoding != "utf-8" else "utf-8",
        "separator": separator,
    }
    assert outcome.mapping["csv"]["header_row"] == 3
    assert outcome.mapping["csv"]["columns"] == {
        "Appel à projets": "call",
        "ANNEE": "year",
        "acronyme": "acronym",
        "Intitulé": "title",
        "PI": "pi_full_name",
        "N° FINESS": "finess",
        "Etablissement": "establishment_name",
        "Financement total": "amount",
        "N° NCT": "registry",
        "Numéro de tranche": "tranche",
        "Date de sélection": "selected_on",
    }
    assert outcome.mapping["csv"]["ignored"] == ["Observations"]
    alpha = Project.objects.get(acronym="ALPHA")
    assert alpha.title == "Étude œsophage – ‘pilote’"
    assert not TrancheRequest.objects.filter(milestone__project=alpha).exists()
    assert (
        str(alpha.selected_on) == "2016-03-14"
        and str(Project.objects.get(acronym="BETA").selected_on) == "2017-05-02"
    )
    assert sorted((r.registry, r.identifier) for r in alpha.registrations.all()) == [
        ("clinicaltrials", "NCT02611440"),
        ("prospero", "CRD42015024052"),
    ]
    beta = Project.objects.get(acronym="BETA")
    assert (beta.call.code, historical_rank([beta.pk])[beta.pk], beta.investigator.last_name) == (
        "PHRCK",
        3,
        "Martin",
    )


def test_opendata_format_detected_with_comma_separator(tmp_path, reference):
    path = write_csv(
        tmp_path / "od.csv",
        [
            OPENDATA_HEADER,
            opendata_row(
                finess="10780054",
                nom_etablissement="CH DE BOURG",
                region="Auvergne-Rhône-Alpes",
                type_etablissement="CH",
            ),
        ],
        encoding="utf-8-sig",
        separator=",",
    )
    _run, outcome = import_projects_file(path=path)
    assert outcome.format == "opendata" and outcome.created == 1
    assert Establishment.objects.get().finess == "010780054"


BAD_HEADER = [
    "AAP",
    "Année",
    "Acronyme",
    "Titre",
    "Nom PI",
    "Prénom PI",
    "FINESS",
    "Établissement",
    "Montant",
]


def test_bad_rows_are_rejected_with_precise_reasons(tmp_path, establishment_a):
    rows = [
        BAD_HEADER,
        ["PHRCN", "2016", "OK1", "Titre 1", "DUPONT", "Jean", "690781810", "", "1000"],  # 2: valid
        ["PHRCN", "2016", "NOTITLE", "", "DUPONT", "Jean", "690781810", "", "1000"],  # 3
        ["PHRC-Z", "2016", "BADPROG", "Titre", "DUPONT", "Jean", "690781810", "", "1000"],  # 4
        ["PHRCN", "2016", "BADFIN", "Titre", "DUPONT", "Jean", "123456789", "CH TEST", "1000"],  # 5
        ["PHRCN", "2019", "NEG", "Titre", "DUPONT", "Jean", "350005179", "CHRU RENNES", "-5 000"],  # 6
        ["PHRCN", "2016", "NAN", "Titre", "DUPONT", "Jean", "690781810", "", "trois mille"],  # 7
        ["PHRCN", "1987", "OLD", "Titre", "DUPONT", "Jean", "690781810", "", "1000"],  # 8
        [
            "phrc-n",
            "2016",
            "ok1",
            "Titre bis",
            "Dupont",
            "JEAN",
            "690781810",
            "",
            "2000",
        ],  # 9: duplicate of 2
        [
            "PHRCI",
            "2015",
            "OK2",
            "Titre 2",
            "MARTIN",
            "Marie",
            "",
            "Hospices civils de Lyon",
            "1 000,50",
        ],  # 10: valid
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    before = (Establishment.objects.count(), Call.objects.count(), Investigator.objects.count())

    run, outcome = import_projects_file(path=path)

    assert (outcome.created, outcome.updated, outcome.unchanged) == (2, 0, 0)
    reasons = {entry["row"]: entry["errors"] for entry in outcome.rejected}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9]
    assert reasons[3] == ["Ligne 3, colonne « Titre » : titre manquant."]
    assert reasons[4][0].startswith("Ligne 4, colonne « AAP » : programme « PHRC-Z » inconnu")
    assert reasons[5] == [
        "Ligne 5, colonne « FINESS » : Le numéro FINESS « 123456789 » a une clé de contrôle invalide."
    ]
    assert reasons[6] == ["Ligne 6, colonne « Montant » : montant « -5 000 » négatif."]
    assert reasons[7] == ["Ligne 7, colonne « Montant » : montant « trois mille » illisible."]
    assert reasons[8][0].startswith("Ligne 8, colonne « Année » : année « 1987 » impossible")
    assert reasons[9] == [
        "Ligne 9, colonne « Acronyme » : projet « ok1 » en double — ligne 2 porte déjà le même appel, "
        "la même année, le même porteur et le même établissement."
    ]
    # Rejected rows wrote nothing: no establishment for CHRU Rennes, no 2019 call, no extra investigator.
    assert not Establishment.objects.filter(finess="350005179").exists()
    assert not Call.objects.filter(year=2019).exists()
    assert (Establishment.objects.count(), Investigator.objects.count()) == (before[0], before[2] + 2)
    assert set(Project.objects.values_list("acronym", flat=True)) == {"OK1", "OK2"}
    assert run.rejected_count == 7 and run.report["rejected"][0] == {"row": 3, "errors": reasons[3]}


def test_several_errors_on_one_row_are_all_listed(tmp_path, reference):
    path = write_csv(tmp_path / "x.csv", [BAD_HEADER, ["PHRCX", "19", "", "", "", "", "12", "", "-1"]])
    _run, outcome = import_projects_file(path=path)
    [entry] = outcome.rejected
    assert len(entry["errors"]) == 7
    assert all(error.startswith("Ligne 2, colonne « ") for error in entry["errors"])


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_mapping_override(tmp_path, establishment_a, suffix):
    rows = [["Prog", "An", "Sigle", "Libellé", "Resp", "FINESS", "Total", "Titre"],
            ["PHRCN", "2016", "OVR", "Le vrai titre", "Pr Jean DUPONT", "690781810", "10", "pas ceci"]]  # fmt: skip
    path = write_csv(tmp_path / "odd.csv", rows)
    with pytest.raises(UnreadableFile, match="Aucun en-tête reconnu"):
        import_projects_file(path=path)
    mapping = {"Prog": "call", "An": "year", "Sigle": "acronym", "Libellé": "title", "Resp": "pi_full_name",
               "Total": "amount", "Titre": None}  # fmt: skip
    mapping_file = tmp_path / f"mapping{suffix}"
    if suffix == ".json":
        mapping_file.write_text(json.dumps({"columns": mapping}), encoding="utf-8")
    else:
        mapping_file.write_text(
            "".join(f"{k}: {v if v else 'null'}\n" for k, v in mapping.items()), encoding="utf-8"
        )

    _run, outcome = import_projects_file(path=path, mapping_path=mapping_file)

    assert outcome.created == 1
    assert outcome.mapping["csv"]["columns"]["Libellé"] == "title"
    assert set(outcome.mapping["csv"]["overridden"]) == set(mapping)
    assert outcome.mapping["csv"]["ignored"] == ["Titre"]
    assert Project.objects.get().title == "Le vrai titre"


def test_bad_mapping_file_is_refused(tmp_path, reference):
    bad = tmp_path / "m.json"
    bad.write_text('{"AAP": "programme_x"}', encoding="utf-8")
    path = write_csv(tmp_path / "x.csv", [BAD_HEADER])
    with pytest.raises(MappingError, match="champ inconnu"):
        import_projects_file(path=path, mapping_path=bad)
    assert not ImportRun.objects.exists()
