"""A project's registrations read with its row (`workflows.registration_column`): the same records,
in the same order, as the relation itself, for projects with none, one or several."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ProjectFactory
from workflows.models import Project, TrialRegistration
from workflows.registration_column import registrations_of, with_registrations

pytestmark = pytest.mark.django_db


def test_the_column_holds_the_relation_sorted_by_identifier(reference):
    shared = TrialRegistration.objects.create(registry="eudract", identifier="2015-001234-12")
    several = ProjectFactory(acronym="PLUSIEURS")
    for identifier, registry in (("NCT09999999", "clinicaltrials"), ("ISRCTN12345678", "isrctn")):
        several.registrations.add(TrialRegistration.objects.create(registry=registry, identifier=identifier))
    several.registrations.add(shared)
    ProjectFactory(acronym="UN").registrations.add(shared)
    ProjectFactory(acronym="AUCUN")

    with CaptureQueriesContext(connection) as queries:
        projects = list(with_registrations(Project.objects.order_by("acronym")))
    assert len(queries) == 1
    for project in projects:
        expected = [(r.registry, r.identifier) for r in project.registrations.all()]
        found = [(r.registry, r.identifier) for r in registrations_of(project.registrations_json)]
        assert found == expected, project.acronym
    assert [len(registrations_of(p.registrations_json)) for p in projects] == [0, 3, 1]
    assert registrations_of(projects[1].registrations_json)[0].url.startswith("https://")
