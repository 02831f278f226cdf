"""Writes on establishments: completing one an import created "à compléter", editing one, and
filling ROR identifiers from a FINESS → ROR mapping.

Imports never modify existing establishments (reference data); every change here is an audited
act, in one transaction with its audit record carrying the old → new value of each field.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.models import AuditEvent, Establishment, EstablishmentType, Region
from workflows.validators import normalise_finess, normalise_ror_id, validate_ror_id

PERMISSION = "workflows.change_establishment"
#: What an administrator edits on an establishment that is already complete.
EDITABLE_FIELDS = ("finess", "name", "type", "region", "girci", "contact_email", "ror_id")


def can_complete_establishment(user) -> tuple[bool, str]:
    """(allowed, French reason): DGOS administrators keep the establishments' reference data."""
    if not (user and user.is_active and user.has_perm(PERMISSION)):
        return False, _("Seuls les administrateurs DGOS complètent les établissements.")
    return True, ""


@transaction.atomic
def complete_establishment(
    *,
    establishment: Establishment,
    actor,
    name: str,
    type: str,
    region: str,
    at: datetime.datetime | None = None,
) -> Establishment:
    """Set the name, type and region an import could not be sure of; clears "à compléter"."""
    allowed, reason = can_complete_establishment(actor)
    if not allowed:
        raise PermissionDenied(reason)
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Le nom de l'établissement est obligatoire.")
    if type not in EstablishmentType.values:
        errors["type"] = _("Choisissez le type de l'établissement.")
    if region not in Region.values:
        errors["region"] = _("Choisissez la région de l'établissement.")
    if errors:
        raise ValidationError(errors)
    locked = Establishment.objects.select_for_update().get(pk=establishment.pk)
    before = {"name": locked.name, "type": locked.type, "region": locked.region}
    locked.name, locked.type, locked.region = name, type, region
    locked.girci = ""  # recomputed from the region on save
    was_to_complete = locked.to_complete
    locked.to_complete = False
    locked.save()
    changes = [
        f"{label} « {before[key] or '—'} » → « {getattr(locked, key)} »"
        for key, label in (("name", _("nom")), ("type", _("type")), ("region", _("région")))
        if before[key] != getattr(locked, key)
    ]
    AuditEvent.objects.create(
        actor=actor,
        action="complete_establishment",
        from_state="to_complete" if was_to_complete else "",
        to_state="complete",
        comment=_("Établissement FINESS %(finess)s complété%(changes)s.")
        % {"finess": locked.finess, "changes": " : " + ", ".join(changes) if changes else ""},
        created_at=at or timezone.now(),
    )
    return locked


def _audit_changes(
    *, actor, establishment: Establishment, changes: dict, at, comment: str = ""
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor,
        action="update_establishment",
        comment=comment,
        created_at=at,
        target_type=ContentType.objects.get_for_model(Establishment),
        target_id=str(establishment.pk),
        target_label=str(establishment)[:255],
        changes=changes,
    )


@transaction.atomic
def update_establishment(
    *, establishment: Establishment, actor, values: dict, at: datetime.datetime | None = None
) -> Establishment:
    """Change an establishment's reference data; one audit event with every old → new value."""
    allowed, reason = can_complete_establishment(actor)
    if not allowed:
        raise PermissionDenied(reason)
    refused = sorted(set(values) - set(EDITABLE_FIELDS))
    if refused:
        raise ValidationError(
            _("Ces champs ne se modifient pas ici : %(fields)s.") % {"fields": ", ".join(refused)}
        )
    locked = Establishment.objects.select_for_update().get(pk=establishment.pk)
    changes = {
        name: {"old": getattr(locked, name), "new": value}
        for name, value in values.items()
        if getattr(locked, name) != value
    }
    if not changes:
        return locked
    for name in changes:
        setattr(locked, name, values[name])
    locked.full_clean(validate_unique=True)
    locked.save()
    _audit_changes(actor=actor, establishment=locked, changes=changes, at=at or timezone.now())
    return locked


def parse_ror_mapping(rows: list[dict[str, str]]) -> tuple[dict[str, str], list[str]]:
    """({FINESS: ROR id}, French errors by line): each row checked, every error reported at once.

    `rows` are the CSV's rows (header first at line 1), keyed by lower-case column name.
    """
    mapping: dict[str, str] = {}
    errors: list[str] = []
    known = set(Establishment.objects.values_list("finess", flat=True))
    for line, row in enumerate(rows, start=2):
        try:
            finess = normalise_finess(row.get("finess"))
        except ValidationError as error:
            errors.append(_("ligne %(line)s : %(error)s") % {"line": line, "error": " ".join(error.messages)})
            continue
        ror_id = normalise_ror_id(row.get("ror"))
        try:
            validate_ror_id(ror_id)
        except ValidationError as error:
            errors.append(_("ligne %(line)s : %(error)s") % {"line": line, "error": " ".join(error.messages)})
            continue
        if finess not in known:
            errors.append(
                _("ligne %(line)s : aucun établissement ne porte le FINESS %(finess)s.")
                % {"line": line, "finess": finess}
            )
        elif mapping.get(finess, ror_id) != ror_id:
            errors.append(
                _("ligne %(line)s : le FINESS %(finess)s a déjà reçu un autre identifiant ROR plus haut.")
                % {"line": line, "finess": finess}
            )
        else:
            mapping[finess] = ror_id
    return mapping, errors


@transaction.atomic
def assign_ror_ids(
    *, mapping: dict[str, str], actor=None, source: str, at: datetime.datetime | None = None
) -> int:
    """Set each FINESS's ROR id from a checked mapping; returns how many establishments changed.

    `actor` is None when an operator runs the command on the server: the audit event then names
    the file in its comment. Establishments already holding that id are left alone (no event).
    """
    at = at or timezone.now()
    changed = 0
    for establishment in Establishment.objects.select_for_update().filter(finess__in=mapping).order_by("pk"):
        new = mapping[establishment.finess]
        if establishment.ror_id == new:
            continue
        changes = {"ror_id": {"old": establishment.ror_id, "new": new}}
        establishment.ror_id = new
        establishment.save(update_fields=["ror_id", "updated_at"])
        _audit_changes(
            actor=actor,
            establishment=establishment,
            changes=changes,
            at=at,
            comment=_("Identifiant ROR importé depuis %(source)s.") % {"source": source},
        )
        changed += 1
    return changed
