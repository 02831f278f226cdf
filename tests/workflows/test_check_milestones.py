"""check_milestones: days late against planned dates, one digest per establishment and one to
agents, idempotent (a second run the same day changes nothing and sends nothing)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from tests.factories import ProjectFactory
from workflows.models import ProjectMilestone


def run(today: str, *args) -> str:
    out = StringIO()
    call_command("check_milestones", f"--today={today}", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_late_milestones_and_digests(project_a, project_b, member_a, member_b, settings):
    ProjectFactory(establishment=project_a.establishment, acronym="GAMMA")
    # project_a: milestone 1 reached on time, so it is never late.
    ProjectMilestone.objects.filter(project=project_a, rank=1).update(declared_on=datetime.date(2016, 12, 1))
    ProjectMilestone.objects.filter(project=project_b, rank=1).update(days_late=99)  # stale value
    planned = {m.rank: m.planned_date for m in project_b.milestones.all()}
    today = planned[2] + datetime.timedelta(days=10)
    mail.outbox.clear()

    output = run(today.isoformat())

    late_b = ProjectMilestone.objects.filter(project=project_b, days_late__gt=0).order_by("rank")
    assert [(m.rank, m.days_late) for m in late_b] == [
        (rank, (today - planned[rank]).days) for rank in sorted(planned) if planned[rank] < today
    ]
    assert ProjectMilestone.objects.get(project=project_a, rank=1).days_late == 0
    assert "Jalons en retard au" in output
    assert "Résumés envoyés : 2 établissement(s), 1 aux agents." in output
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {(member_a.email,), (member_b.email,), (settings.DGOS_AGENTS_EMAIL,)}
    digest_a = by_recipient[(member_a.email,)]
    assert "HOSPICES CIVILS DE LYON" in digest_a.subject
    assert project_a.public_id in digest_a.body and "GAMMA" in digest_a.body
    assert project_b.public_id not in digest_a.body  # never another establishment's projects
    agents = by_recipient[(settings.DGOS_AGENTS_EMAIL,)]
    assert "ASSISTANCE PUBLIQUE-HOPITAUX DE PARIS" in agents.body and "jours de retard" not in agents.subject

    # Same day again: no change, no second digest.
    mail.outbox.clear()
    again = run(today.isoformat())
    assert "retards mis à jour : 0" in again and "nouveaux : 0" in again
    assert "Résumés déjà envoyés aujourd'hui" in again
    assert mail.outbox == []

    # Declaring a milestone clears its lateness the next day.
    ProjectMilestone.objects.filter(project=project_b, rank=1).update(declared_on=today)
    run((today + datetime.timedelta(days=1)).isoformat(), "--no-mail")
    assert ProjectMilestone.objects.get(project=project_b, rank=1).days_late == 0
