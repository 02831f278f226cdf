"""Background jobs of the reports area: open-data releases and indicator reports.

A job is asked for in the admin (or by a command), runs in the `db_worker` and keeps its
progress and result. At most one job of each kind is queued or running at a time: the database
refuses a second one (partial unique constraint), so a double click cannot publish twice.
Every change of state goes through `reports.jobs`, which writes the audit record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BackgroundJobQuerySet(models.QuerySet):
    def active(self) -> BackgroundJobQuerySet:
        """Queued or running: the jobs that block another one of their kind."""
        return self.filter(status__in=BackgroundJob.ACTIVE_STATUSES)

    def of_kind(self, kind: str) -> BackgroundJobQuerySet:
        return self.filter(kind=kind)

    def recent(self) -> BackgroundJobQuerySet:
        return self.select_related("requested_by").order_by("-requested_at", "-pk")


class BackgroundJob(models.Model):
    class Kind(models.TextChoices):
        RELEASE = "release", _("Publication des données ouvertes")
        REPORT = "report", _("Rapport des indicateurs (XLSX et PDF)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        DONE = "done", _("terminé")
        FAILED = "failed", _("échec")

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("demandé le"))
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    #: the last progress write: a queued or running job silent for too long is taken as interrupted
    updated_at = models.DateTimeField(_("dernière nouvelle"))
    #: reports: as_of (AAAA-MM-JJ), programme, region, year; releases: date (AAAA-MM-JJ) or nothing
    parameters = models.JSONField(_("paramètres"), default=dict, blank=True)
    done = models.PositiveIntegerField(_("étapes faites"), default=0)
    total = models.PositiveIntegerField(_("étapes au total"), null=True, blank=True)
    #: releases: {"release": name}; reports: {"xlsx": path, "pdf": path}
    result = models.JSONField(_("résultat"), default=dict, blank=True)
    error = models.TextField(_("motif de l'échec"), blank=True)

    objects = BackgroundJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("travail en arrière-plan")
        verbose_name_plural = _("publications et rapports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(status__in=["queued", "running"]),
                name="reports_one_active_job_per_kind",
                violation_error_message=_("Un travail de cette nature est déjà en attente ou en cours."),
            ),
        ]
        indexes = [models.Index(fields=["-requested_at"], name="reports_job_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} n° {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0


class WorkerHeartbeat(models.Model):
    """A background worker's sign of life, written every few seconds by `manage.py db_worker`.

    A task a worker claimed while that worker has stopped beating was interrupted (the process was
    killed, its host lost): `reports.worker` resumes it or fails it with a French reason. Kept in the
    database, not the cache, so that a cache restart never makes a live worker look dead.
    """

    worker_id = models.CharField(_("processus"), max_length=64, primary_key=True)
    host = models.CharField(_("hôte"), max_length=255, blank=True)
    beat_at = models.DateTimeField(_("dernier signe de vie"))

    class Meta:
        verbose_name = _("processus de fond")
        verbose_name_plural = _("processus de fond")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host})"
