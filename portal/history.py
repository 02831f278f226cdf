"""Audit events told in plain French for the establishment (who did what, when, and why)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from formatting import format_euros
from portal.selectors import is_agent_actor
from workflows import audit_labels
from workflows.models import AuditEvent

SENTENCES = {
    "create": gettext_lazy("{actor} a ouvert la demande de tranche du jalon {rank} ({amount})."),
    "attach_evidence": gettext_lazy("{actor} a déposé un justificatif ({comment})."),
    "submit": gettext_lazy("{actor} a soumis la demande de tranche du jalon {rank} à la DGOS."),
    "resubmit": gettext_lazy(
        "{actor} a répondu à la demande de compléments et renvoyé la demande du jalon {rank}."
    ),
    "withdraw": gettext_lazy("{actor} a retiré la demande de tranche du jalon {rank}."),
    "start_review": gettext_lazy("{actor} a commencé l'instruction de la demande du jalon {rank}."),
    "request_changes": gettext_lazy("{actor} a demandé des compléments sur la demande du jalon {rank}."),
    "validate": gettext_lazy("{actor} a validé la tranche du jalon {rank} ({amount})."),
    "reject": gettext_lazy("{actor} a rejeté la demande de tranche du jalon {rank}."),
    "add_to_delegation": gettext_lazy(
        "{actor} a inscrit la tranche du jalon {rank} dans la délégation {delegation}."
    ),
    "delegate": gettext_lazy("{actor} a délégué les crédits de la tranche du jalon {rank} ({amount})."),
    "mark_paid": gettext_lazy("{actor} a enregistré le versement de la tranche du jalon {rank} ({amount})."),
    "declare_milestone": gettext_lazy("{actor} a déclaré le jalon {rank} atteint."),
    "verify_milestone": gettext_lazy("{actor} a vérifié le jalon {rank}."),
    "select_project": gettext_lazy("{actor} a enregistré la sélection du projet."),
    "remove_evidence": gettext_lazy("{actor} a retiré un justificatif ({comment})."),
}
#: Actions whose comment is an attached file name (already in the sentence) rather than a message.
COMMENT_IN_SENTENCE = {"attach_evidence", "remove_evidence", "add_to_delegation", "delegate", "mark_paid"}


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    text: str
    comment: str
    action: str


def actor_label(user) -> str:
    if user is None:
        return _("Le système")
    if is_agent_actor(user):
        return _("La DGOS")
    return user.get_full_name() or user.get_username()


def describe(event: AuditEvent) -> HistoryLine:
    milestone = event.milestone or (event.tranche_request.milestone if event.tranche_request else None)
    amount = event.tranche_request.amount if event.tranche_request else None
    template = SENTENCES.get(event.action, gettext_lazy("{actor} : {action}."))
    text = str(template).format(
        actor=actor_label(event.actor),
        rank=milestone.rank if milestone else "",
        amount=format_euros(amount, places=2),
        comment=event.comment,
        delegation=event.delegation.reference if event.delegation else event.comment,
        action=audit_labels.action_label(event.action),
    )
    comment = "" if event.action in COMMENT_IN_SENTENCE else event.comment
    return HistoryLine(at=event.created_at, text=text, comment=comment, action=event.action)


def describe_all(events: list[AuditEvent]) -> list[HistoryLine]:
    return [describe(event) for event in events]
