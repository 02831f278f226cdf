"""Funded projects, their investigators, trial registrations and milestones."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from formatting import format_date
from workflows import money
from workflows.text import normalise_name
from workflows.validators import REGISTRY_URLS, Registry, validate_registry_id

from .catalog import Call, EvidenceType, MilestoneTemplate
from .establishments import Establishment
from .provenance import Sourced

PUBLIC_ID_RE = re.compile(r"^(?P<call>[A-Z0-9-]+)-(?P<year>\d{4})-(?P<seq>\d{4,})$")


class Discipline(models.Model):
    """Controlled vocabulary the free-text disciplines of the stock are mapped to."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    label = models.CharField(_("libellé"), max_length=150)

    class Meta:
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Investigator(Sourced):
    """Principal investigator (porteur); de-duplicated on normalised name + establishment."""

    title = models.CharField(_("titre"), max_length=10, blank=True)
    last_name = models.CharField(_("nom"), max_length=150)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    normalised_key = models.CharField(max_length=320, db_index=True, editable=False)
    email = models.EmailField(_("adresse électronique (interne)"), blank=True)

    class Meta:
        verbose_name = _("porteur de projet")
        verbose_name_plural = _("porteurs de projet")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @staticmethod
    def key_for(last_name: str, first_name: str) -> str:
        return f"{normalise_name(last_name)}|{normalise_name(first_name)}"

    def save(self, *args, **kwargs) -> None:
        self.normalised_key = self.key_for(self.last_name, self.first_name)
        super().save(*args, **kwargs)


class TrialRegistration(models.Model):
    """A trial registry record; one trial may be funded by several projects."""

    registry = models.CharField(_("registre"), max_length=20, choices=Registry.choices)
    identifier = models.CharField(_("identifiant"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("enregistrement d'essai")
        verbose_name_plural = _("enregistrements d'essais")
        ordering = ["identifier"]

    def __str__(self) -> str:
        return self.identifier

    def clean(self) -> None:
        validate_registry_id(self.registry, self.identifier)

    @property
    def url(self) -> str:
        return REGISTRY_URLS[self.registry].format(id=self.identifier)


class ProjectStatus(models.TextChoices):
    SELECTED = "selected", _("sélectionné")
    IN_PROGRESS = "in_progress", _("en cours")
    COMPLETED = "completed", _("terminé")
    ABANDONED = "abandoned", _("abandonné")
    LAPSED = "lapsed", _("caduc")


#: Statuses in which no tranche may be requested any more.
CLOSED_PROJECT_STATES = (ProjectStatus.COMPLETED, ProjectStatus.ABANDONED, ProjectStatus.LAPSED)


class Visibility(models.TextChoices):
    PUBLIC = "public", _("publié")
    INTERNAL = "internal", _("non publié (interne DGOS)")


class ProjectQuerySet(models.QuerySet):
    def public(self) -> ProjectQuerySet:
        return self.filter(visibility=Visibility.PUBLIC)

    def for_user(self, user) -> ProjectQuerySet:
        return self.filter(establishment__memberships__user=user)

    def for_establishment(self, establishment) -> ProjectQuerySet:
        return self.filter(establishment=establishment)

    def bulk_create(self, objs, *args, **kwargs):
        """As `save` does, every project gets its call's year (`call_year`): one query for the
        calls of the projects that lack it."""
        objs = list(objs)
        missing = [project for project in objs if project.call_year is None]
        if missing:
            years = dict(Call.objects.filter(pk__in={p.call_id for p in missing}).values_list("pk", "year"))
            for project in missing:
                project.call_year = years[project.call_id]
        return super().bulk_create(objs, *args, **kwargs)


#: the keyset sort value of a project whose selection date is unknown: after every real date
#: (`?ordering=selected_on` lists them last, `-selected_on` first), so the cursor never meets a NULL
UNKNOWN_SELECTION_SORT = datetime.date(9999, 12, 31)


class UnknownSelectionSort(models.Func):
    """`UNKNOWN_SELECTION_SORT` written into the SQL rather than bound as a parameter: a database
    uses an index on an expression only for the same expression, and a bound value is not one
    (SQLite never, PostgreSQL not in a prepared statement's generic plan)."""

    template = f"'{UNKNOWN_SELECTION_SORT.isoformat()}'"
    output_field = models.DateField()

    def __init__(self):
        super().__init__()


def selection_sort_key() -> models.Func:
    """`selected_on` with unknown dates as `UNKNOWN_SELECTION_SORT`: the API's keyset column,
    indexed as written here (`project_selected_keyset`)."""
    return Coalesce("selected_on", UnknownSelectionSort(), output_field=models.DateField())


#: what the directory's facets and filters read of a project (`content.directory.filters`),
#: carried by the indexes that filters use (PostgreSQL: index-only scans; ignored elsewhere)
FACET_COLUMNS = [
    "visibility",
    "call_id",
    "call_year",
    "establishment_id",
    "discipline_id",
    "status",
    "award_amount",
]


def _facets_besides(key: str) -> list[str]:
    """`FACET_COLUMNS` an index keyed on `key` carries besides it."""
    return [column for column in FACET_COLUMNS if column != key]


class Project(Sourced):
    public_id = models.CharField(
        _("identifiant"),
        max_length=40,
        unique=True,
        editable=False,
        help_text=_("Stable, de la forme APPEL-ANNÉE-NNNN ; jamais dérivé du titre."),
    )
    sequence = models.PositiveIntegerField(_("numéro d'ordre dans l'appel"), editable=False)
    call = models.ForeignKey(
        Call,
        verbose_name=_("appel à projets"),
        on_delete=models.PROTECT,
        related_name="projects",
        db_index=False,  # `project_call_facets` leads with it
    )
    #: the call's year, copied so that sorting by year reads an index (`project_year_keyset`):
    #: set by `save`, by `bulk_create` (`ProjectQuerySet`), by the import's COPY and by a change
    #: of the call's year (`catalogue_services.save_record`)
    call_year = models.PositiveIntegerField(_("année de l'appel"), editable=False)
    acronym = models.CharField(_("acronyme"), max_length=100)
    title = models.TextField(_("titre"))
    summary = models.TextField(_("résumé"), blank=True)
    discipline_raw = models.CharField(_("discipline (texte source)"), max_length=255, blank=True)
    discipline = models.ForeignKey(
        Discipline,
        verbose_name=_("discipline"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        db_index=False,  # `project_discipline_facets` leads with it
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("établissement coordonnateur"),
        on_delete=models.PROTECT,
        related_name="projects",
        db_index=False,  # `project_establishment_facets` leads with it
    )
    investigator = models.ForeignKey(
        Investigator,
        verbose_name=_("porteur"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    # The investigator's name as this project's source wrote it: de-duplication links projects
    # to one Investigator, but what was published (accents, hyphens, case) is never rewritten.
    published_pi_last_name = models.CharField(
        _("nom du porteur (tel que publié)"), max_length=150, blank=True
    )
    published_pi_first_name = models.CharField(
        _("prénom du porteur (tel que publié)"), max_length=150, blank=True
    )
    award_amount = models.DecimalField(
        _("financement total (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    budget_breakdown = models.TextField(_("budget détaillé (interne)"), blank=True)
    registrations = models.ManyToManyField(
        TrialRegistration, verbose_name=_("registres d'essais"), blank=True, related_name="projects"
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.SELECTED
    )
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # Unknown when the source gives only the year (the ministry's file): the year is the call's,
    # `selection_year`; nothing invents a day. Computations use `planning_start`.
    selected_on = models.DateField(
        _("date de sélection"),
        null=True,
        blank=True,
        help_text=_("Vide si la source ne donne que l'année de sélection (celle de l'appel à projets)."),
    )
    results_posted_on = models.DateField(_("résultats postés au registre le"), null=True, blank=True)
    results_url = models.URLField(_("lien vers les résultats"), blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["-call_year", "public_id"]
        constraints = [models.UniqueConstraint(fields=["call", "sequence"], name="unique_project_sequence")]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["visibility"]),
            # The open-data API's keyset pages sorted by these columns (then `public_id`, the
            # tie-breaker) read the index in order from the cursor: the same cost at any depth.
            models.Index(fields=["award_amount", "public_id"], name="project_amount_keyset"),
            models.Index(
                fields=["call_year", "public_id"],
                name="project_year_keyset",
                include=_facets_besides("call_year"),
            ),
            models.Index(selection_sort_key(), models.F("public_id"), name="project_selected_keyset"),
            models.Index(fields=["acronym", "public_id"], name="project_acronym_keyset"),
            # The directory's facets count the projects a filter on a call (or programme), an
            # establishment (or region) or a discipline matches, from the index alone on
            # PostgreSQL: the table is wide (a title and summary per row), so reading thousands of
            # its rows touched as many pages. A project page's neighbours (same discipline and
            # programme, latest first) walk the discipline's index by year and stop at four.
            models.Index(fields=["call"], name="project_call_facets", include=_facets_besides("call_id")),
            models.Index(
                fields=["establishment"],
                name="project_establishment_facets",
                include=_facets_besides("establishment_id"),
            ),
            models.Index(
                fields=["discipline", "call_year", "public_id"],
                name="project_discipline_facets",
                include=[c for c in _facets_besides("discipline_id") if c != "call_year"],
            ),
        ]
        permissions = [
            ("decide_project_status", _("Décider du statut d'un projet (abandon, caducité, fin, reprise)"))
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.acronym}"

    @staticmethod
    def published_pi(published_last: str, published_first: str, last: str, first: str) -> tuple[str, str]:
        """(last, first) name to publish: this project's source spelling, else the investigator's
        (also applied to `values()` rows by the bulk files)."""
        if published_last:
            return published_last, published_first
        return last, first

    @property
    def selection_year(self) -> int:
        """The year of selection, always known (the call's when the day is not)."""
        return self.selected_on.year if self.selected_on else self.call.year

    @property
    def planning_start(self) -> datetime.date:
        """The date milestones are planned from: the selection date, else the 1st of January of
        the selection year. For computing only (due dates, checks, counts as of a day); a
        screen shows `selection_year` instead, never this date."""
        return self.selected_on or datetime.date(self.call.year, 1, 1)

    @property
    def pi_last_name(self) -> str:
        return self.published_pi_last_name or self.investigator.last_name

    @property
    def pi_first_name(self) -> str:
        if self.published_pi_last_name:
            return self.published_pi_first_name
        return self.investigator.first_name

    @property
    def pi_full_name(self) -> str:
        return " ".join(part for part in (self.pi_first_name, self.pi_last_name) if part)

    @staticmethod
    def build_public_id(call: Call, sequence: int) -> str:
        return f"{call.code}-{call.year}-{sequence:04d}"

    def save(self, *args, **kwargs) -> None:
        # The public id is assigned once, from the call and a sequence, and never recomputed.
        if not self.public_id:
            if not self.sequence:
                last = (
                    Project.objects.filter(call=self.call)
                    .order_by("-sequence")
                    .values_list("sequence", flat=True)
                    .first()
                )
                self.sequence = (last or 0) + 1
            self.public_id = self.build_public_id(self.call, self.sequence)
        self.call_year = self.call.year
        super().save(*args, **kwargs)


class ProjectMilestone(models.Model):
    """A milestone copied from the call's schedule when the project was selected."""

    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.PROTECT, related_name="milestones"
    )
    template = models.ForeignKey(
        MilestoneTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(_("rang"))
    label = models.CharField(_("jalon"), max_length=255)
    share_percent = models.DecimalField(_("part (%)"), max_digits=5, decimal_places=2)
    evidence_types = models.ManyToManyField(
        EvidenceType, verbose_name=_("justificatifs exigés"), blank=True, related_name="+"
    )
    is_results_milestone = models.BooleanField(_("jalon de résultats"), default=False)
    is_last = models.BooleanField(_("dernier jalon"), default=False)
    planned_date = models.DateField(_("date prévue"))
    declared_on = models.DateField(_("atteint le (déclaré)"), null=True, blank=True)
    declared_at = models.DateTimeField(_("déclaré le"), null=True, blank=True)
    declared_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declaration_comment = models.TextField(_("commentaire de déclaration"), blank=True)
    verified_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)
    verified_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    days_late = models.PositiveIntegerField(_("jours de retard"), default=0)
    reached_before_sirano = models.BooleanField(
        _("atteint avant SIRANo"),
        default=False,
        help_text=_("Jalon clos par la reprise du stock : sa tranche a été déléguée avant SIRANo."),
    )
    order_exception_at = models.DateTimeField(_("déclaration hors ordre autorisée le"), null=True, blank=True)
    order_exception_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order_exception_comment = models.TextField(_("motif de l'exception d'ordre"), blank=True)

    class Meta:
        verbose_name = _("jalon du projet")
        verbose_name_plural = _("jalons du projet")
        ordering = ["project", "rank"]
        constraints = [models.UniqueConstraint(fields=["project", "rank"], name="unique_project_milestone")]
        indexes = [models.Index(fields=["planned_date", "declared_on"])]
        permissions = [("allow_out_of_order_milestone", _("Autoriser la déclaration d'un jalon hors ordre"))]

    def __str__(self) -> str:
        return f"{self.project.public_id} — {self.rank}. {self.label}"

    @classmethod
    def from_template(
        cls, project: Project, template: MilestoneTemplate, *, is_last: bool
    ) -> ProjectMilestone:
        """The unsaved milestone a selected project gets from one template of its call's schedule."""
        return cls(
            project=project,
            template=template,
            rank=template.rank,
            label=template.label,
            share_percent=template.share_percent,
            is_results_milestone=template.is_results_milestone,
            is_last=is_last,
            planned_date=project.planning_start + relativedelta(months=template.planned_delay_months),
        )

    @property
    def is_declared(self) -> bool:
        return self.declared_on is not None

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_closed(self) -> bool:
        """Reached: declared in SIRANo or closed by the historical stock."""
        return self.declared_on is not None or self.reached_before_sirano

    def is_late_on(self, day: datetime.date | None = None) -> bool:
        """Past its date and not reached, on an open project: a closed project is never late."""
        day = day or timezone.localdate()
        return (
            not self.is_closed
            and self.planned_date < day
            and self.project.status not in CLOSED_PROJECT_STATES
        )

    @property
    def is_late(self) -> bool:
        return self.is_late_on()

    @property
    def tranche_amount(self) -> Decimal:
        """This milestone's share of the award, to the cent."""
        return money.tranche_amount(self.project.award_amount, self.share_percent)

    def clean(self) -> None:
        if self.declared_on and self.declared_on > timezone.localdate():
            raise ValidationError(
                {"declared_on": _("La date d'atteinte du jalon ne peut pas être dans le futur.")}
            )


class ProjectStatusChange(models.Model):
    """One dated change of a project's status: the history indicators read "as of" a past date.

    Written only by `workflows.project_status`, with an AuditEvent in the same transaction.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status = models.CharField(_("statut de départ"), max_length=12, choices=ProjectStatus.choices)
    to_status = models.CharField(_("nouveau statut"), max_length=12, choices=ProjectStatus.choices)
    effective_on = models.DateField(_("date d'effet"))
    recorded_at = models.DateTimeField(_("enregistré le"))
    actor = models.ForeignKey(
        "auth.User",
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("motif"), blank=True)

    class Meta:
        verbose_name = _("changement de statut de projet")
        verbose_name_plural = _("changements de statut de projet")
        ordering = ["project", "effective_on", "recorded_at", "pk"]
        indexes = [models.Index(fields=["effective_on"])]

    def __str__(self) -> str:
        return f"{self.project_id} {self.from_status}→{self.to_status} ({format_date(self.effective_on)})"
