"""Programmes, yearly calls and their funding schedules (editable, versioned configuration)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel


class Programme(models.Model):
    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("nom"), max_length=255)
    operator = models.CharField(_("opérateur"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Call(models.Model):
    """A yearly call for projects (appel à projets) of a programme, e.g. PREPS-IQ 2021."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="calls"
    )
    code = models.CharField(
        _("code de l'appel"),
        max_length=20,
        help_text=_("Tel qu'écrit dans les données ouvertes : PHRCN, PREPS-IQ…"),
    )
    year = models.PositiveIntegerField(
        _("année de sélection"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("intitulé"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")
        ordering = ["-year", "code"]
        constraints = [models.UniqueConstraint(fields=["code", "year"], name="unique_call_year")]

    def __str__(self) -> str:
        return f"{self.code} {self.year}"

    def current_schedule(self) -> FundingSchedule | None:
        """The highest published version of this call's schedule."""
        return self.schedules.filter(is_active=True).order_by("-version").first()


class EvidenceType(models.Model):
    """A kind of supporting document (CPP opinion, inclusion report…), configurable by DGOS."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("libellé"), max_length=150)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("type de justificatif")
        verbose_name_plural = _("types de justificatif")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class FundingSchedule(ClusterableModel):
    """Which milestone releases which share of the award, for one call; a new version per change."""

    call = models.ForeignKey(
        Call, verbose_name=_("appel"), on_delete=models.PROTECT, related_name="schedules"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    is_active = models.BooleanField(_("en vigueur"), default=True)
    results_required_for_last_tranche = models.BooleanField(
        _("résultats publiés exigés pour la dernière tranche"),
        default=False,
        help_text=_("Règle de la campagne 2024 : la dernière tranche exige les résultats postés."),
    )
    lapse_after_months = models.PositiveIntegerField(_("caducité après (mois sans progression)"), default=24)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("échéancier de financement")
        verbose_name_plural = _("échéanciers de financement")
        ordering = ["-call__year", "call__code", "-version"]
        constraints = [models.UniqueConstraint(fields=["call", "version"], name="unique_schedule_version")]

    def __str__(self) -> str:
        return f"{self.call} — v{self.version}"

    @staticmethod
    def check_shares(shares: list[Decimal]) -> None:
        """Shares of one schedule must sum to exactly 100 %."""
        total = sum(shares, Decimal("0"))
        if total != Decimal("100"):
            raise ValidationError(
                _("La somme des parts des jalons doit être 100 %% (elle est de %(total)s %%)."),
                code="shares_not_100",
                params={"total": f"{total.normalize():f}".replace(".", ",")},
            )

    def clean_milestones(self) -> None:
        self.check_shares([m.share_percent for m in self.milestone_templates.all()])


class MilestoneTemplate(ClusterableModel):
    """One row of a schedule; clusterable so its parental evidence types are saved with it."""

    schedule = ParentalKey(FundingSchedule, on_delete=models.CASCADE, related_name="milestone_templates")
    rank = models.PositiveSmallIntegerField(_("rang"), validators=[MinValueValidator(1)])
    label = models.CharField(_("jalon"), max_length=255)
    evidence_types = ParentalManyToManyField(EvidenceType, verbose_name=_("justificatifs exigés"), blank=True)
    share_percent = models.DecimalField(
        _("part de la tranche (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    planned_delay_months = models.PositiveSmallIntegerField(_("échéance (mois après sélection)"))
    is_results_milestone = models.BooleanField(_("jalon de publication des résultats"), default=False)

    class Meta:
        verbose_name = _("jalon type")
        verbose_name_plural = _("jalons types")
        ordering = ["schedule", "rank"]
        constraints = [models.UniqueConstraint(fields=["schedule", "rank"], name="unique_template_rank")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.label}"
