"""Serializers whose visible fields are chosen by the reader's tier (`workflows.visibility`).

Each serializer declares every field it can serve, named exactly as in the visibility
registry; `get_fields` keeps only those the tier in the context may see. Without a tier
(schema generation) all are kept and each field's help text names its tier.
"""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from web.absolute_urls import absolute_url
from workflows.visibility import FIELDS, Tier

TIER_LABELS = {Tier.PUBLIC: "public", Tier.EXPERT: "expert (jeton)", Tier.INTERNAL: "interne DGOS (jeton)"}


class TieredSerializer(serializers.Serializer):
    """Serializer filtered by `context["tier"]`; `visibility_model` names the registry entry."""

    visibility_model: str = ""

    def get_fields(self):
        fields = super().get_fields()
        registry = FIELDS[self.visibility_model]
        unknown = set(fields) - set(registry)
        if unknown:  # a served field must be classified before it can exist
            raise AssertionError(f"{self.visibility_model}: fields missing from visibility.FIELDS: {unknown}")
        tier = self.context.get("tier")
        kept = {}
        for name, field in fields.items():
            level = registry[name]
            if tier is not None and level > tier:
                continue
            label = TIER_LABELS[level]
            field.help_text = (
                f"{field.help_text} — niveau : {label}" if field.help_text else f"Niveau : {label}"
            )
            kept[name] = field
        return kept


class CodeLabelSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField(source="region")
    label = serializers.CharField(source="get_region_display")


class InvestigatorSerializer(serializers.Serializer):
    last_name = serializers.CharField()
    first_name = serializers.CharField()


class RegistrationSerializer(serializers.Serializer):
    registry = serializers.CharField(help_text="clinicaltrials, eudract, euct, idrcb, isrctn ou prospero")
    identifier = serializers.CharField()
    url = serializers.URLField()


class MilestoneSerializer(TieredSerializer):
    visibility_model = "milestone"

    rank = serializers.IntegerField()
    label = serializers.CharField()
    reached = serializers.SerializerMethodField()
    declared_on = serializers.DateField(allow_null=True)
    amount_delegated = serializers.SerializerMethodField()
    planned_date = serializers.DateField()
    days_late = serializers.IntegerField()
    declaration_comment = serializers.CharField()
    declared_by = serializers.CharField(source="declared_by.username", allow_null=True)
    verified_by = serializers.CharField(source="verified_by.username", allow_null=True)

    def get_reached(self, milestone) -> bool:
        """Declared in SIRANo, or closed by the historical stock (reached before SIRANo)."""
        return milestone.is_closed

    def get_amount_delegated(self, milestone) -> float:
        return float(sum(r.amount for r in getattr(milestone, "delegated_requests", [])))


def _money(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False, **kwargs)


class ProjectSerializer(TieredSerializer):
    visibility_model = "project"

    public_id = serializers.CharField(help_text="Identifiant stable APPEL-ANNÉE-NNNN")
    url = serializers.SerializerMethodField(help_text="Adresse de la fiche du projet dans l'API")
    acronym = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    programme = serializers.CharField(source="call.programme.code")
    call = serializers.CharField(source="call.code")
    year = serializers.IntegerField(
        source="call.year", help_text="Année de sélection (celle de l'appel), connue même sans la date"
    )
    discipline = CodeLabelSerializer(allow_null=True)
    discipline_raw = serializers.CharField(help_text="Discipline telle qu'écrite dans le fichier source")
    establishment = serializers.CharField(source="establishment.name")
    establishment_finess = serializers.CharField(source="establishment.finess", help_text="FINESS juridique")
    establishment_ror_id = serializers.CharField(
        source="establishment.ror_id",
        help_text="Identifiant ROR de l'établissement (0xxxxxxxx, https://ror.org/<id>), vide si inconnu",
    )
    establishment_type = serializers.CharField(source="establishment.type")
    region = RegionSerializer(source="establishment")
    investigator = InvestigatorSerializer()
    award_amount = _money(help_text="Financement total en euros")
    amount_delegated = _money(help_text="Montant délégué (tranches déléguées ou versées, historique inclus)")
    amount_paid = _money(help_text="Montant versé")
    tranche_number = serializers.IntegerField(help_text="Rang de la dernière tranche déléguée, 0 si aucune")
    registrations = RegistrationSerializer(many=True)
    status = serializers.CharField(help_text="selected, in_progress, completed, abandoned ou lapsed")
    selected_on = serializers.DateField(
        allow_null=True,
        help_text="Date de sélection ; null quand la source ne donne que l'année (voir year)",
    )
    milestones = MilestoneSerializer(many=True)
    results_url = serializers.CharField()
    results_posted_on = serializers.DateField(allow_null=True)
    planned_dates = serializers.SerializerMethodField()
    amount_validated = _money(help_text="Montant validé et pas encore délégué")
    amount_remaining = _money(
        help_text="Reste à engager : financement total moins tranches validées, déléguées ou versées ; "
        "zéro pour un projet clos (abandonné, caduc ou terminé)"
    )
    late_milestones = serializers.IntegerField(
        help_text="Jalons en retard à ce jour (aucun pour un projet clos)"
    )
    source_file = serializers.CharField()
    source_row = serializers.IntegerField(allow_null=True)
    budget_breakdown = serializers.CharField()
    investigator_email = serializers.CharField(source="investigator.email")
    visibility = serializers.CharField()

    def get_url(self, project) -> str:
        return project_url(project.public_id)

    def get_planned_dates(self, project) -> list[str]:
        return [m.planned_date.isoformat() for m in project.milestones.all()]


def project_url(public_id: str) -> str:
    """The project's absolute address in the API, on `SITE_URL`."""
    return absolute_url(reverse("api:project-detail", args=[public_id]))


#: what a row of the project list carries unless `fields=` chooses: the file's scalar columns;
#: the long texts and nested lists (summary, milestones, their planned dates, the budget) are
#: at the row's `url`
LIST_FIELDS = tuple(
    name
    for name in FIELDS["project"]
    if name not in ("summary", "milestones", "planned_dates", "budget_breakdown")
)
#: in every row of the list, whatever `fields=` asks
ALWAYS_LISTED = ("public_id", "url")


class ProjectListSerializer(ProjectSerializer):
    """A row of the project list: `LIST_FIELDS`, or the fields chosen by `fields=`
    (`context["fields"]`, checked by the view), `public_id` and `url` always."""

    always_required = ALWAYS_LISTED

    def get_fields(self):
        fields = super().get_fields()
        chosen = self.context.get("fields") or LIST_FIELDS
        if self.context.get("tier") is None and "fields" not in self.context:
            return fields  # the schema documents every field a row may carry
        return {name: field for name, field in fields.items() if name in chosen or name in ALWAYS_LISTED}


class TrancheSerializer(TieredSerializer):
    visibility_model = "tranche"

    project = serializers.CharField(source="milestone.project.public_id")
    rank = serializers.IntegerField(source="milestone.rank")
    amount = _money()
    status = serializers.CharField(help_text="delegated ou paid (validated pour les experts)")
    delegated_on = serializers.DateTimeField(source="delegated_at", allow_null=True)
    paid_on = serializers.DateTimeField(source="paid_at", allow_null=True)
    is_historical = serializers.BooleanField(help_text="Tranche déléguée avant SIRANo (reprise du stock)")
    amount_is_derived = serializers.BooleanField(
        help_text="Montant calculé selon l'échéancier (le fichier source ne le donnait pas)"
    )
    submitted_on = serializers.DateTimeField(source="submitted_at", allow_null=True)
    validated_on = serializers.DateTimeField(source="validated_at", allow_null=True)
    comment = serializers.CharField()
    created_by = serializers.CharField(source="created_by.username", allow_null=True)


class EstablishmentSerializer(TieredSerializer):
    visibility_model = "establishment"

    finess = serializers.CharField(help_text="FINESS juridique (9 caractères)")
    name = serializers.CharField()
    type = serializers.CharField(help_text="CHUR, CH, CLCC, GCS, EPSM ou EBNL")
    region = RegionSerializer(source="*")
    girci = serializers.CharField()
    ars = serializers.CharField()
    ror_id = serializers.CharField(
        help_text="Identifiant ROR (0xxxxxxxx, https://ror.org/<id>), vide si inconnu"
    )
    contact_email = serializers.CharField()


class CallSerializer(TieredSerializer):
    visibility_model = "call"

    code = serializers.CharField()
    year = serializers.IntegerField()
    programme = serializers.CharField(source="programme.code")
    title = serializers.CharField()
