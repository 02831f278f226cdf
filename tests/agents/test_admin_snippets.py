"""DGOS administrators' snippets: schedule shares, project creation through the service,
FINESS normalisation, and a project listing whose query count does not grow with the data."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from demo.portfolio import seed_portfolio
from tests.factories import EstablishmentFactory, InvestigatorFactory
from workflows.models import AuditEvent, Establishment, EvidenceType, FundingSchedule, Project
from workflows.reference import get_or_create_call

pytestmark = pytest.mark.django_db

SHARES_MESSAGE = "La somme des parts des jalons doit être 100 % (elle est de 90 %)."


def schedule_post_data(schedule: FundingSchedule, shares: list[str]) -> dict:
    templates = list(schedule.milestone_templates.order_by("rank"))
    registry = EvidenceType.objects.get(code="registry-record")
    rows = []
    for index, share in enumerate(shares):
        template = templates[index] if index < len(templates) else None
        rows.append(
            {
                "id": template.pk if template else "",
                "rank": index + 1,
                "label": template.label if template else f"Jalon {index + 1}",
                "share_percent": share,
                "planned_delay_months": 6 * (index + 1),
            }
        )
    for template in templates[len(shares) :]:
        rows.append(
            {
                "id": template.pk,
                "rank": template.rank,
                "label": template.label,
                "share_percent": str(template.share_percent),
                "planned_delay_months": template.planned_delay_months,
                "DELETE": "1",
            }
        )
    data = nested_form_data(
        {
            "call": schedule.call_id,
            "version": schedule.version,
            "is_active": "on",
            "lapse_after_months": 24,
            "notes": "",
            "milestone_templates": inline_formset(rows, initial=len(templates), min=1),
        }
    )
    for index in range(len(shares)):  # a multiple choice posts a list under one name
        data[f"milestone_templates-{index}-evidence_types"] = [registry.pk]
    return data


def test_schedule_form_refuses_shares_not_summing_to_100(admin_client):
    schedule = get_or_create_call("PHRCN", 2022).current_schedule()
    url = reverse("wagtailsnippets_workflows_fundingschedule:edit", args=[schedule.pk])
    response = admin_client.post(url, schedule_post_data(schedule, ["30", "20", "20", "20"]))
    assert response.status_code == 200
    assert SHARES_MESSAGE in response.content.decode()
    assert schedule.milestone_templates.count() == 5  # unchanged
    assert sum(t.share_percent for t in schedule.milestone_templates.all()) == Decimal("100")


def test_schedule_form_saves_shares_summing_to_100_with_evidence_types(admin_client):
    schedule = get_or_create_call("PHRCN", 2022).current_schedule()
    url = reverse("wagtailsnippets_workflows_fundingschedule:edit", args=[schedule.pk])
    response = admin_client.post(url, schedule_post_data(schedule, ["40", "30", "30"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    templates = list(schedule.milestone_templates.order_by("rank"))
    assert [t.share_percent for t in templates] == [Decimal("40"), Decimal("30"), Decimal("30")]
    assert all(
        list(t.evidence_types.values_list("code", flat=True)) == ["registry-record"] for t in templates
    )


def test_schedule_form_refuses_duplicate_ranks(admin_client):
    schedule = get_or_create_call("PHRCN", 2022).current_schedule()
    data = schedule_post_data(schedule, ["50", "50"])
    data["milestone_templates-1-rank"] = "1"
    url = reverse("wagtailsnippets_workflows_fundingschedule:edit", args=[schedule.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Deux jalons ne peuvent pas avoir le même rang (1)." in response.content.decode()


def test_project_created_in_admin_goes_through_select_project(admin_client, administrator):
    call = get_or_create_call("PHRIP", 2025)
    establishment = EstablishmentFactory()
    investigator = InvestigatorFactory()
    response = admin_client.post(
        reverse("wagtailsnippets_workflows_project:add"),
        {
            "call": call.pk,
            "acronym": "NOUVEAU",
            "title": "Soins infirmiers à domicile",
            "summary": "",
            "establishment": establishment.pk,
            "investigator": investigator.pk,
            "discipline": "",
            "discipline_raw": "",
            "award_amount": "150000.00",
            "selected_on": "2025-07-01",
            "budget_breakdown": "",
            "visibility": "public",
            "results_posted_on": "",
            "results_url": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    project = Project.objects.get(acronym="NOUVEAU")
    assert project.public_id == "PHRIP-2025-0001"
    assert project.milestones.count() == 5
    assert AuditEvent.objects.filter(action="select_project", project=project, actor=administrator).exists()


def test_project_call_cannot_change_once_the_id_is_given(admin_client, project_a):
    response = admin_client.get(reverse("wagtailsnippets_workflows_project:edit", args=[project_a.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.fields["call"].disabled
    assert "status" not in form.fields  # lifecycle states move through services only


def test_establishment_form_pads_finess_and_explains_bad_keys(admin_client):
    url = reverse("wagtailsnippets_workflows_establishment:add")
    data = {"finess": "10000024", "name": "CH DE L'AIN", "type": "CH", "region": "ARA", "girci": ""}
    from tests.factories import finess_with_key

    data["finess"] = str(int(finess_with_key("01000002")))
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Establishment.objects.get(name="CH DE L'AIN").finess == finess_with_key("01000002")

    response = admin_client.post(url, {**data, "finess": "690781811", "name": "AUTRE"})
    assert response.status_code == 200
    assert "Le numéro FINESS « 690781811 » a une clé de contrôle invalide." in response.content.decode()
    assert not Establishment.objects.filter(name="AUTRE").exists()


def test_instructeur_cannot_edit_projects(client, instructing_agent, project_a):
    client.force_login(instructing_agent)
    edit = client.get(reverse("wagtailsnippets_workflows_project:edit", args=[project_a.pk]))
    assert edit.status_code in (302, 403)
    inspect = client.get(reverse("wagtailsnippets_workflows_project:inspect", args=[project_a.pk]))
    assert inspect.status_code == 200
    assert project_a.public_id in inspect.content.decode()


def _list_queries(client, url) -> tuple[int, str]:
    client.get(url)  # warm what the listing caches (per data version or for a while) before counting
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context), response.content.decode()


def test_project_listing_runs_a_constant_number_of_queries(
    client, instructing_agent, django_assert_max_num_queries
):
    client.force_login(instructing_agent)
    today = datetime.date(2026, 1, 15)
    seed_portfolio(projects=50, rng=random.Random(1), today=today)
    sample = Project.objects.select_related("call", "establishment").first()
    listing = reverse("wagtailsnippets_workflows_project:list")
    urls = [
        listing,
        f"{listing}?programme={sample.call.programme_id}&year={sample.call.year}",
        f"{listing}?region={sample.establishment.region}&status={sample.status}",
        f"{listing}?q={sample.acronym}",
        f"{listing}?ordering=-award_amount&p=2",
    ]
    client.get(listing)  # warm the per-process caches (content types, site) before counting
    small = [_list_queries(client, url)[0] for url in urls]
    seed_portfolio(projects=750, rng=random.Random(2), today=today)
    assert Project.objects.count() == 800
    client.get(listing)  # the seed moved the data version: warm what is cached per version again
    large = [_list_queries(client, url)[0] for url in urls]
    assert small == large
    for url in urls:
        with django_assert_max_num_queries(20):
            client.get(url)


def test_schedule_form_refuses_removing_a_milestone_copied_on_projects(admin_client, project_a):
    schedule = project_a.call.current_schedule()
    url = reverse("wagtailsnippets_workflows_fundingschedule:edit", args=[schedule.pk])
    response = admin_client.post(url, schedule_post_data(schedule, ["40", "30", "30"]))
    assert response.status_code == 200
    assert (
        "Un jalon supprimé est déjà recopié sur 1 projet(s) : créez plutôt une nouvelle version de "
        "l&#x27;échéancier." in response.content.decode()
    )
    assert schedule.milestone_templates.count() == 5


def test_deleting_a_record_others_depend_on_is_refused_in_french(admin_client, project_a):
    url = reverse("wagtailsnippets_workflows_project:delete", args=[project_a.pk])
    response = admin_client.post(url, follow=True)
    assert response.status_code == 200
    assert Project.objects.filter(pk=project_a.pk).exists()
    text = " ".join(str(m) for m in response.context["messages"])
    assert (
        f"« {project_a} » ne peut pas être supprimé : 5 enregistrement(s) en dépendent (jalons du projet)."
        in text
    )


def test_deleting_an_unused_record_works(admin_client, reference):
    from workflows.models import Discipline

    unused = Discipline.objects.get(code="autre")
    response = admin_client.post(reverse("wagtailsnippets_workflows_discipline:delete", args=[unused.pk]))
    assert response.status_code == 302
    assert not Discipline.objects.filter(pk=unused.pk).exists()
