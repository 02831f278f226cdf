"""Proxy models giving each agents' desk queue its own admin list (no table, no new data)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .projects import ProjectMilestone
from .tranches import TrancheRequest


class RequestToReview(TrancheRequest):
    class Meta:
        proxy = True
        verbose_name = _("demande à instruire")
        verbose_name_plural = _("À instruire")


class RequestAwaitingChanges(TrancheRequest):
    class Meta:
        proxy = True
        verbose_name = _("demande en attente de compléments")
        verbose_name_plural = _("En attente de compléments")


class RequestToDelegate(TrancheRequest):
    class Meta:
        proxy = True
        verbose_name = _("demande validée à déléguer")
        verbose_name_plural = _("Validées à déléguer")


class LateMilestone(ProjectMilestone):
    class Meta:
        proxy = True
        verbose_name = _("jalon en retard")
        verbose_name_plural = _("Jalons en retard")
