"""The directory's facets (django-filter) over the project search (`search`); each facet counts
its values over the other active filters (disjunctive faceting, `facet_counts`), the search
itself applied once to the base queryset."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from formatting import format_number, sorted_french
from search.query import RELEVANCE, search_projects
from web.catalogue_names import TABLES, catalogue_names, read_catalogue_names
from web.process_memo import under_data_version
from workflows import selectors
from workflows.models import (
    Call,
    Discipline,
    Establishment,
    EstablishmentType,
    Programme,
    ProjectStatus,
    Region,
)

#: bucket code -> (label, min inclusive, max exclusive) in euros
AWARD_RANGES: dict[str, tuple[str, Decimal | None, Decimal | None]] = {
    "lt100k": (_("moins de 100 000 €"), None, Decimal("100000")),
    "100k-300k": (_("de 100 000 à 300 000 €"), Decimal("100000"), Decimal("300000")),
    "300k-1m": (_("de 300 000 € à 1 M€"), Decimal("300000"), Decimal("1000000")),
    "gte1m": (_("1 M€ et plus"), Decimal("1000000"), None),
}

SORTS = {
    "pertinence": (_("Pertinence"), [f"-{RELEVANCE}", "-call_year", "public_id"]),
    "-annee": (_("Année de sélection, la plus récente d'abord"), ["-call_year", "public_id"]),
    "annee": (_("Année de sélection, la plus ancienne d'abord"), ["call_year", "public_id"]),
    "-montant": (_("Financement, le plus élevé d'abord"), ["-award_amount", "public_id"]),
    "montant": (_("Financement, le plus faible d'abord"), ["award_amount", "public_id"]),
    "acronyme": (_("Acronyme (A → Z)"), ["acronym", "public_id"]),
}
DEFAULT_SORT = "-annee"
#: the default order when the visitor searched
SEARCH_SORT = "pertinence"


def _award_q(values) -> Q:
    condition = Q()
    for value in values:
        _label, low, high = AWARD_RANGES[value]
        part = Q()
        if low is not None:
            part &= Q(award_amount__gte=low)
        if high is not None:
            part &= Q(award_amount__lt=high)
        condition |= part
    return condition


def _award_filter(queryset, name, values):
    return queryset.filter(_award_q(values)) if values else queryset


class SingleValuedChoiceFilter(django_filters.MultipleChoiceFilter):
    """A facet over a field each project has once (forward foreign keys, own columns): no
    `DISTINCT`, which django-filter adds by default and which made every count of a filtered
    directory count a `SELECT DISTINCT` of whole project rows."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Rechercher un projet"))
    programme = SingleValuedChoiceFilter(
        field_name="call__programme__code", label=_("Programme"), widget=forms.CheckboxSelectMultiple
    )
    annee = SingleValuedChoiceFilter(
        field_name="call_year", label=_("Année de sélection"), widget=forms.CheckboxSelectMultiple
    )
    region = SingleValuedChoiceFilter(
        field_name="establishment__region",
        choices=Region.choices,
        label=_("Région"),
        widget=forms.CheckboxSelectMultiple,
    )
    etablissement = SingleValuedChoiceFilter(
        field_name="establishment__finess", label=_("Établissement coordonnateur")
    )
    type = SingleValuedChoiceFilter(
        field_name="establishment__type",
        choices=EstablishmentType.choices,
        label=_("Type d'établissement"),
        widget=forms.CheckboxSelectMultiple,
    )
    discipline = SingleValuedChoiceFilter(
        field_name="discipline__code", label=_("Discipline"), widget=forms.CheckboxSelectMultiple
    )
    statut = SingleValuedChoiceFilter(
        field_name="status",
        choices=ProjectStatus.choices,
        label=_("Statut du projet"),
        widget=forms.CheckboxSelectMultiple,
    )
    montant = SingleValuedChoiceFilter(
        choices=[(k, v[0]) for k, v in AWARD_RANGES.items()],
        method=_award_filter,
        label=_("Financement attribué"),
        widget=forms.CheckboxSelectMultiple,
    )
    tri = django_filters.ChoiceFilter(
        choices=[(k, v[0]) for k, v in SORTS.items()],
        method="sort",
        label=_("Trier par"),
        empty_label=None,
    )

    #: facet name -> the field its counts group by
    FACETS = {
        "programme": "call__programme__code",
        "annee": "call_year",
        "region": "establishment__region",
        "etablissement": "establishment__finess",
        "type": "establishment__type",
        "discipline": "discipline__code",
        "statut": "status",
    }

    def __init__(self, data=None, queryset=None, *, choices: dict | None = None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        choices = choices if choices is not None else facet_choices()
        for name, values in choices.items():
            self.filters[name].extra["choices"] = values

    def filter_q(self, queryset, name, value):
        return search_projects(queryset, value)

    def sort(self, queryset, name, value):
        return queryset

    def ordering(self) -> list[str]:
        """Relevance by default when there is a query; without one, "pertinence" means the default."""
        cleaned = self.form.cleaned_data if self.form.is_valid() else {}
        searching = bool((cleaned.get("q") or "").strip())
        value = cleaned.get("tri") or (SEARCH_SORT if searching else DEFAULT_SORT)
        if value == SEARCH_SORT and not searching:
            value = DEFAULT_SORT
        return SORTS.get(value, SORTS[DEFAULT_SORT])[1]


def facet_choices() -> dict[str, list[tuple[str, str]]]:
    """Choices that come from data (4 small queries, once per data version: `web.process_memo`),
    the names in French alphabetical order (accents ignored); programmes show their names, not
    their codes."""
    return under_data_version("directory-facet-choices", (), _read_facet_choices)


def _read_facet_choices() -> dict[str, list[tuple[str, str]]]:
    return {
        "programme": sorted_french(
            [
                (p.code, f"{p.name} ({p.code})" if p.name and p.name != p.code else p.code)
                for p in Programme.objects.all()
            ],
            key=lambda choice: choice[1],
        ),
        "annee": [
            (str(y), str(y)) for y in Call.objects.order_by("-year").values_list("year", flat=True).distinct()
        ],
        "region": sorted_french(Region.choices, key=lambda choice: choice[1]),
        "etablissement": sorted_french(
            Establishment.objects.filter(projects__isnull=False).distinct().values_list("finess", "name"),
            key=lambda choice: choice[1],
        ),
        "discipline": sorted_french(
            Discipline.objects.values_list("code", "label"), key=lambda choice: choice[1]
        ),
    }


FACET_NAMES = (*ProjectFilter.FACETS, "montant")


def _award_bucket(amount) -> str | None:
    for key, (_label, low, high) in AWARD_RANGES.items():
        if amount is not None and (low is None or amount >= low) and (high is None or amount < high):
            return key
    return None


#: facets over a reference table: facet -> (the project's foreign key, what it names there).
#: Their counts group by the key and their filters take the list of keys naming the chosen
#: values (`web.catalogue_names`): no join, so PostgreSQL counts from the facet indexes instead
#: of reading the wide project table (a type or a region matches thousands of projects).
NAMED_FACETS = {
    "programme": ("call_id", "programme"),
    "region": ("establishment_id", "region"),
    "etablissement": ("establishment_id", "finess"),
    "type": ("establishment_id", "type"),
    "discipline": ("discipline_id", "code"),
}


class _Facets:
    """How one directory page reads its facets: the columns counted, and the names of the keys
    counted (read once per data version, again if a counted key is not named: a row committed
    after the names were kept, its write's version move on its way)."""

    def __init__(self) -> None:
        self.names = catalogue_names()
        self.fresh = False

    def _refresh(self) -> None:
        """Names newer than the kept ones (a write whose version move is on its way)."""
        if not self.fresh:
            self.names, self.fresh = read_catalogue_names(), True

    @staticmethod
    def column(name: str) -> str:
        return NAMED_FACETS[name][0] if name in NAMED_FACETS else ProjectFilter.FACETS[name]

    def condition(self, name: str, values: list[str]) -> Q:
        if name == "montant":
            return _award_q(values)
        if name not in NAMED_FACETS:
            return Q(**{f"{ProjectFilter.FACETS[name]}__in": values})
        column, attribute = NAMED_FACETS[name]
        # A chosen value no kept key names names no project under this data version (a region
        # without an establishment): the kept names are read again only for a counted key.
        keys = self.names.keys_named(column, attribute, values)
        return Q(**{f"{column}__in": keys})

    def fold(self, name: str, by_key: dict) -> dict[str, int]:
        """Counts by key as counts by the facet's value."""
        if name not in NAMED_FACETS:
            return {str(key): count for key, count in by_key.items()}
        column, attribute = NAMED_FACETS[name]
        table = getattr(self.names, TABLES[column])
        if any(key is not None and key not in table for key in by_key):
            self._refresh()
            table = getattr(self.names, TABLES[column])
        counts: dict[str, int] = {}
        for key, count in by_key.items():
            value = "None" if key is None else str(getattr(table[key], attribute))
            counts[value] = counts.get(value, 0) + count
        return counts


def _counts_by_group(queryset: QuerySet, names, read: _Facets) -> dict[str, dict[str, int]]:
    """Each facet's counts over `queryset`, one GROUP BY each."""
    result = {}
    for name in names:
        if name == "montant":
            result[name] = _award_counts(queryset)
        else:
            result[name] = read.fold(name, selectors.facet_counts(queryset, read.column(name)))
    return result


def _counts_in_one_pass(queryset: QuerySet, names, read: _Facets) -> tuple[dict[str, dict[str, int]], int]:
    """Facets `names`' counts over `queryset`, from one read of its rows counted in Python, and
    the number of rows."""
    columns = list(dict.fromkeys(read.column(name) for name in names if name != "montant"))
    counters: dict[str, Counter] = {name: Counter() for name in names}
    rows = 0
    for row in queryset.order_by().values_list(*columns, "award_amount"):
        rows += 1
        values = dict(zip(columns, row[:-1], strict=True))
        for name in names:
            counters[name][_award_bucket(row[-1]) if name == "montant" else values[read.column(name)]] += 1
    counts = {
        name: dict(counter) if name == "montant" else read.fold(name, dict(counter))
        for name, counter in counters.items()
    }
    return counts, rows


#: the award bucket's column name in `_counts_in_one_statement`
_AWARD_BUCKET = "facet_award_bucket"


def _award_bucket_expression() -> Case:
    """`_award_bucket` in SQL: the first range the amount falls in, else NULL."""
    return Case(
        *(When(_award_q([key]), then=Value(key)) for key in AWARD_RANGES),
        default=Value(None),
        output_field=CharField(),
    )


def _counts_in_one_statement(
    queryset: QuerySet, names, read: _Facets
) -> tuple[dict[str, dict[str, int]], int]:
    """`_counts_in_one_pass` computed by PostgreSQL: one `GROUP BY GROUPING SETS` (a set per
    column counted, and the empty set for the total) over the matching rows, so that only the
    counts travel (a filter on one programme matches thousands of rows at 40,000 projects)."""
    columns = list(dict.fromkeys(_AWARD_BUCKET if name == "montant" else read.column(name) for name in names))
    rows = queryset.order_by()
    if "montant" in names:
        rows = rows.annotate(**{_AWARD_BUCKET: _award_bucket_expression()})
    if not columns:  # every facet chosen: the total alone
        rows = rows.annotate(facet_row=Value(1))
    try:
        # the counted columns only (the primary key would keep PostgreSQL off the covering indexes)
        inner, params = rows.values_list(*(columns or ["facet_row"])).query.sql_with_params()
    except EmptyResultSet:  # a chosen value names no key: no project matches
        return {name: {} for name in names}, 0
    aliases = [f"facet_{index}" for index in range(len(columns))]
    select = ", ".join([*aliases, *(f"GROUPING({alias})" for alias in aliases), "COUNT(*)"])
    sets = ", ".join([*(f"({alias})" for alias in aliases), "()"])
    statement = (
        f"SELECT {select} FROM ({inner}) AS facet_rows ({', '.join(aliases or ['facet_row'])}) "  # noqa: S608
        f"GROUP BY GROUPING SETS ({sets})"
    )
    by_column: dict[str, dict] = {column: {} for column in columns}
    total = 0
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(statement, params)
        for row in cursor.fetchall():
            values, flags, count = row[: len(columns)], row[len(columns) : -1], row[-1]
            grouped = [index for index, flag in enumerate(flags) if not flag]
            if not grouped:
                total = count
                continue
            by_column[columns[grouped[0]]][values[grouped[0]]] = count
    counts = {
        name: by_column[_AWARD_BUCKET] if name == "montant" else read.fold(name, by_column[read.column(name)])
        for name in names
    }
    return counts, total


def facet_counts(data, base_queryset: QuerySet) -> tuple[dict[str, dict[str, int]], int | None]:
    """For each facet: the count of projects per value, over every OTHER active filter; and the
    number of projects matching every filter when it was counted on the way (None otherwise).

    The facets no filter is set on count the projects matching every active filter (and the
    search): one read of those rows, counted in Python, instead of one GROUP BY per facet over the
    same joins (eight at 40,000 projects: most of a cold directory page). A facet with a filter
    set counts over the other filters: one GROUP BY. Without a search, the counts of the whole
    directory are read once per data version (`web.process_memo`): the unfiltered page, and
    the facet's counts when its filter is the only one.
    """
    text = (data.getlist("q") or [""])[-1].strip()
    active = [name for name in FACET_NAMES if data.getlist(name)]
    idle = [name for name in FACET_NAMES if name not in active]
    base = search_projects(base_queryset, text) if text else base_queryset
    read = _Facets()

    def matching(names) -> QuerySet:
        return base.filter(*(read.condition(name, data.getlist(name)) for name in names))

    def unfiltered() -> dict[str, dict[str, int]]:
        return under_data_version(
            "directory-facet-counts", (), lambda: _counts_by_group(base_queryset, FACET_NAMES, read)
        )

    if not text and not active:
        return unfiltered(), None
    one_read = (
        _counts_in_one_statement if connections[base.db].vendor == "postgresql" else _counts_in_one_pass
    )
    counts, total = one_read(matching(active), idle, read)
    for name in active:
        if not text and len(active) == 1:
            counts[name] = unfiltered()[name]
        else:
            counts.update(_counts_by_group(matching([a for a in active if a != name]), [name], read))
    return counts, total


def _option(name: str, value: str, label: str, count: int, selected: bool) -> dict:
    """A facet's value as the template shows it: its text made here, once, rather than by
    template filters and a plural tag per value (some 170 values: most of a directory page's
    rendering)."""
    number = format_number(count)
    return {
        "value": value,
        "label": label,
        "count": count,
        "selected": selected,
        "id": f"f-{name}-{slugify(value)}",
        "number": number,
        "projects": ngettext("%(n)s projet", "%(n)s projets", count) % {"n": number},
    }


def facets(data, base_queryset: QuerySet, choices: dict) -> tuple[dict[str, list[dict]], int | None]:
    """For each facet: its values with the count of projects matching every OTHER active filter
    (`facet_counts`), in the facet's order; values with no project are left out unless chosen.
    And the number of projects matching every filter, when counted on the way (else None)."""
    data = data.copy()
    data.pop("page", None)
    counts, total = facet_counts(data, base_queryset)
    result = {}
    for name in FACET_NAMES:
        selected = set(data.getlist(name))
        if name == "montant":
            options = [(k, v[0]) for k, v in AWARD_RANGES.items()]
        else:
            options = choices.get(name) or ProjectFilter.base_filters[name].extra["choices"]
        found = counts[name]
        result[name] = [
            _option(name, str(value), label, found.get(str(value), 0), str(value) in selected)
            for value, label in options
            if found.get(str(value)) or str(value) in selected
        ]
    return result, total


def _award_counts(queryset: QuerySet) -> dict[str, int]:
    # the amount, never null, counted rather than the key: read from the facet indexes
    aggregates = {key: Count("award_amount", filter=_award_q([key])) for key in AWARD_RANGES}
    return queryset.aggregate(**aggregates)
