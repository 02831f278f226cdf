"""Append-only audit trail: who did what, when, from which state to which, and why.

Workflow events point at their request, milestone, project or delegation. Edits of other records
(funding schedules, memberships, projects edited in the admin) name their target by content type,
id and label (kept even if the target is later removed) and carry the old → new value of every
changed field in `changes`.
"""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from formatting import format_datetime


class AuditEventImmutable(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditEventImmutable("Audit events are append-only.")

    def delete(self):
        raise AuditEventImmutable("Audit events are append-only.")

    _raw_delete = delete


class AuditEvent(models.Model):
    actor = models.ForeignKey(
        "auth.User",
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("état de départ"), max_length=20, blank=True)
    to_state = models.CharField(_("état d'arrivée"), max_length=20, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    evidence_sha256 = models.CharField(_("empreinte des justificatifs vus"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("date"), db_index=True)
    project = models.ForeignKey(
        "workflows.Project", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    milestone = models.ForeignKey(
        "workflows.ProjectMilestone",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    tranche_request = models.ForeignKey(
        "workflows.TrancheRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    delegation = models.ForeignKey(
        "workflows.Delegation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )

    target_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("type de l'objet modifié"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_id = models.CharField(_("identifiant de l'objet modifié"), max_length=64, blank=True)
    target_label = models.CharField(_("objet modifié"), max_length=255, blank=True)
    changes = models.JSONField(
        _("modifications (ancienne → nouvelle valeur)"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["action", "to_state", "created_at"]),
            models.Index(fields=["target_type", "target_id"], name="auditevent_target"),
        ]

    def __str__(self) -> str:
        return f"{format_datetime(timezone.localtime(self.created_at))} {self.action} {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditEventImmutable("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEventImmutable("Audit events are append-only.")
