"""The one shape of a background run: project imports, legacy document imports, reports jobs.

Status with French labels, progress (`done` of `total`) in database columns that the pages
poll from any host, the acting user, timestamps, and the one-confirmation guard: a dry run is
confirmed at most once, by a conditional update the database arbitrates (`claim_confirmation`)
and checks that only a dry run is confirmed, and never by someone without a date.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("en attente")
    RUNNING = "running", _("en cours")
    DONE = "done", _("terminé")
    DRY_RUN = "dry_run", _("simulation")
    FAILED = "failed", _("échec")


#: Queued or running: the page keeps polling, the worker may still write.
ACTIVE_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class Run(models.Model):
    """Abstract: what every background run records."""

    Status = RunStatus
    ACTIVE_STATUSES = ACTIVE_STATUSES

    status = models.CharField(_("statut"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    #: steps (rows, files, pages) done so far and in all: the worker writes them as it goes
    done = models.PositiveIntegerField(_("fait"), default=0)
    total = models.PositiveIntegerField(_("au total"), null=True, blank=True)
    actor = models.ForeignKey(
        "auth.User",
        verbose_name=_("lancé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    #: set once, when the run's result is confirmed (a dry run turned into the real import)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        "auth.User",
        verbose_name=_("confirmé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True
        constraints = [
            # Only a dry run is ever confirmed, and an author never without the date.
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(status=RunStatus.DRY_RUN),
                name="%(app_label)s_%(class)s_confirms_dry_runs_only",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | Q(confirmed_at__isnull=False),
                name="%(app_label)s_%(class)s_confirmed_by_with_date",
            ),
        ]

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def percent(self) -> int:
        """Progress in whole percent (a finished run is at 100 %)."""
        if self.status == RunStatus.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

    @classmethod
    def claim_confirmation(cls, *, pk: int, actor, status: str = RunStatus.DRY_RUN) -> bool:
        """Mark run `pk` confirmed by `actor`, unless it already is: True for exactly one caller.

        One `UPDATE … WHERE confirmed_at IS NULL`: the database serialises concurrent claims
        (row lock on PostgreSQL, single writer on SQLite), so two agents clicking together
        cannot both confirm.
        """
        claimed = cls.objects.filter(pk=pk, status=status, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now(), confirmed_by=actor
        )
        return claimed == 1

    @classmethod
    def release_confirmation(cls, *, pk: int) -> None:
        """The confirmation failed before it imported anything: the run may be confirmed again."""
        cls.objects.filter(pk=pk).update(confirmed_at=None, confirmed_by=None)
