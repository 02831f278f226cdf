"""Legacy documents taken over from shared folders and mailboxes, and the runs that import them.

A document found with a sure match is attached to its project as historical evidence; an
uncertain or unmatched one waits in the agents' review queue. Files are private (under
`PRIVATE_STORAGE_ROOT`, never web-served); the content hash makes every import idempotent.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from formatting import format_datetime

from .catalog import EvidenceType
from .projects import Project
from .runs import Run
from .tranches import private_storage


class DocumentImportRun(Run):
    """One import of a folder or ZIP of legacy documents, with its progress (`done` of `total`
    files) and report."""

    source_name = models.CharField(_("source"), max_length=255)
    archive = models.CharField(_("archive déposée"), max_length=255, blank=True, editable=False)
    dry_run = models.BooleanField(_("simulation"), default=False)
    matched_count = models.PositiveIntegerField(_("rattachés"), default=0)
    review_count = models.PositiveIntegerField(_("à vérifier"), default=0)
    unmatched_count = models.PositiveIntegerField(_("sans projet"), default=0)
    duplicate_count = models.PositiveIntegerField(_("doublons"), default=0)
    refused_count = models.PositiveIntegerField(_("refusés"), default=0)
    report = models.JSONField(_("rapport"), default=dict, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    class Meta(Run.Meta):
        verbose_name = _("import de documents")
        verbose_name_plural = _("imports de documents")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source_name} ({format_datetime(timezone.localtime(self.created_at))})"

    @property
    def to_check_count(self) -> int:
        """What this run left in the review queue: uncertain matches and documents without a
        project both wait there, so the report counts them as the queue does."""
        return self.review_count + self.unmatched_count


class LegacyDocumentQuerySet(models.QuerySet):
    def to_review(self) -> LegacyDocumentQuerySet:
        return self.filter(status=LegacyDocument.Status.TO_REVIEW)

    def attached(self) -> LegacyDocumentQuerySet:
        return self.filter(status=LegacyDocument.Status.ATTACHED)


class LegacyDocument(models.Model):
    """A document of the stock: its file, extracted text, type and project (sure or suggested)."""

    class Status(models.TextChoices):
        TO_REVIEW = "to_review", _("à vérifier")
        ATTACHED = "attached", _("rattaché")
        DISMISSED = "dismissed", _("écarté")

    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.TO_REVIEW, db_index=True
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("projet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legacy_documents",
        help_text=_("Rattaché : le projet du document ; à vérifier : le projet proposé."),
    )
    evidence_type = models.ForeignKey(
        EvidenceType,
        verbose_name=_("type de document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confidence = models.FloatField(_("confiance"), default=0)
    match_reason = models.CharField(_("motif du rapprochement"), max_length=255, blank=True)
    candidates = models.JSONField(_("projets candidats"), default=list, blank=True)
    file = models.FileField(_("fichier"), storage=private_storage, upload_to="legacy/", max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    source_path = models.CharField(_("chemin d'origine"), max_length=1000)
    content_type = models.CharField(_("type de contenu"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, unique=True)
    text = models.TextField(_("texte extrait"), blank=True)
    import_run = models.ForeignKey(
        DocumentImportRun,
        verbose_name=_("import d'origine"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    created_at = models.DateTimeField(_("importé le"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        "auth.User",
        verbose_name=_("vérifié par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)

    objects = LegacyDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document historique")
        verbose_name_plural = _("documents historiques")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name
