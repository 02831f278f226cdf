"""Query filters; a value that does not parse is a 400 naming the parameter, never ignored.

Bounds and patterns are declared on the form fields and mirrored in the OpenAPI schema so a
value the schema accepts is one the API accepts.
"""

from __future__ import annotations

from decimal import Decimal

import django_filters as filters
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from search.query import search_projects
from workflows.models import (
    Call,
    Establishment,
    EstablishmentType,
    Project,
    ProjectStatus,
    Region,
    TrancheRequest,
    TrancheStatus,
)
from workflows.visibility import EXPERT_TRANCHE_STATES

FINESS_PATTERN = r"^[0-9][0-9AB][0-9]{7}$"
PUBLIC_ID_PATTERN = r"^[A-Z0-9-]{1,40}$"
CODE_PATTERN = r"^[A-Za-z0-9-]{1,20}$"
MAX_AMOUNT = Decimal("9999999999.99")


@extend_schema_field({"type": "integer", "minimum": 2000, "maximum": 2100})
class YearFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "number", "minimum": 0, "maximum": float(MAX_AMOUNT)})
class AmountFilter(filters.NumberFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", MAX_AMOUNT)
        super().__init__(*args, **kwargs)


def _pattern_filter(pattern: str, message, **kwargs):
    field = extend_schema_field({"type": "string", "pattern": pattern})(
        type("PatternFilter", (filters.CharFilter,), {})
    )
    return field(validators=[RegexValidator(pattern, message)], strip=False, **kwargs)


@extend_schema_field({"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^\\x00]+$"})
class SearchFilter(filters.CharFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)


_FINESS_MESSAGE = _("FINESS attendu : 9 caractères, un chiffre, un chiffre ou A/B, puis 7 chiffres.")
_CODE_MESSAGE = _("Code attendu : lettres, chiffres et tirets (20 caractères au plus).")


class ProjectFilter(filters.FilterSet):
    programme = _pattern_filter(
        CODE_PATTERN,
        _CODE_MESSAGE,
        field_name="call__programme__code",
        lookup_expr="iexact",
        label=_("Code du programme (PHRCN, PREPS…)"),
    )
    call = _pattern_filter(
        CODE_PATTERN,
        _CODE_MESSAGE,
        field_name="call__code",
        lookup_expr="iexact",
        label=_("Code de l'appel à projets (PHRCN, PREPS-IQ…)"),
    )
    year = YearFilter(field_name="call_year", label=_("Année de sélection"))
    region = filters.ChoiceFilter(
        field_name="establishment__region", choices=Region.choices, label=_("Région (code)")
    )
    establishment = _pattern_filter(
        FINESS_PATTERN,
        _FINESS_MESSAGE,
        field_name="establishment__finess",
        label=_("FINESS juridique de l'établissement coordonnateur"),
    )
    establishment_type = filters.ChoiceFilter(
        field_name="establishment__type", choices=EstablishmentType.choices, label=_("Type d'établissement")
    )
    discipline = _pattern_filter(
        r"^[-a-zA-Z0-9_]{1,60}$",
        _("Code de discipline attendu (lettres, chiffres, tirets)."),
        field_name="discipline__code",
        label=_("Code de la discipline"),
    )
    status = filters.ChoiceFilter(choices=ProjectStatus.choices, label=_("Statut du projet"))
    award_min = AmountFilter(
        field_name="award_amount", lookup_expr="gte", label=_("Financement total minimal (€)")
    )
    award_max = AmountFilter(
        field_name="award_amount", lookup_expr="lte", label=_("Financement total maximal (€)")
    )
    search = SearchFilter(
        method="filter_search",
        label=_(
            "Recherche plein texte (accents, casse, pluriels et une faute de frappe par mot tolérés) : "
            "acronyme, titre, résumé, discipline, porteur, établissement et FINESS, région, identifiant, "
            "numéros d'essai (NCT, EU CT, EudraCT, ID-RCB). Tri par pertinence par défaut."
        ),
    )

    class Meta:
        model = Project
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return search_projects(queryset, value)


class TrancheFilter(filters.FilterSet):
    project = _pattern_filter(
        PUBLIC_ID_PATTERN,
        _("Identifiant de projet attendu (APPEL-ANNÉE-NNNN)."),
        field_name="milestone__project__public_id",
        label=_("Identifiant du projet"),
    )
    status = filters.ChoiceFilter(
        choices=[(s, TrancheStatus(s).label) for s in EXPERT_TRANCHE_STATES], label=_("État de la tranche")
    )
    year = YearFilter(field_name="milestone__project__call__year", label=_("Année de sélection du projet"))
    establishment = _pattern_filter(
        FINESS_PATTERN,
        _FINESS_MESSAGE,
        field_name="milestone__project__establishment__finess",
        label=_("FINESS juridique de l'établissement coordonnateur"),
    )

    class Meta:
        model = TrancheRequest
        fields = []


class EstablishmentFilter(filters.FilterSet):
    region = filters.ChoiceFilter(choices=Region.choices, label=_("Région (code)"))
    type = filters.ChoiceFilter(choices=EstablishmentType.choices, label=_("Type d'établissement"))
    search = SearchFilter(field_name="name", lookup_expr="icontains", label=_("Texte cherché dans le nom"))

    class Meta:
        model = Establishment
        fields = []


class CallFilter(filters.FilterSet):
    programme = _pattern_filter(
        CODE_PATTERN,
        _CODE_MESSAGE,
        field_name="programme__code",
        lookup_expr="iexact",
        label=_("Code du programme"),
    )
    year = YearFilter(label=_("Année de sélection"))

    class Meta:
        model = Call
        fields = []
