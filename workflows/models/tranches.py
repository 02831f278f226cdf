"""Tranche requests (the instruction state machine), evidence documents and delegations.

States are assigned only by the transition methods below, called from `workflows.services`.
"""

from __future__ import annotations

import hashlib

from django.core.files.storage import Storage, storages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from workflows import rules
from workflows.money import COMMITTED_STATES, DROPPED_STATES
from workflows.tranche_states import TrancheStatus

from .catalog import EvidenceType
from .projects import ProjectMilestone
from .provenance import ImportRun

S = TrancheStatus
TERMINAL_STATES = frozenset({S.REJECTED, S.PAID, S.WITHDRAWN})
#: States in which the establishment is expected to act.
ESTABLISHMENT_ACTION_STATES = (S.DRAFT, S.CHANGES_REQUESTED)


class TrancheRequestQuerySet(models.QuerySet):
    def for_user(self, user) -> TrancheRequestQuerySet:
        return self.filter(milestone__project__establishment__memberships__user=user)

    def awaiting_review(self) -> TrancheRequestQuerySet:
        return self.filter(status__in=[S.SUBMITTED, S.UNDER_REVIEW])

    def waiting_for_changes(self) -> TrancheRequestQuerySet:
        return self.filter(status=S.CHANGES_REQUESTED)

    def awaiting_delegation(self) -> TrancheRequestQuerySet:
        return self.filter(status=S.VALIDATED)

    def committed(self) -> TrancheRequestQuerySet:
        return self.filter(status__in=COMMITTED_STATES)

    def historical(self) -> TrancheRequestQuerySet:
        return self.filter(is_historical=True)

    def workflow(self) -> TrancheRequestQuerySet:
        return self.filter(is_historical=False)


class TrancheRequest(ConcurrentTransitionMixin, models.Model):
    """A request to release the tranche tied to one project milestone."""

    milestone = models.ForeignKey(
        ProjectMilestone,
        verbose_name=_("jalon"),
        on_delete=models.PROTECT,
        related_name="tranche_requests",
        db_index=False,  # `tranche_milestone_money` leads with it
    )
    amount = models.DecimalField(_("montant demandé (€)"), max_digits=12, decimal_places=2)
    status = FSMField(
        _("état"), default=S.DRAFT, choices=TrancheStatus.choices, protected=True, db_index=True
    )
    comment = models.TextField(_("commentaire de l'établissement"), blank=True)
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("dernier changement d'état"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    validated_by = models.ForeignKey(
        "auth.User",
        verbose_name=_("validée par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delegated_at = models.DateTimeField(_("déléguée le"), null=True, blank=True)
    paid_at = models.DateTimeField(_("versée le"), null=True, blank=True)
    delegation = models.ForeignKey(
        "workflows.Delegation",
        verbose_name=_("délégation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tranche_requests",
    )
    is_historical = models.BooleanField(
        _("tranche historique"),
        default=False,
        help_text=_("Déléguée avant SIRANo ; reprise du stock par import (jamais instruite ici)."),
    )
    amount_is_derived = models.BooleanField(
        _("montant dérivé de l'échéancier"),
        default=False,
        help_text=_("Le fichier source ne donnait pas le montant : part du jalon × financement total."),
    )
    import_run = models.ForeignKey(
        ImportRun,
        verbose_name=_("import d'origine"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    source_file = models.CharField(_("fichier source"), max_length=255, blank=True, editable=False)
    source_row = models.PositiveIntegerField(_("ligne source"), null=True, blank=True, editable=False)

    #: Comment given with the transition being attempted; read by the comment conditions.
    transition_comment: str = ""

    objects = TrancheRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande de tranche")
        verbose_name_plural = _("demandes de tranche")
        ordering = ["-status_changed_at"]
        permissions = [
            ("review_trancherequest", _("Instruire les demandes de tranche")),
            ("delegate_trancherequest", _("Déléguer et verser les tranches")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone"],
                condition=~models.Q(status__in=list(DROPPED_STATES)),
                name="one_open_request_per_milestone",
            )
        ]
        indexes = [
            # The money selector's figures per project (`selectors.with_funding_figures`): a
            # milestone's tranches in a state, with their amounts, from the index alone.
            models.Index(fields=["milestone", "status"], name="tranche_milestone_money", include=["amount"])
        ]

    def __str__(self) -> str:
        return _("Tranche %(rank)s de %(project)s") % {
            "rank": self.milestone.rank,
            "project": self.milestone.project.public_id,
        }

    @property
    def project(self):
        return self.milestone.project

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATES

    def evidence_fingerprint(self) -> str:
        """SHA-256 over the sorted SHA-256 of the documents attached now (what an actor saw)."""
        digests = sorted(doc.sha256 for doc in self.documents.all())
        return hashlib.sha256("\n".join(digests).encode()).hexdigest() if digests else ""

    # Transitions: one method each, conditions and permissions from rules.py.

    @transition(
        field=status,
        source=S.DRAFT,
        target=S.SUBMITTED,
        permission=rules.is_establishment_member,
        conditions=[
            rules.project_accepts_requests,
            rules.milestone_declared,
            rules.evidence_complete,
            rules.results_posted_if_required,
        ],
    )
    def submit(self) -> None:
        """The establishment sends a complete request for review."""

    @transition(
        field=status, source=S.SUBMITTED, target=S.UNDER_REVIEW, permission=rules.is_instructing_agent
    )
    def start_review(self) -> None:
        """An instructing agent takes the request."""

    @transition(
        field=status,
        source=S.UNDER_REVIEW,
        target=S.CHANGES_REQUESTED,
        permission=rules.is_instructing_agent,
        conditions=[rules.has_comment],
    )
    def request_changes(self) -> None:
        """The agent asks the establishment for more (a comment says what)."""

    @transition(
        field=status,
        source=S.CHANGES_REQUESTED,
        target=S.SUBMITTED,
        permission=rules.is_establishment_member,
        conditions=[
            rules.project_accepts_requests,
            rules.milestone_declared,
            rules.evidence_complete,
            rules.results_posted_if_required,
        ],
    )
    def resubmit(self) -> None:
        """The establishment answers a change request."""

    @transition(
        field=status,
        source=S.UNDER_REVIEW,
        target=S.VALIDATED,
        permission=rules.is_instructing_agent,
        conditions=[rules.project_accepts_requests, rules.within_award, rules.results_posted_if_required],
    )
    def validate(self) -> None:
        """The agent accepts the milestone as proven; the amount becomes committed."""

    @transition(
        field=status,
        source=S.UNDER_REVIEW,
        target=S.REJECTED,
        permission=rules.is_instructing_agent,
        conditions=[rules.has_comment],
    )
    def reject(self) -> None:
        """The agent refuses the request (a comment gives the reason)."""

    @transition(
        field=status,
        source=S.VALIDATED,
        target=S.DELEGATED,
        permission=rules.is_budget_agent,
        conditions=[rules.in_delegation],
    )
    def delegate(self) -> None:
        """Funds are delegated through the budget circular of the request's delegation."""

    @transition(field=status, source=S.DELEGATED, target=S.PAID, permission=rules.is_paying_agent)
    def mark_paid(self) -> None:
        """Payment to the establishment is recorded, by an agent who did not validate the tranche."""

    @transition(
        field=status,
        source=[S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED],
        target=S.WITHDRAWN,
        permission=rules.is_establishment_member,
    )
    def withdraw(self) -> None:
        """The establishment withdraws its request."""


def private_storage() -> Storage:
    """Evidence lives in the "private" storage (a bucket prefix in production), outside every web
    root; it is served only by access-checked views."""
    return storages["private"]


class EvidenceDocument(models.Model):
    tranche_request = models.ForeignKey(
        TrancheRequest,
        verbose_name=_("demande"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    evidence_type = models.ForeignKey(
        EvidenceType, verbose_name=_("type de justificatif"), on_delete=models.PROTECT
    )
    file = models.FileField(_("fichier"), storage=private_storage, upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type de contenu"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("justificatif")
        verbose_name_plural = _("justificatifs")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class DelegationStatus(models.TextChoices):
    DRAFT = "draft", _("en préparation")
    ISSUED = "issued", _("émise")
    PAID = "paid", _("versée")


class Delegation(ConcurrentTransitionMixin, models.Model):
    """Validated tranches delegated together through one budget circular."""

    reference = models.CharField(_("référence de la circulaire"), max_length=100, unique=True)
    circular_date = models.DateField(_("date de la circulaire"))
    status = FSMField(
        _("état"), default=DelegationStatus.DRAFT, choices=DelegationStatus.choices, protected=True
    )
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    issued_at = models.DateTimeField(_("émise le"), null=True, blank=True)
    paid_at = models.DateTimeField(_("versement enregistré le"), null=True, blank=True)
    payment_date = models.DateField(_("date du versement"), null=True, blank=True)
    payment_reference = models.CharField(_("référence du versement"), max_length=100, blank=True)
    paid_by = models.ForeignKey(
        "auth.User",
        verbose_name=_("versement enregistré par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("délégation de crédits")
        verbose_name_plural = _("délégations de crédits")
        ordering = ["-circular_date", "-created_at"]

    def __str__(self) -> str:
        return self.reference

    @transition(
        field=status,
        source=DelegationStatus.DRAFT,
        target=DelegationStatus.ISSUED,
        permission=rules.is_budget_agent,
        conditions=[rules.delegation_not_empty],
    )
    def issue(self) -> None:
        """The circular is issued: its tranches become delegated."""

    @transition(
        field=status,
        source=DelegationStatus.ISSUED,
        target=DelegationStatus.PAID,
        permission=rules.is_delegation_paying_agent,
    )
    def record_payment(self) -> None:
        """Payment is recorded for every tranche of the circular, by an agent who validated none."""
