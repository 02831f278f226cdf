"""Where a record came from: the import run, the file and the row a spreadsheet user sees."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from formatting import format_datetime

from .runs import Run


class ImportRun(Run):
    """One execution of the ingestion pipeline, dry run or real, with its full report.

    `done`/`total`: rows read so far and in all (the page polls them while a background run
    works); `confirmed_at`: the dry run was confirmed (its real import queued), once only.
    """

    file_name = models.CharField(_("fichier"), max_length=255)
    file_sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    format = models.CharField(_("format"), max_length=20, blank=True)
    dry_run = models.BooleanField(_("simulation"), default=False)
    created_count = models.PositiveIntegerField(_("créés"), default=0)
    updated_count = models.PositiveIntegerField(_("mis à jour"), default=0)
    unchanged_count = models.PositiveIntegerField(_("inchangés"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejetés"), default=0)
    warning_count = models.PositiveIntegerField(_("avertissements"), default=0)
    mapping = models.JSONField(_("correspondance des colonnes"), default=dict, blank=True)
    report = models.JSONField(_("rapport"), default=dict, blank=True)

    class Meta(Run.Meta):
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({format_datetime(timezone.localtime(self.created_at))})"


class Sourced(models.Model):
    """Abstract provenance: every imported record keeps its file, row and run."""

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
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True
