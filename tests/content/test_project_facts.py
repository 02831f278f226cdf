"""The « Fiche du projet » of a project page, written in Python (`content.directory.facts`): every
field's wording and links, every value escaped."""

from __future__ import annotations

import datetime
import re

import pytest

from tests.factories import ProjectFactory
from workflows.models import TrialRegistration

pytestmark = pytest.mark.django_db


def facts(client, project) -> dict[str, str]:
    body = client.get(f"/projets/{project.public_id}/").content.decode()
    return dict(re.findall(r'<dd data-field="(\w+)">(.*?)</dd>', body, re.S))


def test_every_fact_reads_as_before(client, reference):
    project = ProjectFactory(
        acronym="DELTA", historical_tranches=2, results_url="https://r.example/x?a=1&b=2"
    )
    project.results_posted_on = datetime.date(2024, 5, 1)
    project.save()
    project.registrations.add(
        TrialRegistration.objects.create(registry="clinicaltrials", identifier="NCT01234567")
    )
    found = facts(client, project)

    assert list(found)[:3] == ["programme", "call", "year"]
    assert found["programme"].endswith(f"({project.call.programme.code})")
    assert found["year"] == str(project.call.year)
    assert found["establishment"] == (
        f'<a href="/projets/?etablissement={project.establishment.finess}">{project.establishment.name}</a>'
    )
    assert found["tranche_number"] == "tranche 2"
    assert re.fullmatch(r"[\d\u202f ]+ €", found["award_amount"].replace("\xa0", " "))
    assert found["results_url"] == (
        '<a href="https://r.example/x?a=1&amp;b=2" target="_blank" rel="noopener" '
        'title="Résultats de l’étude – nouvelle fenêtre">Consulter les résultats</a>'
    )
    assert found["results_posted_on"] == "1er mai 2024"
    assert found["registrations"] == (
        '<ul class="sirano-plain-list"><li><a href="https://clinicaltrials.gov/study/NCT01234567" '
        'target="_blank" rel="noopener" title="NCT01234567 sur ClinicalTrials.gov – nouvelle fenêtre">'
        "NCT01234567</a> (ClinicalTrials.gov)</li></ul>"
    )


def test_empty_facts_say_so(client, reference):
    project = ProjectFactory(acronym="EPSILON", discipline_raw="", results_url="")
    found = facts(client, project)
    assert found["tranche_number"] == "aucune tranche"
    assert found["registrations"] == "non renseigné"
    assert found["results_url"] == found["results_posted_on"] == found["discipline_raw"] == "—"


def test_values_are_escaped(client, reference):
    project = ProjectFactory(acronym="ZETA", discipline_raw='<script>alert("x")</script>')
    assert facts(client, project)["discipline_raw"] == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
