"""Delegations from the desk: a budget agent creates one, adds validated tranches grouped by ARS,
exports each ARS table (XLSX, CSV), issues it (→ delegated) and records payment (→ paid)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.workflows.builders import request_in_state
from workflows.models import AuditEvent, Delegation, TrancheRequest, TrancheStatus
from workflows.selectors import with_funding_figures

S = TrancheStatus


def _validated(project, member, instructor, budget, rank=1):
    request = request_in_state(
        S.UNDER_REVIEW,
        milestone=project.milestones.get(rank=rank),
        member=member,
        instructor=instructor,
        budget=budget,
    )
    from workflows import services

    return services.validate_tranche_request(tranche_request=request, actor=instructor)


@pytest.mark.django_db
def test_budget_agent_full_cycle(
    client, project_a, project_b, member_a, member_b, instructing_agent, budget_agent
):
    a1 = _validated(project_a, member_a, instructing_agent, budget_agent, rank=1)
    a2 = _validated(project_a, member_a, instructing_agent, budget_agent, rank=2)
    b1 = _validated(project_b, member_b, instructing_agent, budget_agent, rank=1)
    client.force_login(budget_agent)

    response = client.post(
        reverse("workflows_desk:delegation_create"),
        {"reference": "CIRC-2026-07", "circular_date": "2026-03-15"},
    )
    delegation = Delegation.objects.get(reference="CIRC-2026-07")
    assert response.status_code == 302
    duplicate = client.post(
        reverse("workflows_desk:delegation_create"),
        {"reference": "CIRC-2026-07", "circular_date": "2026-03-15"},
    )
    assert duplicate.status_code == 400
    assert "Une délégation porte déjà cette référence." in duplicate.content.decode()

    detail = reverse("workflows_desk:delegation_detail", args=[delegation.pk])
    html = client.get(detail).content.decode()
    assert "ARS Auvergne-Rhône-Alpes" in html and "ARS Île-de-France" in html  # candidates by ARS
    client.post(reverse("workflows_desk:delegation_add", args=[delegation.pk]), {"pk": [a1.pk, a2.pk, b1.pk]})
    assert set(delegation.tranche_requests.values_list("pk", flat=True)) == {a1.pk, a2.pk, b1.pk}

    csv_response = client.get(reverse("workflows_desk:delegation_export", args=[delegation.pk, "ARA", "csv"]))
    assert csv_response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Établissement",
        "FINESS",
        "Identifiant du projet",
        "Rang de la tranche",
        "Montant (€)",
    ]
    assert rows[1:] == [
        ["HOSPICES CIVILS DE LYON", "690781810", project_a.public_id, "1", "30000,00"],
        ["HOSPICES CIVILS DE LYON", "690781810", project_a.public_id, "2", "20000,00"],
    ]

    xlsx = client.get(reverse("workflows_desk:delegation_export", args=[delegation.pk, "IDF", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:2] == ["Délégation", "CIRC-2026-07"]
    assert values[1][:2] == ["Destinataire", "ARS Île-de-France"]
    assert values[3] == [
        "Établissement",
        "FINESS",
        "Identifiant du projet",
        "Rang de la tranche",
        "Montant (€)",
    ]
    assert values[4] == ["ASSISTANCE PUBLIQUE-HOPITAUX DE PARIS", "750712184", project_b.public_id, 1, 30000]
    assert values[5][0] == "Total" and values[5][4] == 30000
    assert (
        client.get(
            reverse("workflows_desk:delegation_export", args=[delegation.pk, "XXX", "csv"])
        ).status_code
        == 404
    )

    issue = reverse("workflows_desk:delegation_issue", args=[delegation.pk])
    html = client.get(issue).content.decode()
    assert "Vous allez émettre la délégation CIRC-2026-07 : 3 tranches, 80 000,00" in html.replace(
        "\u202f", " "
    )
    client.post(issue, {"confirmed": "1", "confirmed_count": "3", "confirmed_total": "80000.00"})
    delegation.refresh_from_db()
    assert delegation.status == "issued"
    assert set(TrancheRequest.objects.filter(delegation=delegation).values_list("status", flat=True)) == {
        S.DELEGATED
    }
    assert with_funding_figures(type(project_a).objects.filter(pk=project_a.pk)).get().tranche_number == 2

    pay = reverse("workflows_desk:delegation_pay", args=[delegation.pk])
    paid_on = timezone.localdate().isoformat()
    figures = {"confirmed": "1", "confirmed_count": "3", "confirmed_total": "80000.00"}
    missing = client.post(pay, figures)
    assert missing.status_code == 400
    assert "La date du versement est obligatoire." in missing.content.decode()
    assert "La référence du versement est obligatoire." in missing.content.decode()
    client.post(pay, {**figures, "paid_on": paid_on, "payment_reference": "ARR-2026-114"})
    delegation.refresh_from_db()
    assert (delegation.payment_date.isoformat(), delegation.payment_reference) == (paid_on, "ARR-2026-114")
    assert delegation.status == "paid"
    assert set(TrancheRequest.objects.filter(delegation=delegation).values_list("status", flat=True)) == {
        S.PAID
    }
    for request in (a1, a2, b1):
        actions = list(AuditEvent.objects.filter(tranche_request=request).values_list("action", flat=True))
        assert actions[-3:] == ["add_to_delegation", "delegate", "mark_paid"]
    assert list(
        AuditEvent.objects.filter(delegation=delegation, tranche_request__isnull=True).values_list(
            "action", flat=True
        )
    ) == ["create_delegation", "issue", "record_payment"]


@pytest.mark.django_db
def test_only_budget_agents_operate_delegations(client, instructing_agent, budget_agent):
    client.force_login(instructing_agent)
    response = client.post(
        reverse("workflows_desk:delegation_create"), {"reference": "X-1", "circular_date": "2026-01-01"}
    )
    assert response.status_code in (302, 403)
    assert not Delegation.objects.exists()


@pytest.mark.django_db
def test_issuing_an_empty_delegation_is_refused_in_french(client, budget_agent):
    from workflows import services

    delegation = services.create_delegation(
        actor=budget_agent, reference="VIDE-1", circular_date="2026-01-01"
    )
    client.force_login(budget_agent)
    response = client.post(
        reverse("workflows_desk:delegation_issue", args=[delegation.pk]),
        {"confirmed": "1", "confirmed_count": "0", "confirmed_total": "0"},
        follow=True,
    )
    assert "La délégation ne contient aucune tranche." in response.content.decode()
    delegation.refresh_from_db()
    assert delegation.status == "draft"
