"""Names that differ only by case, accents or spacing are the same name (issue 27, item 5): a
second office's file writing `Moreau` for `MOREAU` or `Chu De Nantes` reports no update and keeps
the first published form."""

from __future__ import annotations

import pytest

from ingest.projects.services import import_projects_file
from tests.ingest.projects.builders import OPENDATA_HEADER, opendata_row, write_csv
from workflows.models import Establishment, Project

pytestmark = pytest.mark.django_db

FIRST = {
    "nom_etablissement": "CHU DE NANTES",
    "finess": "440000289",
    "region": "Pays de la Loire",
    "type_etablissement": "CHU",
    "nom_porteur": "MOREAU",
    "prenom_porteur": "Hélène",
}


def run(tmp_path, name: str, **overrides):
    path = write_csv(tmp_path / name, [OPENDATA_HEADER, opendata_row(**{**FIRST, **overrides})])
    _run, outcome = import_projects_file(path=path)
    return outcome


@pytest.mark.parametrize(
    "variant",
    [
        {"nom_porteur": "Moreau", "prenom_porteur": "Helene"},
        {"nom_porteur": " moreau ", "prenom_porteur": "HÉLÈNE"},
        {
            "nom_porteur": "Moreau",
            "prenom_porteur": "Hélène",
            "nom_etablissement": "Chu De Nantes",
            "finess": "",
        },
    ],
)
def test_case_accent_and_spacing_variants_are_not_updates(tmp_path, reference, variant):
    assert run(tmp_path, "premier.csv").created == 1
    outcome = run(tmp_path, "second.csv", **variant)
    assert (outcome.created, outcome.updated, outcome.unchanged, outcome.rejected) == (0, 0, 1, [])
    assert outcome.updates == []
    project = Project.objects.get()
    assert (project.pi_last_name, project.pi_first_name) == ("MOREAU", "Hélène")
    assert list(Establishment.objects.values_list("name", flat=True)) == ["CHU DE NANTES"]


def test_a_real_change_beside_a_name_variant_reports_only_the_change(tmp_path, reference):
    run(tmp_path, "premier.csv")
    outcome = run(tmp_path, "second.csv", nom_porteur="Moreau", titre="Étude œsophage, version 2")
    assert outcome.updated == 1
    (entry,) = outcome.updates
    assert list(entry["changes"]) == ["titre"]
    project = Project.objects.get()
    assert (project.title, project.pi_last_name) == ("Étude œsophage, version 2", "MOREAU")
