"""Establishments (identified by their legal-entity FINESS), regions and memberships."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.text import normalise_name
from workflows.validators import normalise_finess, normalise_ror_id, validate_finess, validate_ror_id

from .provenance import Sourced


class Region(models.TextChoices):
    ARA = "ARA", "Auvergne-Rhône-Alpes"
    BFC = "BFC", "Bourgogne-Franche-Comté"
    BRE = "BRE", "Bretagne"
    CVL = "CVL", "Centre-Val de Loire"
    COR = "COR", "Corse"
    GES = "GES", "Grand Est"
    HDF = "HDF", "Hauts-de-France"
    IDF = "IDF", "Île-de-France"
    NOR = "NOR", "Normandie"
    NAQ = "NAQ", "Nouvelle-Aquitaine"
    OCC = "OCC", "Occitanie"
    PDL = "PDL", "Pays de la Loire"
    PAC = "PAC", "Provence-Alpes-Côte d'Azur"
    GUA = "GUA", "Guadeloupe"
    MTQ = "MTQ", "Martinique"
    GUF = "GUF", "Guyane"
    REU = "REU", "La Réunion"
    MAY = "MAY", "Mayotte"


class Girci(models.TextChoices):
    """The 7 interregional research groups that run the PHRC-I."""

    ARA = "ARA", "GIRCI Auvergne-Rhône-Alpes"
    EST = "EST", "GIRCI Est"
    GO = "GO", "GIRCI Grand Ouest"
    IDF = "IDF", "GIRCI Île-de-France"
    MED = "MED", "GIRCI Méditerranée"
    NO = "NO", "GIRCI Nord-Ouest"
    SOOM = "SOOM", "GIRCI Sud-Ouest Outre-Mer"


REGION_GIRCI = {
    Region.ARA: Girci.ARA,
    Region.BFC: Girci.EST,
    Region.GES: Girci.EST,
    Region.BRE: Girci.GO,
    Region.CVL: Girci.GO,
    Region.PDL: Girci.GO,
    Region.IDF: Girci.IDF,
    Region.PAC: Girci.MED,
    Region.COR: Girci.MED,
    Region.HDF: Girci.NO,
    Region.NOR: Girci.NO,
    Region.NAQ: Girci.SOOM,
    Region.OCC: Girci.SOOM,
    Region.GUA: Girci.SOOM,
    Region.MTQ: Girci.SOOM,
    Region.GUF: Girci.SOOM,
    Region.REU: Girci.SOOM,
    Region.MAY: Girci.SOOM,
}


def region_from_label(label: str) -> str | None:
    """Map a region name as written in files (any case or accents) to its code."""
    wanted = normalise_name(label)
    for region in Region:
        if normalise_name(region.label) == wanted or region.value == label.strip().upper():
            return region.value
    return None


class EstablishmentType(models.TextChoices):
    CHUR = "CHUR", _("Centre hospitalier régional / universitaire")
    CH = "CH", _("Centre hospitalier")
    CLCC = "CLCC", _("Centre de lutte contre le cancer")
    GCS = "GCS", _("Groupement de coopération sanitaire")
    EPSM = "EPSM", _("Établissement public de santé mentale")
    EBNL = "EBNL", _("Établissement à but non lucratif")


class EstablishmentQuerySet(models.QuerySet):
    def for_user(self, user) -> EstablishmentQuerySet:
        return self.filter(memberships__user=user)

    def to_complete(self) -> EstablishmentQuerySet:
        return self.filter(to_complete=True)


class Establishment(Sourced):
    finess = models.CharField(_("FINESS juridique"), max_length=9, unique=True, validators=[validate_finess])
    name = models.CharField(_("nom"), max_length=255)
    normalised_name = models.CharField(max_length=255, db_index=True, editable=False)
    # Blank type or region: an establishment an import met first, still to be completed by an agent.
    type = models.CharField(_("type"), max_length=4, choices=EstablishmentType.choices, blank=True)
    region = models.CharField(_("région"), max_length=3, choices=Region.choices, blank=True)
    girci = models.CharField(_("GIRCI"), max_length=4, choices=Girci.choices, blank=True)
    contact_email = models.EmailField(_("adresse de contact (interne)"), blank=True)
    ror_id = models.CharField(
        _("identifiant ROR"),
        max_length=9,
        blank=True,
        validators=[validate_ror_id],
        help_text=_(
            "Identifiant de l'établissement au Research Organization Registry (ror.org), de la forme "
            "0xxxxxxxx : il relie ses projets aux publications et aux baromètres de la science ouverte."
        ),
    )
    to_complete = models.BooleanField(
        _("à compléter"),
        default=False,
        db_index=True,
        help_text=_(
            "Créé par un import sans type (ou sans région) sûrs : un agent vérifie le nom, le type et "
            "la région."
        ),
    )

    objects = EstablishmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.finess})"

    @property
    def ars(self) -> str:
        """The regional health agency that relays delegations is the region's ARS."""
        return f"ARS {self.get_region_display()}"

    def clean(self) -> None:
        if self.finess:
            self.finess = normalise_finess(self.finess)
        self.ror_id = normalise_ror_id(self.ror_id)

    def fill_derived_fields(self) -> None:
        """The normalised name and the region's GIRCI; `save` calls it, bulk inserts must too."""
        self.normalised_name = normalise_name(self.name)
        if not self.girci and self.region:
            self.girci = REGION_GIRCI.get(self.region, "")

    def save(self, *args, **kwargs) -> None:
        self.fill_derived_fields()
        super().save(*args, **kwargs)


class EstablishmentMembership(models.Model):
    """Ties a user of an establishment's research office (DRCI) to that establishment."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="memberships")

    class Meta:
        verbose_name = _("rattachement à un établissement")
        verbose_name_plural = _("rattachements aux établissements")
        constraints = [models.UniqueConstraint(fields=["user", "establishment"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} → {self.establishment.name}"
