"""Audited writes of the records DGOS administrators edit in the Wagtail admin: projects, funding
schedules with their milestones, establishment memberships.

Keyword-only and typed like `workflows.services`: each locks the row, checks the actor's model
permission, applies the change and writes one AuditEvent carrying the old → new value of every
changed field, in one transaction. A save that changes nothing writes nothing. A project's status
is not edited here (its own dated services change it).
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from formatting import format_euros
from workflows import selectors
from workflows.data_version import writes_to_projects
from workflows.models import (
    AuditEvent,
    Establishment,
    EstablishmentMembership,
    EvidenceType,
    FundingSchedule,
    MilestoneTemplate,
    Project,
    ProjectMilestone,
    TrialRegistration,
)

#: What the admin may change on a project. `status`, `public_id`, `sequence` and `call` are not here:
#: the status moves through its own services and the call fixes the public id.
PROJECT_EDITABLE_FIELDS = (
    "acronym",
    "title",
    "summary",
    "discipline",
    "discipline_raw",
    "establishment",
    "investigator",
    "award_amount",
    "selected_on",
    "budget_breakdown",
    "visibility",
    "results_posted_on",
    "results_url",
)

SCHEDULE_FIELDS = (
    "call",
    "version",
    "is_active",
    "results_required_for_last_tranche",
    "lapse_after_months",
    "notes",
)
TEMPLATE_FIELDS = ("rank", "label", "share_percent", "planned_delay_months", "is_results_milestone")


def _plain(value):
    """A value as the audit log keeps it: JSON-friendly, readable without the target."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Decimal | datetime.date):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | dict):
        return sorted(str(item) for item in value)
    return value


def _diff(instance: models.Model, values: dict) -> dict[str, dict]:
    changes = {}
    for name, new in values.items():
        old = getattr(instance, name)
        if isinstance(old, Decimal) and isinstance(new, Decimal | int | str):
            try:
                same = old == Decimal(str(new))
            except decimal.InvalidOperation:
                same = False
        else:
            same = old == new
        if not same:
            changes[name] = {"old": _plain(old), "new": _plain(new)}
    return changes


def _audit_edit(*, actor, action: str, target: models.Model, changes: dict, at, project=None) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        created_at=at,
        project=project,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=str(target.pk),
        target_label=str(target)[:255],
        changes=changes,
    )


def _require_perm(actor, perm: str) -> None:
    if not (actor and actor.is_active and actor.has_perm(perm)):
        raise PermissionDenied(_("Vous n'avez pas le droit de modifier cet enregistrement."))


# Projects


def update_project(
    *, actor, project: Project | int, values: dict, at: datetime.datetime | None = None
) -> Project:
    """Change a project's editable fields; the award never drops below what is already committed."""
    at = at or timezone.now()
    _require_perm(actor, "workflows.change_project")
    refused = sorted(set(values) - set(PROJECT_EDITABLE_FIELDS))
    if refused:
        raise ValidationError(
            _("Ces champs ne se modifient pas ici : %(fields)s.") % {"fields": ", ".join(refused)}
        )
    pk = project if isinstance(project, int) else project.pk
    with writes_to_projects(pk), transaction.atomic():
        project = Project.objects.select_for_update(of=("self",)).get(pk=pk)
        changes = _diff(project, values)
        if not changes:
            return project
        if "award_amount" in changes:
            committed = selectors.project_money(project)["committed"]
            if values["award_amount"] is None or values["award_amount"] < committed:
                raise ValidationError(
                    {
                        "award_amount": _(
                            "Le financement accordé ne peut pas être inférieur aux tranches déjà "
                            "engagées (%(committed)s)."
                        )
                        % {"committed": format_euros(committed, places=2)}
                    }
                )
        for name in changes:
            setattr(project, name, values[name])
        project.full_clean(validate_unique=False, exclude=["public_id", "sequence"])
        project.save(update_fields=list(changes))
        _audit_edit(
            actor=actor, action="update_project", target=project, changes=changes, at=at, project=project
        )
    return project


def add_trial_registration(
    *, actor, project: Project | int, registry: str, identifier: str, at: datetime.datetime | None = None
) -> TrialRegistration:
    """Link a trial registry record to a project (created when new): audited on the project with
    the registrations before and after."""
    at = at or timezone.now()
    _require_perm(actor, "workflows.change_project")
    pk = project if isinstance(project, int) else project.pk
    identifier = identifier.strip()
    with writes_to_projects(pk), transaction.atomic():
        project = Project.objects.select_for_update(of=("self",)).get(pk=pk)
        registration = TrialRegistration.objects.filter(identifier=identifier).first()
        if registration is None:
            registration = TrialRegistration(registry=registry, identifier=identifier)
            registration.full_clean()
            registration.save()
        elif registration.registry != registry:
            raise ValidationError(
                {"registry": _("%(id)s est déjà enregistré sur un autre registre.") % {"id": identifier}}
            )
        old = sorted(project.registrations.values_list("identifier", flat=True))
        if identifier in old:
            return registration
        project.registrations.add(registration)
        _audit_edit(
            actor=actor,
            action="update_project",
            target=project,
            changes={"registrations": {"old": old, "new": sorted([*old, identifier])}},
            at=at,
            project=project,
        )
    return registration


# Funding schedules


@dataclass
class MilestoneRow:
    """One milestone of a schedule as the admin form sends it (`pk` None for a new one)."""

    values: dict
    evidence_types: list[EvidenceType] = field(default_factory=list)
    pk: int | None = None
    delete: bool = False


def _check_milestones(schedule: FundingSchedule | None, kept: list[MilestoneRow], removed: list[int]) -> None:
    errors = []
    try:
        FundingSchedule.check_shares([row.values.get("share_percent") for row in kept])
    except ValidationError as error:
        errors.extend(error.messages)
    ranks = [row.values.get("rank") for row in kept]
    duplicates = sorted({rank for rank in ranks if ranks.count(rank) > 1})
    if duplicates:
        errors.append(
            _("Deux jalons ne peuvent pas avoir le même rang (%(ranks)s).")
            % {"ranks": ", ".join(str(rank) for rank in duplicates)}
        )
    if removed:
        copies = ProjectMilestone.objects.filter(template_id__in=removed)
        if copies.exists():
            errors.append(
                _(
                    "Un jalon supprimé est déjà recopié sur %(count)s projet(s) : créez plutôt une "
                    "nouvelle version de l'échéancier."
                )
                % {"count": copies.values("project_id").distinct().count()}
            )
    if errors:
        raise ValidationError(errors)


def _save_milestone_row(
    schedule: FundingSchedule, row: MilestoneRow, template: MilestoneTemplate | None
) -> dict:
    """Create or change one milestone of the schedule; its audit changes, keyed "jalon <rank>[.field]"."""
    label = f"jalon {row.values.get('rank')}"
    if template is None:
        template = MilestoneTemplate(schedule=schedule, **row.values)
        template.full_clean(exclude=["schedule", "evidence_types"], validate_unique=False)
        template.evidence_types.set(row.evidence_types)  # parental M2M: written by save()
        template.save()
        return {
            label: {
                "old": None,
                "new": {
                    **{k: _plain(v) for k, v in row.values.items()},
                    "evidence_types": _plain(row.evidence_types),
                },
            }
        }
    diff = _diff(template, row.values)
    old_types = set(template.evidence_types.all())
    if old_types != set(row.evidence_types):
        diff["evidence_types"] = {"old": _plain(old_types), "new": _plain(row.evidence_types)}
    if not diff:
        return {}
    for name in set(diff) - {"evidence_types"}:
        setattr(template, name, row.values[name])
    template.evidence_types.set(row.evidence_types)
    template.save()
    return {f"{label}.{name}": change for name, change in diff.items()}


def save_funding_schedule(
    *,
    actor,
    schedule: FundingSchedule | None,
    values: dict,
    milestones: list[MilestoneRow],
    at: datetime.datetime | None = None,
) -> FundingSchedule:
    """Create (`schedule` None) or change a funding schedule and its milestones as one audited act.

    Shares must sum to 100 %, ranks be distinct, and a milestone already copied onto projects is
    never deleted (a new version of the schedule replaces it).
    """
    at = at or timezone.now()
    creating = schedule is None
    _require_perm(actor, "workflows.add_fundingschedule" if creating else "workflows.change_fundingschedule")
    unknown = sorted(set(values) - set(SCHEDULE_FIELDS))
    if unknown:
        raise ValidationError(_("Champs inconnus : %(fields)s.") % {"fields": ", ".join(unknown)})
    with transaction.atomic():
        if creating:
            schedule = FundingSchedule(**values)
            changes = {name: {"old": None, "new": _plain(value)} for name, value in values.items()}
            existing = {}
        else:
            schedule = FundingSchedule.objects.select_for_update(of=("self",)).get(pk=schedule.pk)
            changes = _diff(schedule, values)
            for name in changes:
                setattr(schedule, name, values[name])
            existing = {t.pk: t for t in schedule.milestone_templates.prefetch_related("evidence_types")}
        kept = [row for row in milestones if not row.delete]
        removed = [row.pk for row in milestones if row.delete and row.pk in existing]
        _check_milestones(None if creating else schedule, kept, removed)
        schedule.full_clean(exclude=["milestone_templates"])
        schedule.save()
        for pk in removed:
            template = existing[pk]
            changes[f"jalon {template.rank}"] = {"old": str(template), "new": None}
        MilestoneTemplate.objects.filter(pk__in=removed).delete()
        for row in kept:
            changes.update(_save_milestone_row(schedule, row, existing.get(row.pk) if row.pk else None))
        if changes:
            _audit_edit(
                actor=actor,
                action="create_funding_schedule" if creating else "update_funding_schedule",
                target=schedule,
                changes=changes,
                at=at,
            )
    return schedule


# Establishment memberships


def _check_membership(user, establishment: Establishment, exclude_pk: int | None = None) -> None:
    duplicate = EstablishmentMembership.objects.filter(user=user, establishment=establishment)
    if exclude_pk:
        duplicate = duplicate.exclude(pk=exclude_pk)
    if duplicate.exists():
        raise ValidationError(_("Cet utilisateur est déjà rattaché à cet établissement."))


def create_membership(
    *, actor, user, establishment: Establishment, at: datetime.datetime | None = None
) -> EstablishmentMembership:
    """Give a user access to an establishment's projects in the portal (audited)."""
    at = at or timezone.now()
    _require_perm(actor, "workflows.add_establishmentmembership")
    with transaction.atomic():
        _check_membership(user, establishment)
        membership = EstablishmentMembership.objects.create(user=user, establishment=establishment)
        changes = {
            "user": {"old": None, "new": str(user)},
            "establishment": {"old": None, "new": str(establishment)},
        }
        _audit_edit(actor=actor, action="create_membership", target=membership, changes=changes, at=at)
    return membership


def update_membership(
    *,
    actor,
    membership: EstablishmentMembership,
    user,
    establishment: Establishment,
    at: datetime.datetime | None = None,
) -> EstablishmentMembership:
    """Move a membership to another user or establishment (audited with both values)."""
    at = at or timezone.now()
    _require_perm(actor, "workflows.change_establishmentmembership")
    with transaction.atomic():
        membership = (
            EstablishmentMembership.objects.select_for_update(of=("self",))
            .select_related("user", "establishment")
            .get(pk=membership.pk)
        )
        changes = _diff(membership, {"user": user, "establishment": establishment})
        if not changes:
            return membership
        _check_membership(user, establishment, exclude_pk=membership.pk)
        membership.user, membership.establishment = user, establishment
        membership.save(update_fields=list(changes))
        _audit_edit(actor=actor, action="update_membership", target=membership, changes=changes, at=at)
    return membership


def delete_membership(
    *, actor, membership: EstablishmentMembership, at: datetime.datetime | None = None
) -> None:
    """Withdraw a user's access to an establishment (the audit event keeps who and which)."""
    at = at or timezone.now()
    _require_perm(actor, "workflows.delete_establishmentmembership")
    with transaction.atomic():
        membership = (
            EstablishmentMembership.objects.select_for_update(of=("self",))
            .select_related("user", "establishment")
            .get(pk=membership.pk)
        )
        changes = {
            "user": {"old": str(membership.user), "new": None},
            "establishment": {"old": str(membership.establishment), "new": None},
        }
        _audit_edit(actor=actor, action="delete_membership", target=membership, changes=changes, at=at)
        membership.delete()
