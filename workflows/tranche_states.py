"""The states of a tranche request, apart from the models so that the rules and the money sets
(`workflows.money`) read them without importing the models that import the rules."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrancheStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    SUBMITTED = "submitted", _("soumise")
    UNDER_REVIEW = "under_review", _("en instruction")
    CHANGES_REQUESTED = "changes_requested", _("compléments demandés")
    VALIDATED = "validated", _("validée")
    REJECTED = "rejected", _("rejetée")
    DELEGATED = "delegated", _("déléguée")
    PAID = "paid", _("versée")
    WITHDRAWN = "withdrawn", _("retirée")
