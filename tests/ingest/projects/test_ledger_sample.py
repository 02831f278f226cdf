"""Issue 11, observations 1, 2 and 3, on the ministry's real sample (each failed before the ledger).

The public ids quoted in the issue (PREPS-2013-0014, PHRCN-2013-0102, PHRCI-2010-0002) were
assigned after the demo portfolio had taken the first sequence numbers of those calls; on a
fresh database the same projects are found here by their row of the file: ADMED AVC (HCL,
PREPS 2013, numero_tranche 3), ANTALKINEPC (PHRCN 2013, 2) and ANTIGRIPPE (PHRCI 2013, 4).
"""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from content.figures import totals_for
from opendata import releases
from tests.factories import member_of
from tests.ingest.projects.test_opendata_roundtrip import SAMPLE
from workflows import project_status, selectors, services
from workflows.models import Project, ProjectStatus, TrancheRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample(imported_sample, db):
    """The sample imported once for the module (tests/conftest.py); each test rolls back its own writes."""
    return {
        p.acronym: p
        for p in Project.objects.filter(acronym__in=["ADMED AVC", "ANTALKINEPC", "ANTIGRIPPE", "ADTCR"])
    }


def test_import_records_the_historical_stock_as_ledger_entries(sample, capsys):
    admed = sample["ADMED AVC"]
    historical = TrancheRequest.objects.filter(milestone__project=admed, is_historical=True).order_by(
        "milestone__rank"
    )
    assert [(t.milestone.rank, t.status, t.amount_is_derived, t.source_row) for t in historical] == [
        (1, "delegated", True, 2),
        (2, "delegated", True, 2),
        (3, "delegated", True, 2),
    ]
    assert sum(t.amount for t in historical) == sum(
        m.tranche_amount for m in admed.milestones.filter(rank__lte=3)
    )
    # 2,875 tranches numbered in the file (1,007 projects; one "Aucune tranche").
    assert TrancheRequest.objects.filter(is_historical=True).count() == 2875
    # Re-import: idempotent.
    call_command("import_projects", str(SAMPLE))
    assert capsys.readouterr().out.strip().splitlines()[-1] == "created=0 updated=0 unchanged=1008 rejected=0"
    assert TrancheRequest.objects.filter(is_historical=True).count() == 2875


def test_observation_1_covered_milestones_cannot_be_requested_again(sample, client, instructing_agent):
    admed = sample["ADMED AVC"]
    member = member_of(admed.establishment, "chu-lyon")
    client.force_login(member)
    page = client.get(reverse("portal:project_detail", args=[admed.public_id])).content.decode()
    for rank in (1, 2, 3):
        assert f"Déclarer le jalon {rank} et demander la tranche" not in page
    assert "La tranche 1 a déjà été déléguée avant SIRANo" in page or "déléguée avant SIRANo" in page
    assert "Déclarer le jalon 4 et demander la tranche" in page
    milestones = {m.rank: m for m in admed.milestones.all()}
    assert not any(milestones[rank].is_late for rank in (1, 2, 3))

    with pytest.raises(ValidationError, match="déjà été déléguée avant SIRANo"):
        services.declare_milestone(
            milestone=milestones[1], actor=member, reached_on=datetime.date(2024, 1, 5)
        )
    with pytest.raises(ValidationError, match="déjà été déléguée avant SIRANo"):
        services.create_tranche_request(milestone=milestones[1], actor=member)
    response = client.get(reverse("portal:milestone_declare", args=[admed.public_id, 1]), follow=True)
    assert "déjà été déléguée avant SIRANo" in response.content.decode()

    # Milestone 4 may be requested; the desk counts the historical tranches as committed.
    services.declare_milestone(milestone=milestones[4], actor=member, reached_on=datetime.date(2024, 1, 5))
    request = services.create_tranche_request(milestone=milestones[4], actor=member)
    client.force_login(instructing_agent)
    desk = client.get(reverse("workflows_desk:request_inspect", args=[request.pk])).context
    historical_total = sum(m.tranche_amount for m in admed.milestones.filter(rank__lte=3))
    assert desk["committed"] == historical_total > 0
    assert [h.milestone.rank for h in desk["historical"]] == [1, 2, 3]
    assert desk["money"]["remaining"] == admed.award_amount - historical_total


def test_observation_2_an_abandoned_project_takes_no_request(sample, client, member_a, instructing_agent):
    from django.contrib.auth.models import Permission

    project = sample["ANTALKINEPC"]
    member = member_of(project.establishment, "drci-brest")
    services.declare_milestone(
        milestone=project.milestones.get(rank=3), actor=member, reached_on=datetime.date(2024, 1, 5)
    )
    pending = services.create_tranche_request(milestone=project.milestones.get(rank=3), actor=member)
    admin = instructing_agent
    admin.user_permissions.add(Permission.objects.get(codename="decide_project_status"))
    admin = type(admin).objects.get(pk=admin.pk)
    project_status.abandon_project(project=project, actor=admin, comment="Investigateur parti, essai arrêté.")
    project.refresh_from_db()
    assert project.status == ProjectStatus.ABANDONED
    assert project.status_changes.last().to_status == ProjectStatus.ABANDONED

    client.force_login(member)
    page = client.get(reverse("portal:project_detail", args=[project.public_id])).content.decode()
    assert "et demander la tranche" not in page
    assert "Le projet est « abandonné » : aucune tranche ne peut plus être demandée." in page
    with pytest.raises(ValidationError, match="abandonné"):
        services.declare_milestone(
            milestone=project.milestones.get(rank=4), actor=member, reached_on=datetime.date(2024, 2, 1)
        )
    # The request opened before the decision can be neither submitted nor validated.
    with pytest.raises(ValidationError, match="abandonné, caduc ou terminé"):
        services.submit_tranche_request(tranche_request=pending, actor=member)
    client.force_login(instructing_agent)
    desk = client.get(reverse("workflows_desk:request_inspect", args=[pending.pk])).content.decode()
    assert "Statut du projet" in desk and "abandonné" in desk


def test_observation_3_every_surface_shows_the_same_delegated_amounts(sample, client, settings, tmp_path):
    settings.RELEASES_ROOT = tmp_path / "releases"
    antalk, antigrippe, adtcr = sample["ANTALKINEPC"], sample["ANTIGRIPPE"], sample["ADTCR"]
    figures = {p.pk: p for p in selectors.with_funding_figures(Project.objects.all())}

    # Public page vs portal dashboard (ANTALKINEPC).
    public = client.get(reverse("projects:detail", args=[antalk.public_id])).context["shown"]
    member = member_of(antalk.establishment, "drci-brest")
    client.force_login(member)
    dashboard = {p.pk: p for p in client.get(reverse("portal:dashboard")).context["projects"]}
    assert public["amount_delegated"]["value"] == dashboard[antalk.pk].amount_delegated > 0
    client.logout()

    # Public page vs API vs release projects.csv (ANTIGRIPPE).
    page = client.get(reverse("projects:detail", args=[antigrippe.public_id])).context["shown"]
    api = client.get(f"/api/v1/projects/{antigrippe.public_id}/").json()
    release = releases.publish_release()
    with open(settings.RELEASES_ROOT / release.name / "projects.csv", encoding="utf-8", newline="") as handle:
        projects_csv = list(csv.DictReader(handle))
    with open(settings.RELEASES_ROOT / release.name / "tranches.csv", encoding="utf-8", newline="") as handle:
        tranches_csv = list(csv.DictReader(handle))
    row = next(r for r in projects_csv if r["public_id"] == antigrippe.public_id)
    amount = figures[antigrippe.pk].amount_delegated
    assert (
        page["amount_delegated"]["value"]
        == Decimal(str(api["amount_delegated"]))
        == Decimal(row["amount_delegated"])
        == amount
        > 0
    )

    # Totals: projects.csv == tranches.csv == /api/v1/ == the home page's figure.
    total = sum(Decimal(r["amount_delegated"]) for r in projects_csv)
    assert len(tranches_csv) == 2875
    assert sum(Decimal(r["amount"]) for r in tranches_csv) == total
    api_total, url = Decimal(0), "/api/v1/tranches/?page_size=1000"
    api_count = 0
    while url:
        page_json = client.get(url).json()
        api_total += sum(
            Decimal(str(t["amount"])) for t in page_json["results"] if t["status"] in ("delegated", "paid")
        )
        api_count += len(page_json["results"])
        url = page_json.get("next")
    projects_total, url = Decimal(0), "/api/v1/projects/?page_size=1000"
    while url:
        page_json = client.get(url).json()
        projects_total += sum(Decimal(str(p["amount_delegated"])) for p in page_json["results"])
        url = page_json.get("next")
    assert api_count == 2875
    assert api_total == projects_total == total == totals_for()["delegated"]

    # Status follows the ledger: 4 delegated tranches = "en cours"; the last one = "terminé".
    antigrippe.refresh_from_db()
    adtcr.refresh_from_db()
    assert antigrippe.status == ProjectStatus.IN_PROGRESS
    assert adtcr.status == ProjectStatus.COMPLETED
    assert not Project.objects.filter(
        status=ProjectStatus.SELECTED, milestones__tranche_requests__is_historical=True
    ).exists()
