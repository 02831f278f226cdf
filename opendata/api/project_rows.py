"""The project list of the API rendered from `values()` rows: the same JSON as `ProjectSerializer`,
without a model instance, a related manager or a serializer field per cell.

A page of 1,000 projects with five milestones each built some 10,000 model instances and ran
DRF's field machinery on every cell (2.3 s on the 4,000-project demo, 90 % of it in Python).
Here a page is one to three queries of plain tuples (projects with their money figures, packed
in one subquery, and registrations; milestones and delegated amounts per milestone when shown) assembled into dicts
for the reader's tier; the names of calls, disciplines and establishments come from the
catalogue kept per data version (`web.catalogue_names`), not from joins.
`tests/opendata/api/test_api_project_rows.py` holds it equal to the serializer for every tier;
the serializer stays the definition (schema, detail view).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from decimal import Decimal

from django.db.models import QuerySet, Sum

from dbtools.in_list import InList
from opendata.api.serializers import project_url
from web import path_pattern
from web.catalogue_names import catalogue_names
from workflows import money, registration_column, selectors
from workflows.models import Project, ProjectMilestone, Region, TrancheRequest
from workflows.visibility import Tier, fields_for

_CENT = Decimal("0.01")
_REGIONS = dict(Region.choices)

#: the columns each output field reads (fields built from other queries read none)
_FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "public_id": ("public_id",),
    "acronym": ("acronym",),
    "title": ("title",),
    "summary": ("summary",),
    # names from the reference tables: their key here, the names from `web.catalogue_names`
    "programme": ("call_id",),
    "call": ("call_id",),
    "year": ("call_id",),
    "discipline": ("discipline_id",),
    "discipline_raw": ("discipline_raw",),
    "establishment": ("establishment_id",),
    "establishment_finess": ("establishment_id",),
    "establishment_ror_id": ("establishment_id",),
    "establishment_type": ("establishment_id",),
    "region": ("establishment_id",),
    "investigator": ("investigator__last_name", "investigator__first_name"),
    "registrations": (registration_column.COLUMN,),
    "award_amount": ("award_amount",),
    # the money figures of a row, packed in one column (`selectors.with_packed_funding_figures`)
    "amount_delegated": (selectors.PACKED_FIGURES,),
    "amount_paid": (selectors.PACKED_FIGURES,),
    "tranche_number": (selectors.PACKED_FIGURES,),
    "status": ("status",),
    "selected_on": ("selected_on",),
    "results_url": ("results_url",),
    "results_posted_on": ("results_posted_on",),
    "amount_validated": (selectors.PACKED_FIGURES,),
    "amount_remaining": ("amount_remaining",),
    "late_milestones": ("late_milestones",),
    "source_file": ("source_file",),
    "source_row": ("source_row",),
    "budget_breakdown": ("budget_breakdown",),
    "investigator_email": ("investigator__email",),
    "visibility": ("visibility",),
}


def _shown(tier: Tier, fields: Collection[str] | None) -> list[str]:
    """The fields a row carries for `tier`, limited to `fields` (all the tier's when None)."""
    return [name for name in fields_for("project", tier) if fields is None or name in fields]


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(_CENT)


def _date(value) -> str | None:
    return None if value is None else value.isoformat()


def project_values(
    queryset: QuerySet[Project], tier: Tier, ordering_paths: list[str], fields: Collection[str] | None = None
) -> QuerySet:
    """`queryset` (from `selectors.api_projects`, filtered) as dict rows for `tier`, with the
    columns the shown fields read and no other (a default list row leaves the summary in the
    table; `fields=programme,region` computes no money figure).

    `ordering_paths` are kept in each row so the keyset paginator can sign the page's edges.
    """
    columns = ["pk"]
    for name in _shown(tier, fields):
        columns += _FIELD_COLUMNS.get(name, ())
    columns += ordering_paths
    return queryset.prefetch_related(None).values(*dict.fromkeys(columns))


def _milestones(project_ids: list[int], tier: Tier) -> dict[int, list[dict]]:
    columns = ["pk", "project_id", "rank", "label", "declared_on", "reached_before_sirano"]
    columns += ["planned_date", "days_late"]
    if tier >= Tier.INTERNAL:  # the fields `fields_for("milestone", INTERNAL)` adds
        columns += ["declaration_comment", "declared_by__username", "verified_by__username"]
    delegated = dict(
        TrancheRequest.objects.filter(
            InList("milestone__project_id", project_ids), status__in=money.DELEGATED_STATES
        )
        .order_by()
        .values("milestone_id")
        .annotate(total=Sum("amount"))
        .values_list("milestone_id", "total")
    )
    shown = fields_for("milestone", tier)
    by_project: dict[int, list[dict]] = defaultdict(list)
    rows = (
        ProjectMilestone.objects.filter(InList("project_id", project_ids))
        .order_by("project_id", "rank")
        .values(*columns)
    )
    for row in rows:
        values = {
            "rank": row["rank"],
            "label": row["label"],
            "reached": row["declared_on"] is not None or row["reached_before_sirano"],
            "declared_on": _date(row["declared_on"]),
            "amount_delegated": float(delegated.get(row["pk"]) or 0),
            "planned_date": _date(row["planned_date"]),
            "days_late": row["days_late"],
            "declaration_comment": row.get("declaration_comment"),
            "declared_by": row.get("declared_by__username"),
            "verified_by": row.get("verified_by__username"),
        }
        milestone = {name: values[name] for name in shown}
        # planned_dates (expert) lists every milestone's date whatever the milestone fields shown
        milestone["_planned_date"] = row["planned_date"]
        by_project[row["project_id"]].append(milestone)
    return by_project


def _discipline(row: dict, page: _Page) -> dict | None:
    if row["discipline_id"] is None:
        return None
    discipline = page.names.disciplines[row["discipline_id"]]
    return {"code": discipline.code, "label": discipline.label}


def _region(row: dict, page: _Page) -> dict:
    code = page.names.establishments[row["establishment_id"]].region
    return {"code": code, "label": str(_REGIONS.get(code, code))}


def _registration_rows(column: str | None) -> list[dict]:
    return [
        {"registry": r.registry, "identifier": r.identifier, "url": r.url}
        for r in registration_column.registrations_of(column)
    ]


#: output fields whose value is not their one column as read (`_FIELD_COLUMNS`): the value from
#: a row and the page's other reads (`_Page`)
_BUILDERS = {
    "url": lambda row, page: path_pattern.fill(page.url, row["public_id"]),
    "programme": lambda row, page: page.names.calls[row["call_id"]].programme,
    "call": lambda row, page: page.names.calls[row["call_id"]].code,
    "year": lambda row, page: page.names.calls[row["call_id"]].year,
    "discipline": _discipline,
    "establishment": lambda row, page: page.names.establishments[row["establishment_id"]].name,
    "establishment_finess": lambda row, page: page.names.establishments[row["establishment_id"]].finess,
    "establishment_ror_id": lambda row, page: page.names.establishments[row["establishment_id"]].ror_id,
    "establishment_type": lambda row, page: page.names.establishments[row["establishment_id"]].type,
    "region": _region,
    "investigator": lambda row, page: {
        "last_name": row["investigator__last_name"],
        "first_name": row["investigator__first_name"],
    },
    "award_amount": lambda row, page: _money(row["award_amount"]),
    "amount_delegated": lambda row, page: _money(row["amount_delegated"]),
    "amount_paid": lambda row, page: _money(row["amount_paid"]),
    "amount_validated": lambda row, page: _money(row["amount_validated"]),
    "amount_remaining": lambda row, page: _money(row["amount_remaining"]),
    "tranche_number": lambda row, page: int(row["tranche_number"]),
    "late_milestones": lambda row, page: int(row["late_milestones"]),
    "selected_on": lambda row, page: _date(row["selected_on"]),
    "results_posted_on": lambda row, page: _date(row["results_posted_on"]),
    "registrations": lambda row, page: _registration_rows(row[registration_column.COLUMN]),
    "milestones": lambda row, page: [
        {k: v for k, v in m.items() if k != "_planned_date"} for m in page.milestones.get(row["pk"], [])
    ],
    "planned_dates": lambda row, page: [
        m["_planned_date"].isoformat() for m in page.milestones.get(row["pk"], [])
    ],
}


def _builder(name: str):
    """How field `name` is built: its own builder, or its one column as read."""
    if name in _BUILDERS:
        return _BUILDERS[name]
    (column,) = _FIELD_COLUMNS[name]
    return lambda row, page: row[column]


class _Page:
    """What a page's rows share: the project address pattern and the page's other reads."""

    def __init__(self, rows: list[dict], milestones: dict[int, list[dict]]):
        self.url = project_url(path_pattern.ARGUMENT)  # one `reverse` per page, not per row
        self.names = catalogue_names(rows)
        self.milestones = milestones


def project_rows(page: list[dict], tier: Tier, fields: Collection[str] | None = None) -> list[dict]:
    """The page's rows as `ProjectSerializer` renders them for `tier`, limited to `fields` (all
    the tier's when None), from the columns `project_values` read for them (the registrations
    with them: `workflows.registration_column`); the milestones (two queries) are read only when
    a chosen field shows them."""
    ids = [row["pk"] for row in page]
    shown = _shown(tier, fields)
    shared = _Page(
        page, _milestones(ids, tier) if ids and {"milestones", "planned_dates"} & set(shown) else {}
    )
    builders = [(name, _builder(name)) for name in shown]
    for row in page:
        if selectors.PACKED_FIGURES in row:
            row.update(
                selectors.unpack_funding_figures(row[selectors.PACKED_FIGURES], selectors.PACKABLE_FIGURES)
            )
    return [{name: build(row, shared) for name, build in builders} for row in page]
