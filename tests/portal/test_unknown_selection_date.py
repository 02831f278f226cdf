"""A file that gives only the selection year (the ministry's) leaves the date unknown: no made-up
1st of January in the model, on screens, in the API or in the files; planning counts from the
year's start without showing it (issue 27, item 4)."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from ingest.projects.services import import_projects_file
from opendata import releases
from tests.ingest.projects.builders import OPENDATA_HEADER, opendata_row, write_csv
from workflows import selectors
from workflows.models import MilestoneTemplate, Project, selected_by

pytestmark = pytest.mark.django_db

MADE_UP = ("1er janvier 2013", "2013-01-01", "01/01/2013")


@pytest.fixture
def year_only(tmp_path, establishment_a):
    """One project imported from a file with a year column and no date column."""
    path = write_csv(tmp_path / "ministere.csv", [OPENDATA_HEADER, opendata_row(annee_de_selection="2013")])
    _run, outcome = import_projects_file(path=path)
    assert (outcome.created, outcome.rejected) == (1, [])
    return Project.objects.select_related("call").get(acronym="ALPHA")


def test_the_import_keeps_the_year_and_leaves_the_date_unknown(year_only):
    assert year_only.selected_on is None
    assert (year_only.call.year, year_only.selection_year) == (2013, 2013)
    # Planning still has a start: the year's 1st of January, for computing only.
    assert year_only.planning_start == datetime.date(2013, 1, 1)
    for milestone in year_only.milestones.all():
        delay = MilestoneTemplate.objects.get(pk=milestone.template_id).planned_delay_months
        assert milestone.planned_date == datetime.date(2013, 1, 1) + relativedelta(months=delay)
    # As-of counts take the project from its year's start, not before.
    assert Project.objects.filter(selected_by(datetime.date(2013, 1, 1)), pk=year_only.pk).exists()
    assert not Project.objects.filter(selected_by(datetime.date(2012, 12, 31)), pk=year_only.pk).exists()


def test_a_blank_date_cell_never_erases_a_known_date(tmp_path, year_only):
    Project.objects.filter(pk=year_only.pk).update(selected_on=datetime.date(2013, 6, 12))
    header = [*OPENDATA_HEADER, "date_de_selection"]
    path = write_csv(tmp_path / "again.csv", [header, [*opendata_row(annee_de_selection="2013"), ""]])
    _run, outcome = import_projects_file(path=path)
    assert outcome.rejected == []
    year_only.refresh_from_db()
    assert year_only.selected_on == datetime.date(2013, 6, 12)


def test_screens_say_selected_in_the_year(client, year_only, member_a):
    public = client.get(reverse("projects:detail", args=[year_only.public_id])).content.decode()
    field = public.split('data-field="selected_on"', 1)[1].split("</dd>", 1)[0]
    assert "2013" in field
    assert "Sélectionné en" in public
    assert not any(text in public for text in MADE_UP)
    client.force_login(member_a)
    portal = client.get(reverse("portal:project_detail", args=[year_only.public_id])).content.decode()
    assert "Année de sélection" in portal
    assert not any(text in portal for text in MADE_UP)


def test_api_and_files_give_null_and_the_year(client, settings, tmp_path, year_only):
    detail = client.get(f"/api/v1/projects/{year_only.public_id}/").json()
    assert (detail["selected_on"], detail["year"]) == (None, 2013)
    [row] = client.get("/api/v1/projects/").json()["results"]
    assert (row["selected_on"], row["year"]) == (None, 2013)
    response = client.get(reverse("projects:csv"))
    directory = b"".join(response.streaming_content).decode("utf-8-sig")
    [line] = list(csv.DictReader(io.StringIO(directory), delimiter=";"))
    assert (line["date_selection"], line["annee_de_selection"]) == ("", "2013")
    settings.RELEASES_ROOT = tmp_path / "releases"
    release = releases.publish_release()
    with open(settings.RELEASES_ROOT / release.name / releases.PROJECTS_CSV, encoding="utf-8") as handle:
        [published] = list(csv.DictReader(handle))
    assert (published["selected_on"], published["year"]) == ("", "2013")
    assert selectors.public_selection_period() == (None, None)
