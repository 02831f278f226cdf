"""`InList`: the rows `__in` selects, with the ids as one parameter on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dbtools.in_list import InList
from tests.factories import ProjectFactory
from workflows.models import Project, ProjectMilestone

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_the_rows_are_those_of_in_across_a_relation():
    projects = [ProjectFactory() for _ in range(3)]
    ids = [projects[0].pk, projects[2].pk, 10**9]
    by_in = set(ProjectMilestone.objects.filter(project_id__in=ids).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        by_list = set(ProjectMilestone.objects.filter(InList("project_id", ids)).values_list("pk", flat=True))
    assert by_list == by_in and by_in
    across = Project.objects.filter(InList("milestones__pk", sorted(by_in))).distinct()
    assert set(across) == {projects[0], projects[2]}
    if connection.vendor == "postgresql":
        assert "= ANY(" in queries.captured_queries[0]["sql"]


def test_no_id_selects_nothing():
    ProjectFactory()
    assert not ProjectMilestone.objects.filter(InList("project_id", [])).exists()
