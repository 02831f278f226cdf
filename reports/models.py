"""Background jobs of the reports area: open-data releases and indicator reports.

A job is asked for in the admin (or by a command), runs in the `db_worker` and keeps its
progress and result. At most one job of each kind is queued or running at a time: the database
refuses a second one (partial unique constraint), so a double click cannot publish twice.
Every change of state goes through `reports.jobs`, which writes the audit record.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workflows.models import Run


class BackgroundJobQuerySet(models.QuerySet):
    def active(self) -> BackgroundJobQuerySet:
        """Queued or running: the jobs that block another one of their kind."""
        return self.filter(status__in=BackgroundJob.ACTIVE_STATUSES)

    def of_kind(self, kind: str) -> BackgroundJobQuerySet:
        return self.filter(kind=kind)

    def recent(self) -> BackgroundJobQuerySet:
        return self.select_related("actor").order_by("-created_at", "-pk")


class BackgroundJob(Run):
    """`done`/`total`: steps (files of a release, pages of a report); `actor`: who asked for it;
    `created_at`: when it was asked for."""

    class Kind(models.TextChoices):
        RELEASE = "release", _("Publication des données ouvertes")
        REPORT = "report", _("Rapport des indicateurs (XLSX et PDF)")

    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    #: the last progress write: a queued or running job silent for too long is taken as interrupted
    updated_at = models.DateTimeField(_("dernière nouvelle"))
    #: reports: as_of (AAAA-MM-JJ), programme, region, year; releases: date (AAAA-MM-JJ) or nothing
    parameters = models.JSONField(_("paramètres"), default=dict, blank=True)
    #: releases: {"release": name}; reports: {"xlsx": path, "pdf": path}
    result = models.JSONField(_("résultat"), default=dict, blank=True)
    error = models.TextField(_("motif de l'échec"), blank=True)

    objects = BackgroundJobQuerySet.as_manager()

    class Meta(Run.Meta):
        verbose_name = _("travail en arrière-plan")
        verbose_name_plural = _("publications et rapports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            *Run.Meta.constraints,
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(status__in=["queued", "running"]),
                name="reports_one_active_job_per_kind",
                violation_error_message=_("Un travail de cette nature est déjà en attente ou en cours."),
            ),
        ]
        indexes = [models.Index(fields=["-created_at"], name="reports_job_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} n° {self.pk}"


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
