"""Audited writes of the catalogue and of the portfolio's reference records: programmes, calls,
disciplines, evidence types, investigators, trial registrations, establishments.

One service for all of them, as the admin and the commands edit them alike: it checks the actor's
model permission, validates the record (`full_clean`: a French message, nothing written), saves
it and writes one AuditEvent with the old → new value of each changed field, in one transaction.
A save that changes nothing writes nothing. The data version moves on commit (every domain write
does, `workflows.data_version`).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.models import (
    Call,
    Discipline,
    Establishment,
    EvidenceType,
    Investigator,
    Programme,
    Project,
    TrialRegistration,
)
from workflows.portfolio_services import _audit_edit, _diff, _plain, _require_perm

#: the fields an agent edits, per record (ids, provenance and derived keys are not here)
EDITABLE_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Programme: ("code", "name", "operator", "description"),
    Call: ("programme", "code", "year", "title"),
    Discipline: ("code", "label"),
    EvidenceType: ("code", "label", "description"),
    Investigator: ("title", "last_name", "first_name", "email"),
    TrialRegistration: ("registry", "identifier"),
    Establishment: ("finess", "name", "type", "region", "girci", "contact_email", "ror_id"),
}


def _fields_of(model: type[models.Model], values: dict) -> tuple[str, ...]:
    fields = EDITABLE_FIELDS.get(model)
    if fields is None:
        raise ValidationError(_("Cet enregistrement ne se modifie pas ici."))
    refused = sorted(set(values) - set(fields))
    if refused:
        raise ValidationError(
            _("Ces champs ne se modifient pas ici : %(fields)s.") % {"fields": ", ".join(refused)}
        )
    return fields


def action_for(model: type[models.Model], verb: str) -> str:
    """`create_programme`, `update_call`, `delete_trialregistration`… (labels in `audit_labels`)."""
    return f"{verb}_{model._meta.model_name}"


def save_record(
    *,
    actor,
    model: type[models.Model],
    values: dict,
    instance: models.Model | None = None,
    at: datetime.datetime | None = None,
) -> models.Model:
    """Create (`instance` None) or change one catalogue or reference record, audited."""
    at = at or timezone.now()
    _fields_of(model, values)
    creating = instance is None
    _require_perm(
        actor, f"{model._meta.app_label}.{'add' if creating else 'change'}_{model._meta.model_name}"
    )
    with transaction.atomic():
        if creating:
            record = model(**values)
            changes = {name: {"old": None, "new": _plain(value)} for name, value in values.items()}
        else:
            record = model.objects.select_for_update().get(pk=instance.pk)
            changes = _diff(record, values)
            if not changes:
                return record
            for name in changes:
                setattr(record, name, values[name])
        record.full_clean()
        record.save()
        if model is Call and not creating and "year" in changes:
            # The year its projects sort by (`Project.call_year`); their pages show it too.
            Project.objects.filter(call=record).update(call_year=record.year)
        _audit_edit(
            actor=actor,
            action=action_for(model, "create" if creating else "update"),
            target=record,
            changes=changes,
            at=at,
        )
    return record


def delete_record(*, actor, instance: models.Model, at: datetime.datetime | None = None) -> None:
    """Remove a record nothing depends on (`ProtectedError` otherwise); the event keeps its values."""
    at = at or timezone.now()
    model = type(instance)
    fields = _fields_of(model, {})
    _require_perm(actor, f"{model._meta.app_label}.delete_{model._meta.model_name}")
    with transaction.atomic():
        record = model.objects.select_for_update().get(pk=instance.pk)
        changes = {name: {"old": _plain(getattr(record, name)), "new": None} for name in fields}
        _audit_edit(actor=actor, action=action_for(model, "delete"), target=record, changes=changes, at=at)
        record.delete()
