"""Audit events told in French: the action, the states and the person, never a code or a login.

The audit trail stores stable English codes (`declare_milestone`, `draft`); every screen that shows
it (the desk, the delegation page, the establishments' history) reads these labels instead.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflows.models import AuditEvent, DelegationStatus, LegacyDocument, ProjectStatus, TrancheStatus
from workflows.roles import DGOS_ROLES

#: What happened, as a noun phrase an agent reads in a history column.
ACTION_LABELS = {
    "create": gettext_lazy("Demande de tranche ouverte"),
    "attach_evidence": gettext_lazy("Justificatif déposé"),
    "remove_evidence": gettext_lazy("Justificatif retiré"),
    "submit": gettext_lazy("Demande soumise à la DGOS"),
    "resubmit": gettext_lazy("Compléments envoyés, demande soumise à nouveau"),
    "withdraw": gettext_lazy("Demande retirée"),
    "start_review": gettext_lazy("Instruction commencée"),
    "request_changes": gettext_lazy("Compléments demandés"),
    "validate": gettext_lazy("Tranche validée"),
    "reject": gettext_lazy("Demande rejetée"),
    "delegate": gettext_lazy("Crédits délégués"),
    "mark_paid": gettext_lazy("Versement enregistré"),
    "declare_milestone": gettext_lazy("Jalon déclaré atteint"),
    "verify_milestone": gettext_lazy("Jalon vérifié"),
    "allow_out_of_order": gettext_lazy("Déclaration hors ordre autorisée"),
    "select_project": gettext_lazy("Sélection du projet enregistrée"),
    "create_delegation": gettext_lazy("Délégation créée"),
    "add_to_delegation": gettext_lazy("Tranche inscrite dans la délégation"),
    "remove_from_delegation": gettext_lazy("Tranche retirée de la délégation"),
    "issue": gettext_lazy("Circulaire de délégation émise"),
    "record_payment": gettext_lazy("Versement de la délégation enregistré"),
    "record_historical_tranche": gettext_lazy("Tranche historique enregistrée"),
    "change_project_status": gettext_lazy("Statut du projet modifié"),
    "complete_establishment": gettext_lazy("Fiche de l’établissement complétée"),
    "update_establishment": gettext_lazy("Fiche de l’établissement modifiée"),
    "update_project": gettext_lazy("Projet modifié"),
    "create_funding_schedule": gettext_lazy("Échéancier de financement créé"),
    "update_funding_schedule": gettext_lazy("Échéancier de financement modifié"),
    "create_membership": gettext_lazy("Rattachement à un établissement créé"),
    "update_membership": gettext_lazy("Rattachement à un établissement modifié"),
    "delete_membership": gettext_lazy("Rattachement à un établissement supprimé"),
    # Catalogue and reference records (workflows/catalogue_services.py).
    "create_programme": gettext_lazy("Programme créé"),
    "update_programme": gettext_lazy("Programme modifié"),
    "delete_programme": gettext_lazy("Programme supprimé"),
    "create_call": gettext_lazy("Appel à projets créé"),
    "update_call": gettext_lazy("Appel à projets modifié"),
    "delete_call": gettext_lazy("Appel à projets supprimé"),
    "create_discipline": gettext_lazy("Discipline créée"),
    "update_discipline": gettext_lazy("Discipline modifiée"),
    "delete_discipline": gettext_lazy("Discipline supprimée"),
    "create_evidencetype": gettext_lazy("Type de justificatif créé"),
    "update_evidencetype": gettext_lazy("Type de justificatif modifié"),
    "delete_evidencetype": gettext_lazy("Type de justificatif supprimé"),
    "create_investigator": gettext_lazy("Porteur créé"),
    "update_investigator": gettext_lazy("Porteur modifié"),
    "delete_investigator": gettext_lazy("Porteur supprimé"),
    "create_trialregistration": gettext_lazy("Enregistrement d’essai créé"),
    "update_trialregistration": gettext_lazy("Enregistrement d’essai modifié"),
    "delete_trialregistration": gettext_lazy("Enregistrement d’essai supprimé"),
    "create_establishment": gettext_lazy("Établissement créé"),
    "delete_establishment": gettext_lazy("Établissement supprimé"),
    "import_projects": gettext_lazy("Import de projets confirmé"),
    "import_documents": gettext_lazy("Import de documents historiques"),
    "attach_legacy_document": gettext_lazy("Document historique rattaché"),
    "confirm_legacy_document": gettext_lazy("Rattachement de document historique confirmé"),
    "correct_legacy_document": gettext_lazy("Rattachement de document historique corrigé"),
    "dismiss_legacy_document": gettext_lazy("Document historique écarté"),
    "mark_late_milestones": gettext_lazy("Retards des jalons recalculés"),
    "late_milestones_digest": gettext_lazy("Relance des jalons en retard envoyée"),
    # Background jobs of the reports area (reports/jobs.py).
    "request_release": gettext_lazy("Publication des données ouvertes demandée"),
    "start_release": gettext_lazy("Publication des données ouvertes commencée"),
    "publish_release": gettext_lazy("Données ouvertes publiées"),
    "fail_release": gettext_lazy("Publication des données ouvertes en échec"),
    "request_report": gettext_lazy("Rapport des indicateurs demandé"),
    "start_report": gettext_lazy("Rapport des indicateurs commencé"),
    "build_report": gettext_lazy("Rapport des indicateurs produit"),
    "fail_report": gettext_lazy("Rapport des indicateurs en échec"),
}

#: Events about a delegation as a whole (not one of its tranches) carry the delegation's states.
DELEGATION_ACTIONS = {"create_delegation", "issue", "record_payment"}
PROJECT_ACTIONS = {"change_project_status"}


def action_label(action: str) -> str:
    """The French label; an unknown code still reads as words, never as `snake_case`."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    return _("Action « %(action)s »") % {"action": action.replace("_", " ").replace(".", " ")}


def _state_choices(event: AuditEvent):
    if event.action in DELEGATION_ACTIONS:
        return DelegationStatus
    if event.action in PROJECT_ACTIONS:
        return ProjectStatus
    if event.action.endswith("legacy_document"):
        return LegacyDocument.Status
    return TrancheStatus


def state_label(event: AuditEvent, code: str) -> str:
    if not code:
        return ""
    choices = _state_choices(event)
    try:
        return str(choices(code).label)
    except ValueError:
        return code.replace("_", " ")


def transition_label(event: AuditEvent) -> str:
    """« brouillon → soumise », or an empty string when the event changed no state."""
    if not event.from_state and not event.to_state:
        return ""
    before = state_label(event, event.from_state) or "—"
    after = state_label(event, event.to_state) or "—"
    return f"{before} → {after}"


def is_dgos_agent(user) -> bool:
    """Read from prefetched groups when the caller prefetched them."""
    if user is None:
        return False
    names = {group.name for group in user.groups.all()}
    return user.is_superuser or any(role.value in names for role in DGOS_ROLES)


def _event_establishment(event: AuditEvent):
    if event.tranche_request_id and event.tranche_request is not None:
        return event.tranche_request.milestone.project.establishment
    if event.milestone_id and event.milestone is not None:
        return event.milestone.project.establishment
    if event.project_id and event.project is not None:
        return event.project.establishment
    return None


def person_label(user) -> str:
    """The full name; the login only for an account without one."""
    if user is None:
        return _("SIRANo (automatique)")
    return user.get_full_name() or user.get_username()


def actor_label(event: AuditEvent) -> str:
    """« Claire Martin (DGOS) », « Alice Durand (HOSPICES CIVILS DE LYON) »."""
    user = event.actor
    if user is None:
        return person_label(None)
    if is_dgos_agent(user):
        return _("%(name)s (DGOS)") % {"name": person_label(user)}
    establishment = _event_establishment(event)
    if establishment is None:
        return person_label(user)
    return f"{person_label(user)} ({establishment.name})"


#: select_related/prefetch paths the labels above read, for callers listing many events.
EVENT_RELATED = (
    "actor",
    "tranche_request__milestone__project__establishment",
    "milestone__project__establishment",
    "project__establishment",
    "delegation",
)
EVENT_PREFETCH = ("actor__groups",)
