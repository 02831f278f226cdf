"""Every write of the domain core. Keyword-only, typed, transactional, audited.

A state changes only here: the row is locked, the actor's permission checked with
`has_transition_perm`, the transition applied and saved, and one AuditEvent written, all in
one transaction; notifications leave after commit.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_fsm import ConcurrentTransition, can_proceed

from formatting import format_date, format_euros
from workflows import notifications, project_status, rules
from workflows.data_version import writes_to_projects
from workflows.documents import InspectedUpload
from workflows.models import (
    AuditEvent,
    Call,
    Delegation,
    DelegationStatus,
    EvidenceDocument,
    EvidenceType,
    Project,
    ProjectMilestone,
    TrancheRequest,
    TrancheStatus,
)

#: French names of the actions, for messages and buttons.
ACTION_LABELS = {
    "submit": _lazy("Soumettre"),
    "start_review": _lazy("Prendre en instruction"),
    "request_changes": _lazy("Demander des compléments"),
    "resubmit": _lazy("Soumettre à nouveau"),
    "validate": _lazy("Valider"),
    "reject": _lazy("Rejeter"),
    "delegate": _lazy("Déléguer"),
    "mark_paid": _lazy("Marquer versée"),
    "withdraw": _lazy("Retirer"),
    "allow_out_of_order": _lazy("Autoriser la déclaration hors ordre"),
    "issue": _lazy("Émettre"),
    "record_payment": _lazy("Enregistrer le versement"),
}

TIMESTAMP_FIELDS = {
    TrancheStatus.SUBMITTED: "submitted_at",
    TrancheStatus.VALIDATED: "validated_at",
    TrancheStatus.DELEGATED: "delegated_at",
    TrancheStatus.PAID: "paid_at",
}


def _audit(*, actor, action: str, at: datetime.datetime, **fields) -> AuditEvent:
    return AuditEvent.objects.create(actor=actor, action=action, created_at=at, **fields)


def _lock_request(pk: int) -> TrancheRequest:
    """Row lock on the request: concurrent transitions of one request run one after another."""
    return (
        TrancheRequest.objects.select_for_update(of=("self",))
        .select_related("milestone__project__establishment", "milestone__template__schedule")
        .get(pk=pk)
    )


def _lock_project(pk: int) -> None:
    """Row lock on the project: validations of one project are serialised (award ceiling)."""
    Project.objects.select_for_update(of=("self",)).filter(pk=pk).first()


#: Transitions whose conditions read sibling requests of the same project.
PROJECT_LOCKING_TRANSITIONS = frozenset({"validate"})


def _transition_tranche_request(
    *,
    tranche_request: TrancheRequest | int,
    name: str,
    actor,
    comment: str = "",
    at: datetime.datetime | None = None,
    after_apply=None,
) -> TrancheRequest:
    """Lock, check state then permission then conditions, apply, save, audit; mail after commit."""
    at = at or timezone.now()
    pk = tranche_request if isinstance(tranche_request, int) else tranche_request.pk
    with transaction.atomic(), contextlib.ExitStack() as scope:
        request = _lock_request(pk)
        scope.enter_context(writes_to_projects(request.milestone.project_id))
        if name in PROJECT_LOCKING_TRANSITIONS:
            _lock_project(request.milestone.project_id)
        method = getattr(request, name)
        if not can_proceed(method, check_conditions=False):
            raise ValidationError(
                _("L'action « %(action)s » n'est pas possible dans l'état « %(state)s ».")
                % {"action": ACTION_LABELS.get(name, name), "state": request.get_status_display()}
            )
        if not rules.user_may_fire(method, actor):
            raise PermissionDenied(
                _("« %(action)s » refusé : %(reason)s")
                % {
                    "action": ACTION_LABELS.get(name, name),
                    "reason": rules.refusal_reason(request, name, actor),
                }
            )
        request.transition_comment = comment
        if not can_proceed(method):
            raise ValidationError(rules.unmet_conditions(request, name))
        from_state = request.status
        method()
        request.status_changed_at = at
        stamp = TIMESTAMP_FIELDS.get(request.status)
        if stamp:
            setattr(request, stamp, at)
        if request.status == TrancheStatus.VALIDATED:
            request.validated_by = actor  # the agent who may not record this tranche's payment
        try:
            request.save()
        except ConcurrentTransition:
            raise ValidationError(_("La demande a changé entre-temps ; rechargez la page et recommencez."))
        if after_apply is not None:
            after_apply(request)
        event = _audit(
            actor=actor,
            action=name,
            at=at,
            from_state=from_state,
            to_state=request.status,
            comment=comment,
            evidence_sha256=request.evidence_fingerprint(),
            project=request.milestone.project,
            milestone=request.milestone,
            tranche_request=request,
        )
        transaction.on_commit(lambda: notifications.tranche_request_changed(event_id=event.pk))
    return request


def submit_tranche_request(*, tranche_request, actor, comment: str = "", at=None) -> TrancheRequest:
    """Establishment sends a complete draft for review."""
    return _transition_tranche_request(
        tranche_request=tranche_request, name="submit", actor=actor, comment=comment, at=at
    )


def start_review(*, tranche_request, actor, comment: str = "", at=None) -> TrancheRequest:
    """An instructing agent takes a submitted request."""
    return _transition_tranche_request(
        tranche_request=tranche_request, name="start_review", actor=actor, comment=comment, at=at
    )


def request_changes(*, tranche_request, actor, comment: str, at=None) -> TrancheRequest:
    """Agent asks for changes; the comment is mandatory and sent to the establishment."""
    return _transition_tranche_request(
        tranche_request=tranche_request, name="request_changes", actor=actor, comment=comment, at=at
    )


def resubmit_tranche_request(*, tranche_request, actor, comment: str = "", at=None) -> TrancheRequest:
    """Establishment answers a change request."""
    return _transition_tranche_request(
        tranche_request=tranche_request, name="resubmit", actor=actor, comment=comment, at=at
    )


def validate_tranche_request(*, tranche_request, actor, comment: str = "", at=None) -> TrancheRequest:
    """Agent validates; the milestone counts as verified by the same act (same transaction)."""

    def verify(request: TrancheRequest) -> None:
        ProjectMilestone.objects.filter(pk=request.milestone_id, verified_at__isnull=True).update(
            verified_at=request.validated_at, verified_by=actor
        )

    return _transition_tranche_request(
        tranche_request=tranche_request,
        name="validate",
        actor=actor,
        comment=comment,
        at=at,
        after_apply=verify,
    )


def reject_tranche_request(*, tranche_request, actor, comment: str, at=None) -> TrancheRequest:
    """Agent rejects; the reason is mandatory."""
    return _transition_tranche_request(
        tranche_request=tranche_request, name="reject", actor=actor, comment=comment, at=at
    )


def withdraw_tranche_request(*, tranche_request, actor, comment: str = "", at=None) -> TrancheRequest:
    """Establishment withdraws a request it no longer wants reviewed."""
    return _transition_tranche_request(
        tranche_request=tranche_request, name="withdraw", actor=actor, comment=comment, at=at
    )


def delegate_tranche_request(*, tranche_request, actor, comment: str = "", at=None) -> TrancheRequest:
    """Budget agent marks a validated tranche of an issued delegation as delegated; the project
    follows its ledger (en cours, terminé with its last tranche)."""

    def follow(request: TrancheRequest) -> None:
        project_status.follow_ledger(
            project_ids=[request.milestone.project_id],
            actor=actor,
            at=request.delegated_at,
            comment=_("Tranche %(rank)s déléguée") % {"rank": request.milestone.rank},
        )

    return _transition_tranche_request(
        tranche_request=tranche_request,
        name="delegate",
        actor=actor,
        comment=comment,
        at=at,
        after_apply=follow,
    )


def mark_tranche_paid(*, tranche_request, actor, comment: str = "", at=None) -> TrancheRequest:
    """Budget agent records the payment of a delegated tranche."""
    return _transition_tranche_request(
        tranche_request=tranche_request, name="mark_paid", actor=actor, comment=comment, at=at
    )


# Requests and evidence


def create_tranche_request(
    *, milestone: ProjectMilestone, actor, comment: str = "", at=None
) -> TrancheRequest:
    """Open a draft for a milestone; the amount is the milestone's share of the award."""
    at = at or timezone.now()
    with writes_to_projects(milestone.project_id), transaction.atomic():
        milestone = (
            ProjectMilestone.objects.select_for_update(of=("self",))
            .select_related("project__establishment")
            .get(pk=milestone.pk)
        )
        if not rules.is_member_of(actor, milestone.project.establishment_id):
            raise PermissionDenied(_("Seul l'établissement coordonnateur peut demander cette tranche."))
        _check_requestable(milestone)
        if milestone.tranche_requests.exclude(
            status__in=[TrancheStatus.REJECTED, TrancheStatus.WITHDRAWN]
        ).exists():
            raise ValidationError(_("Une demande est déjà ouverte pour ce jalon."))
        request = TrancheRequest(
            milestone=milestone, amount=milestone.tranche_amount, comment=comment, created_by=actor
        )
        request.created_at = at
        request.status_changed_at = at
        request.save()
        TrancheRequest.objects.filter(pk=request.pk).update(created_at=at)
        _audit(
            actor=actor,
            action="create",
            at=at,
            to_state=request.status,
            comment=comment,
            project=milestone.project,
            milestone=milestone,
            tranche_request=request,
        )
    return request


def attach_evidence(
    *,
    tranche_request: TrancheRequest,
    actor,
    evidence_type: EvidenceType,
    upload: InspectedUpload,
    at=None,
) -> EvidenceDocument:
    """Store one checked upload as evidence of a request the actor's establishment may edit."""
    at = at or timezone.now()
    with transaction.atomic(), contextlib.ExitStack() as scope:
        request = _lock_request(tranche_request.pk)
        scope.enter_context(writes_to_projects(request.milestone.project_id))
        if not rules.is_establishment_member(request, actor):
            raise PermissionDenied(_("Vous ne pouvez pas déposer de justificatif sur cette demande."))
        if request.status not in (TrancheStatus.DRAFT, TrancheStatus.CHANGES_REQUESTED):
            raise ValidationError(
                _(
                    "Les justificatifs ne peuvent être ajoutés qu'à une demande en brouillon ou en attente de compléments."
                )
            )
        document = EvidenceDocument(
            tranche_request=request,
            evidence_type=evidence_type,
            original_name=upload.name,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            uploaded_by=actor,
        )
        document.file.save(upload.name, upload.file, save=False)
        try:
            document.save()
            _audit(
                actor=actor,
                action="attach_evidence",
                at=at,
                comment=f"{evidence_type.label} : {upload.name}",
                evidence_sha256=upload.sha256,
                project=request.milestone.project,
                milestone=request.milestone,
                tranche_request=request,
            )
        except Exception:
            document.file.delete(save=False)
            raise
    return document


def remove_evidence(*, document: int, actor, at=None) -> None:
    """Remove a wrong attachment from a request its establishment may still edit.

    The audit record keeps the evidence type, file name and SHA-256 of what was removed; the file
    itself is erased once the transaction commits (never before: a rollback keeps it).
    """
    at = at or timezone.now()
    with transaction.atomic(), contextlib.ExitStack() as scope:
        found = (
            EvidenceDocument.objects.select_related("evidence_type")
            .filter(pk=getattr(document, "pk", document))
            .first()
        )
        if found is None:
            raise ValidationError(_("Ce justificatif n'existe plus."))
        request = _lock_request(found.tranche_request_id)
        scope.enter_context(writes_to_projects(request.milestone.project_id))
        if not rules.is_establishment_member(request, actor):
            raise PermissionDenied(_("Vous ne pouvez pas retirer de justificatif de cette demande."))
        if request.status not in (TrancheStatus.DRAFT, TrancheStatus.CHANGES_REQUESTED):
            raise ValidationError(
                _(
                    "Les justificatifs ne peuvent être retirés que d'une demande en brouillon ou en "
                    "attente de compléments (la demande est « %(state)s »)."
                )
                % {"state": request.get_status_display()}
            )
        stored = found.file.name
        storage = found.file.storage
        _audit(
            actor=actor,
            action="remove_evidence",
            at=at,
            comment=f"{found.evidence_type.label} : {found.original_name}",
            evidence_sha256=found.sha256,
            project=request.milestone.project,
            milestone=request.milestone,
            tranche_request=request,
            changes={
                "document": {
                    "old": {
                        "name": found.original_name,
                        "evidence_type": found.evidence_type.code,
                        "size": found.size,
                        "sha256": found.sha256,
                        "uploaded_at": found.uploaded_at.isoformat(),
                    },
                    "new": None,
                }
            },
        )
        found.delete()
        transaction.on_commit(lambda: storage.delete(stored))


# Milestones


def declare_milestone(
    *, milestone: ProjectMilestone, actor, reached_on: datetime.date, comment: str = "", at=None
) -> ProjectMilestone:
    """The establishment states the milestone was reached on a date (not in the future)."""
    at = at or timezone.now()
    if reached_on > timezone.localdate(at):
        raise ValidationError(
            {"reached_on": _("La date d'atteinte du jalon ne peut pas être dans le futur.")}
        )
    with writes_to_projects(milestone.project_id), transaction.atomic():
        milestone = (
            ProjectMilestone.objects.select_for_update(of=("self",))
            .select_related("project")
            .get(pk=milestone.pk)
        )
        if not rules.is_member_of(actor, milestone.project.establishment_id):
            raise PermissionDenied(_("Seul l'établissement coordonnateur peut déclarer ce jalon."))
        if milestone.verified_at is not None:
            raise ValidationError(_("Ce jalon a déjà été vérifié par la DGOS."))
        _check_requestable(milestone)
        milestone.declared_on = reached_on
        milestone.declared_at = at
        milestone.declared_by = actor
        milestone.declaration_comment = comment
        milestone.days_late = 0
        milestone.save()
        _audit(
            actor=actor,
            action="declare_milestone",
            at=at,
            comment=comment,
            project=milestone.project,
            milestone=milestone,
        )
    return milestone


def _check_requestable(milestone: ProjectMilestone) -> None:
    """Raise the French reason when `rules.milestone_refusal` refuses the milestone (fresh data)."""
    siblings = list(milestone.project.milestones.prefetch_related("tranche_requests").order_by("rank"))
    current = next(m for m in siblings if m.pk == milestone.pk)
    current.project = milestone.project
    reason = rules.milestone_refusal(current, siblings)
    if reason:
        raise ValidationError(reason)


def allow_out_of_order_declaration(
    *, milestone: ProjectMilestone, actor, comment: str, at=None
) -> ProjectMilestone:
    """An agent lets the establishment declare this milestone before the earlier ones (audited)."""
    at = at or timezone.now()
    if not (actor and actor.is_active and actor.has_perm("workflows.allow_out_of_order_milestone")):
        raise PermissionDenied(_("Seul un agent de la DGOS peut autoriser une déclaration hors ordre."))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Un motif est obligatoire pour autoriser une exception.")})
    with writes_to_projects(milestone.project_id), transaction.atomic():
        milestone = (
            ProjectMilestone.objects.select_for_update(of=("self",))
            .select_related("project")
            .get(pk=milestone.pk)
        )
        if milestone.order_exception_at is not None:
            raise ValidationError(_("Une exception est déjà accordée pour ce jalon."))
        milestone.order_exception_at = at
        milestone.order_exception_by = actor
        milestone.order_exception_comment = comment
        milestone.save(update_fields=["order_exception_at", "order_exception_by", "order_exception_comment"])
        _audit(
            actor=actor,
            action="allow_out_of_order",
            at=at,
            comment=comment,
            project=milestone.project,
            milestone=milestone,
        )
    return milestone


def verify_milestone(*, milestone: ProjectMilestone, actor, comment: str = "", at=None) -> ProjectMilestone:
    """An instructing agent confirms a declared milestone."""
    at = at or timezone.now()
    with writes_to_projects(milestone.project_id), transaction.atomic():
        milestone = (
            ProjectMilestone.objects.select_for_update(of=("self",))
            .select_related("project")
            .get(pk=milestone.pk)
        )
        if not rules.is_instructing_agent(milestone, actor):
            raise PermissionDenied(_("Seul un agent instructeur peut vérifier un jalon."))
        if milestone.declared_on is None:
            raise ValidationError(_("Le jalon n'a pas été déclaré atteint."))
        if milestone.verified_at is None:
            milestone.verified_at = at
            milestone.verified_by = actor
            milestone.save(update_fields=["verified_at", "verified_by"])
            _audit(
                actor=actor,
                action="verify_milestone",
                at=at,
                comment=comment,
                project=milestone.project,
                milestone=milestone,
            )
    return milestone


def mark_late_milestones(*, today: datetime.date, actor=None) -> dict[str, int]:
    """Set `days_late` = days past the planned date on undeclared milestones of active projects,
    and reset it to 0 on the others. Idempotent for a given day; returns counts. A run that
    changes a milestone writes one audit event (`actor` None: the scheduled job)."""
    from workflows.selectors import ACTIVE_PROJECT_STATES

    with transaction.atomic():
        late = ProjectMilestone.objects.select_for_update(of=("self",)).filter(
            declared_on__isnull=True,
            reached_before_sirano=False,
            planned_date__lt=today,
            project__status__in=ACTIVE_PROJECT_STATES,
        )
        changed, newly_late = [], 0
        rows = list(late.only("pk", "planned_date", "days_late").order_by("pk"))
        for milestone in rows:
            days = (today - milestone.planned_date).days
            if milestone.days_late != days:
                newly_late += milestone.days_late == 0
                milestone.days_late = days
                changed.append(milestone)
        ProjectMilestone.objects.bulk_update(changed, ["days_late"], batch_size=1000)
        cleared = (
            ProjectMilestone.objects.filter(days_late__gt=0)
            .exclude(pk__in=[m.pk for m in rows])
            .update(days_late=0)
        )
        if changed or cleared:
            _audit(
                actor=actor,
                action="mark_late_milestones",
                at=timezone.now(),
                comment=today.isoformat(),
                changes={
                    "days_late": {"old": None, "new": len(changed)},
                    "cleared": {"old": None, "new": cleared},
                },
            )
    return {"late": len(rows), "newly_late": newly_late, "updated": len(changed), "cleared": cleared}


def record_digest_sent(*, today: datetime.date, comment: str) -> AuditEvent:
    """Remember that today's late-milestone digests left, so a re-run does not send them twice."""
    return _audit(
        actor=None, action=DIGEST_ACTION, at=timezone.now(), comment=f"{today.isoformat()} {comment}"
    )


DIGEST_ACTION = "late_milestones_digest"


# Projects


def copy_schedule_to_project(*, project: Project) -> list[ProjectMilestone]:
    """Copy the call's current schedule onto a newly selected project (once)."""
    schedule = project.call.current_schedule()
    if schedule is None or project.milestones.exists():
        return list(project.milestones.all())
    templates = list(schedule.milestone_templates.prefetch_related("evidence_types").order_by("rank"))
    created = []
    for index, template in enumerate(templates):
        milestone = ProjectMilestone.from_template(project, template, is_last=index == len(templates) - 1)
        milestone.save()
        milestone.evidence_types.set(template.evidence_types.all())
        created.append(milestone)
    return created


def select_project(
    *,
    actor,
    call: Call,
    acronym: str,
    title: str,
    establishment,
    investigator,
    award_amount: Decimal,
    selected_on: datetime.date | None,
    **fields,
) -> Project:
    """Record a newly selected project and copy its call's funding schedule onto it."""
    with transaction.atomic():
        project = Project(
            call=call,
            acronym=acronym,
            title=title,
            establishment=establishment,
            investigator=investigator,
            award_amount=award_amount,
            selected_on=selected_on,
            **fields,
        )
        project.full_clean(exclude=["public_id", "sequence"])
        project.save()
        copy_schedule_to_project(project=project)
        _audit(actor=actor, action="select_project", at=timezone.now(), project=project)
    return project


# Delegations


def create_delegation(
    *, actor, reference: str, circular_date: datetime.date, at: datetime.datetime | None = None
) -> Delegation:
    """A budget agent opens a delegation for one budget circular (reference unique)."""
    at = at or timezone.now()
    if not rules.is_budget_agent(None, actor):
        raise PermissionDenied(rules.ROLE_REFUSALS[rules.is_budget_agent])
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": _("La référence de la circulaire est obligatoire.")})
    with transaction.atomic():
        if Delegation.objects.filter(reference=reference).exists():
            raise ValidationError({"reference": _("Une délégation porte déjà cette référence.")})
        delegation = Delegation.objects.create(
            reference=reference, circular_date=circular_date, created_by=actor
        )
        Delegation.objects.filter(pk=delegation.pk).update(created_at=at)
        _audit(
            actor=actor,
            action="create_delegation",
            at=at,
            comment=reference,
            delegation=delegation,
            to_state=delegation.status,
        )
    return delegation


def add_to_delegation(
    *,
    actor,
    delegation: Delegation,
    tranche_requests: Iterable[TrancheRequest | int],
    at: datetime.datetime | None = None,
) -> int:
    """Attach validated, unattached tranches to a delegation still in preparation (all or none)."""
    at = at or timezone.now()
    if not rules.is_budget_agent(None, actor):
        raise PermissionDenied(rules.ROLE_REFUSALS[rules.is_budget_agent])
    pks = {r if isinstance(r, int) else r.pk for r in tranche_requests}
    if not pks:
        raise ValidationError(_("Sélectionnez au moins une tranche validée."))
    with transaction.atomic(), contextlib.ExitStack() as scope:
        delegation = Delegation.objects.select_for_update(of=("self",)).get(pk=delegation.pk)
        if delegation.status != DelegationStatus.DRAFT:
            raise ValidationError(_("Cette délégation est déjà émise."))
        locked = list(
            TrancheRequest.objects.select_for_update(of=("self",))
            .select_related("milestone")
            .filter(pk__in=pks)
            .order_by("pk")
        )
        scope.enter_context(writes_to_projects(*{r.milestone.project_id for r in locked}))
        refused = [r for r in locked if r.status != TrancheStatus.VALIDATED or r.delegation_id]
        if refused or len(locked) != len(pks):
            raise ValidationError(
                _("Seules des tranches validées et non encore rattachées peuvent être ajoutées.")
            )
        TrancheRequest.objects.filter(pk__in=pks).update(delegation=delegation)
        AuditEvent.objects.bulk_create(
            AuditEvent(
                actor=actor,
                action="add_to_delegation",
                created_at=at,
                comment=delegation.reference,
                delegation=delegation,
                tranche_request=request,
                project_id=request.milestone.project_id,
                milestone_id=request.milestone_id,
            )
            for request in locked
        )
    return len(locked)


def remove_from_delegation(
    *,
    actor,
    delegation: Delegation,
    tranche_request: TrancheRequest | int,
    comment: str = "",
    at: datetime.datetime | None = None,
) -> TrancheRequest:
    """Take a tranche added by mistake out of a delegation still in preparation (audited).

    The tranche stays validated and goes back to the « Validées à déléguer » queue.
    """
    at = at or timezone.now()
    if not rules.is_budget_agent(None, actor):
        raise PermissionDenied(rules.ROLE_REFUSALS[rules.is_budget_agent])
    pk = tranche_request if isinstance(tranche_request, int) else tranche_request.pk
    with transaction.atomic(), contextlib.ExitStack() as scope:
        delegation = Delegation.objects.select_for_update(of=("self",)).get(pk=delegation.pk)
        if delegation.status != DelegationStatus.DRAFT:
            raise ValidationError(
                _("La délégation %(ref)s est déjà émise : ses tranches ne peuvent plus en être retirées.")
                % {"ref": delegation.reference}
            )
        request = _lock_request(pk)
        scope.enter_context(writes_to_projects(request.milestone.project_id))
        if request.delegation_id != delegation.pk:
            raise ValidationError(
                _("Cette tranche ne fait pas partie de la délégation %(ref)s.")
                % {"ref": delegation.reference}
            )
        request.delegation = None
        request.save(update_fields=["delegation"])
        _audit(
            actor=actor,
            action="remove_from_delegation",
            at=at,
            from_state=request.status,
            to_state=request.status,
            comment=comment or delegation.reference,
            delegation=delegation,
            tranche_request=request,
            project=request.milestone.project,
            milestone=request.milestone,
            changes={"delegation": {"old": delegation.reference, "new": None}},
        )
    return request


def _check_confirmed(delegation: Delegation, confirmed: tuple[int, Decimal] | None) -> None:
    """What the agent confirmed (count, total) is still what the delegation holds under the lock."""
    if confirmed is None:
        return
    figures = delegation.tranche_requests.aggregate(n=Count("pk"), total=Sum("amount"))
    if (figures["n"], figures["total"] or Decimal("0")) != (confirmed[0], Decimal(confirmed[1])):
        raise ValidationError(
            _(
                "La délégation a changé depuis votre confirmation (%(count)s tranche(s), %(total)s) : "
                "vérifiez-la et confirmez à nouveau."
            )
            % {"count": figures["n"], "total": format_euros(figures["total"] or Decimal("0"), places=2)}
        )


def _check_payment(delegation: Delegation, *, paid_on, payment_reference: str, at) -> str:
    """Date and reference of a payment are both required; the date is neither future nor before issue."""
    errors = {}
    payment_reference = (payment_reference or "").strip()
    if not payment_reference:
        errors["payment_reference"] = _("La référence du versement est obligatoire.")
    elif len(payment_reference) > 100:
        errors["payment_reference"] = _("La référence du versement ne dépasse pas 100 caractères.")
    if not isinstance(paid_on, datetime.date):
        errors["paid_on"] = _("La date du versement est obligatoire.")
    elif paid_on > timezone.localdate(at):
        errors["paid_on"] = _("La date du versement ne peut pas être dans le futur.")
    elif delegation.issued_at and paid_on < timezone.localdate(delegation.issued_at):
        errors["paid_on"] = _(
            "La date du versement ne peut pas précéder l'émission de la délégation (%(date)s)."
        ) % {"date": format_date(timezone.localdate(delegation.issued_at))}
    if errors:
        raise ValidationError(errors)
    return payment_reference


def _delegation_transition(
    *,
    delegation: Delegation,
    name: str,
    actor,
    at=None,
    confirmed: tuple[int, Decimal] | None = None,
    payment: dict | None = None,
) -> Delegation:
    at = at or timezone.now()
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update(of=("self",)).get(pk=delegation.pk)
        method = getattr(delegation, name)
        if not can_proceed(method, check_conditions=False):
            raise ValidationError(
                _("L'action « %(action)s » n'est pas possible pour une délégation « %(state)s ».")
                % {"action": ACTION_LABELS[name], "state": delegation.get_status_display()}
            )
        if not rules.user_may_fire(method, actor):
            raise PermissionDenied(
                _("« %(action)s » refusé : %(reason)s")
                % {"action": ACTION_LABELS[name], "reason": rules.refusal_reason(delegation, name, actor)}
            )
        changes, comment = {}, delegation.reference
        if payment is not None:
            reference = _check_payment(delegation, at=at, **payment)
            delegation.payment_date = payment["paid_on"]
            delegation.payment_reference = reference
            delegation.paid_by = actor
            changes = {
                "payment_date": {"old": None, "new": payment["paid_on"]},
                "payment_reference": {"old": "", "new": reference},
            }
            comment = _("%(ref)s — versement du %(date)s, référence %(payment)s") % {
                "ref": delegation.reference,
                "date": format_date(payment["paid_on"]),
                "payment": reference,
            }
        if not can_proceed(method):
            raise ValidationError(rules.unmet_conditions(delegation, name))
        _check_confirmed(delegation, confirmed)
        from_state = delegation.status
        method()
        if name == "issue":
            delegation.issued_at = at
        else:
            delegation.paid_at = at
        delegation.save()
        _audit(
            actor=actor,
            action=name,
            at=at,
            from_state=from_state,
            to_state=delegation.status,
            comment=comment,
            delegation=delegation,
            changes=changes,
        )
        step, source = (
            (delegate_tranche_request, TrancheStatus.VALIDATED)
            if name == "issue"
            else (mark_tranche_paid, TrancheStatus.DELEGATED)
        )
        pks = delegation.tranche_requests.filter(status=source).order_by("pk").values_list("pk", flat=True)
        for pk in list(pks):
            step(tranche_request=pk, actor=actor, comment=comment, at=at)
    return delegation


def issue_delegation(
    *,
    delegation: Delegation,
    actor,
    at=None,
    confirmed: tuple[int, Decimal] | None = None,
) -> Delegation:
    """Issue the circular: every tranche in it becomes delegated, each with its audit event.

    `confirmed` (count, total) is what the agent saw on the confirmation page: refused if it changed.
    """
    return _delegation_transition(
        delegation=delegation, name="issue", actor=actor, at=at, confirmed=confirmed
    )


def record_delegation_payment(
    *,
    delegation: Delegation,
    actor,
    paid_on: datetime.date,
    payment_reference: str,
    at=None,
    confirmed: tuple[int, Decimal] | None = None,
) -> Delegation:
    """Record payment (date and reference required): every delegated tranche becomes paid.

    The date is neither in the future nor before the issue; an agent who validated one of the
    tranches may not record it (separation of duties).
    """
    return _delegation_transition(
        delegation=delegation,
        name="record_payment",
        actor=actor,
        at=at,
        confirmed=confirmed,
        payment={"paid_on": paid_on, "payment_reference": payment_reference},
    )
