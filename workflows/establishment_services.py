"""Writes on establishments met by imports: an agent completes one created "à compléter".

Imports never modify existing establishments (reference data); completing one is a DGOS
administrator's audited act, in one transaction with its audit record.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.models import AuditEvent, Establishment, EstablishmentType, Region

PERMISSION = "workflows.change_establishment"


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
