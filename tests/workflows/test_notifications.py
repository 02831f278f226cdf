"""Mails leave only after commit, in French: the establishment at each state change, the agents
when a request is submitted; nothing when the transaction rolls back."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation

from tests.workflows.builders import draft_request
from workflows import services


@pytest.mark.django_db
def test_submit_mails_after_commit_only(
    project_a, member_a, instructing_agent, django_capture_on_commit_callbacks, settings
):
    request = draft_request(project_a.milestones.get(rank=1), member_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submit_tranche_request(tranche_request=request, actor=member_a)
    assert mail.outbox == []  # the transaction is not committed yet
    assert len(callbacks) == 1
    with translation.override("en"):
        callbacks[0]()
    recipients = {tuple(m.to) for m in mail.outbox}
    assert (member_a.email,) in recipients
    assert (settings.DGOS_AGENTS_EMAIL,) in recipients
    to_establishment = next(m for m in mail.outbox if m.to == [member_a.email])
    assert to_establishment.subject == f"[SIRANo] {project_a.public_id} — tranche 1 : soumise"
    assert "est passée de l'état « brouillon » à l'état « soumise »" in to_establishment.body
    to_agents = next(m for m in mail.outbox if m.to == [settings.DGOS_AGENTS_EMAIL])
    assert "Nouvelle demande à instruire" in to_agents.subject
    assert f"/admin/bureau/demandes/{request.pk}/" in to_agents.body


@pytest.mark.django_db
def test_no_mail_when_the_transaction_rolls_back(project_a, member_a, django_capture_on_commit_callbacks):
    request = draft_request(project_a.milestones.get(rank=1), member_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        services.submit_tranche_request(tranche_request=request, actor=member_a)
        transaction.set_rollback(True)
    assert callbacks == []
    assert mail.outbox == []
    request.refresh_from_db()
    assert request.status == "draft"


@pytest.mark.django_db
def test_change_request_comment_reaches_the_establishment(
    project_a, member_a, instructing_agent, django_capture_on_commit_callbacks
):
    request = draft_request(project_a.milestones.get(rank=1), member_a)
    services.submit_tranche_request(tranche_request=request, actor=member_a)
    services.start_review(tranche_request=request, actor=instructing_agent)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_changes(
            tranche_request=request, actor=instructing_agent, comment="Joindre l'avis du CPP."
        )
    assert len(mail.outbox) == 1  # not a submission: agents are not told
    assert "compléments demandés" in mail.outbox[0].subject
    assert "Joindre l'avis du CPP." in mail.outbox[0].body
