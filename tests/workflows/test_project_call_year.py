"""`Project.call_year` (the call's year, copied so that sorting by year reads an index) equals its
call's year whatever wrote the project: `save`, the import's bulk insert or COPY, the demo's bulk
insert, and a change of the call's year through the catalogue service."""

from __future__ import annotations

import datetime
import random

import pytest
from django.db.models import F

from demo.portfolio import seed_portfolio
from tests.factories import ProjectFactory, UserFactory
from workflows import catalogue_services
from workflows.models import Call, Project
from workflows.roles import Role

pytestmark = pytest.mark.django_db


def out_of_step() -> list[str]:
    return list(Project.objects.exclude(call_year=F("call__year")).values_list("public_id", flat=True))


def test_every_writer_copies_the_calls_year(reference):
    ProjectFactory()
    seed_portfolio(projects=30, rng=random.Random(3), today=datetime.date(2026, 11, 1))
    assert Project.objects.count() > 30
    assert out_of_step() == []


def test_the_import_copies_the_calls_year(imported_sample):
    assert Project.objects.count() > 1000
    assert out_of_step() == []


def test_a_change_of_the_calls_year_moves_its_projects(client, reference):
    administrator = UserFactory(username="administratrice", roles=[Role.ADMINISTRATOR], is_staff=True)
    project = ProjectFactory()
    ProjectFactory(call=Call.objects.exclude(pk=project.call_id).order_by("-year").first())
    call = project.call
    catalogue_services.save_record(actor=administrator, model=Call, instance=call, values={"year": 2001})
    assert out_of_step() == []
    project.refresh_from_db()
    assert project.call_year == 2001
    ids = [
        row["public_id"]
        for row in client.get("/api/v1/projects/", {"ordering": "year", "page_size": 1000}).json()["results"]
    ]
    in_2001 = set(Project.objects.filter(call=call).values_list("public_id", flat=True))
    assert project.public_id in in_2001 and len(ids) > len(in_2001)
    assert set(ids[: len(in_2001)]) == in_2001  # the year sort puts the moved call first
