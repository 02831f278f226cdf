"""The project list of the API rendered from `values()` rows: the same JSON as `ProjectSerializer`,
without a model instance, a related manager or a serializer field per cell.

A page of 1,000 projects with five milestones each built some 10,000 model instances and ran
DRF's field machinery on every cell (2.3 s on the 4,000-project demo, 90 % of it in Python).
Here a page is four queries of plain tuples (projects with their money figures, milestones,
delegated amounts per milestone, registrations) assembled into dicts for the reader's tier.
`tests/opendata/api/test_api_project_rows.py` holds it equal to the serializer for every tier;
the serializer stays the definition (schema, detail view).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from decimal import Decimal
from urllib.parse import quote

from django.db.models import QuerySet, Sum

from opendata.api.serializers import project_url
from workflows import money
from workflows.models import Project, ProjectMilestone, Region, TrancheRequest
from workflows.validators import REGISTRY_URLS
from workflows.visibility import Tier, fields_for

_CENT = Decimal("0.01")
#: `{}` as `reverse` quotes it, and what `reverse` leaves unquoted in a path argument
_PLACEHOLDER = "%7B%7D"
_URL_SAFE = "!$&'()*+,;=/~:@"
_REGIONS = dict(Region.choices)

#: columns read for each project, by output field (the tier decides which are kept)
_PROJECT_COLUMNS = (
    "pk",
    "public_id",
    "acronym",
    "title",
    "summary",
    "call__programme__code",
    "call__code",
    "call__year",
    "discipline__code",
    "discipline__label",
    "discipline_raw",
    "establishment__name",
    "establishment__finess",
    "establishment__ror_id",
    "establishment__type",
    "establishment__region",
    "investigator__last_name",
    "investigator__first_name",
    "award_amount",
    "amount_delegated",
    "amount_paid",
    "tranche_number",
    "status",
    "selected_on",
    "results_url",
    "results_posted_on",
    "selected_on",
)
_EXPERT_COLUMNS = ("amount_validated", "amount_remaining", "late_milestones")
_INTERNAL_COLUMNS = ("source_file", "source_row", "budget_breakdown", "investigator__email", "visibility")


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(_CENT)


def _date(value) -> str | None:
    return None if value is None else value.isoformat()


def project_values(queryset: QuerySet[Project], tier: Tier, ordering_paths: list[str]) -> QuerySet:
    """`queryset` (from `selectors.api_projects`, filtered) as dict rows for `tier`.

    `ordering_paths` are kept in each row so the keyset paginator can sign the page's edges.
    """
    columns = list(_PROJECT_COLUMNS)
    if tier >= Tier.EXPERT:
        columns += _EXPERT_COLUMNS
    if tier >= Tier.INTERNAL:
        columns += _INTERNAL_COLUMNS
    columns += [path for path in ordering_paths if path not in columns]
    return queryset.prefetch_related(None).values(*dict.fromkeys(columns))


def _milestones(project_ids: list[int], tier: Tier) -> dict[int, list[dict]]:
    columns = ["pk", "project_id", "rank", "label", "declared_on", "reached_before_sirano"]
    columns += ["planned_date", "days_late"]
    if tier >= Tier.INTERNAL:  # the fields `fields_for("milestone", INTERNAL)` adds
        columns += ["declaration_comment", "declared_by__username", "verified_by__username"]
    delegated = dict(
        TrancheRequest.objects.filter(
            milestone__project_id__in=project_ids, status__in=money.DELEGATED_STATES
        )
        .order_by()
        .values("milestone_id")
        .annotate(total=Sum("amount"))
        .values_list("milestone_id", "total")
    )
    shown = fields_for("milestone", tier)
    by_project: dict[int, list[dict]] = defaultdict(list)
    rows = (
        ProjectMilestone.objects.filter(project_id__in=project_ids)
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


def _registrations(project_ids: list[int]) -> dict[int, list[dict]]:
    registrations = Project.registrations.through.objects.filter(project_id__in=project_ids).order_by(
        "trialregistration__identifier"
    )
    by_project: dict[int, list[dict]] = defaultdict(list)
    for project_id, registry, identifier in registrations.values_list(
        "project_id", "trialregistration__registry", "trialregistration__identifier"
    ):
        by_project[project_id].append({"registry": registry, "identifier": identifier})
    return by_project


def project_rows(page: list[dict], tier: Tier, fields: Collection[str] | None = None) -> list[dict]:
    """The page's rows as `ProjectSerializer` renders them for `tier`, limited to `fields` (all
    the tier's when None); the milestones (two queries) and the registrations (one) are read
    only when a chosen field shows them."""
    ids = [row["pk"] for row in page]
    shown = [name for name in fields_for("project", tier) if fields is None or name in fields]
    milestones = _milestones(ids, tier) if ids and {"milestones", "planned_dates"} & set(shown) else {}
    registrations = _registrations(ids) if ids and "registrations" in shown else {}
    url = project_url("{}")  # one `reverse` per page, not per row
    result = []
    for row in page:
        pk = row["pk"]
        project_milestones = milestones.get(pk, [])
        discipline = (
            {"code": row["discipline__code"], "label": row["discipline__label"]}
            if row["discipline__code"] is not None
            else None
        )
        values = {
            "public_id": row["public_id"],
            "url": url.replace(_PLACEHOLDER, quote(row["public_id"], safe=_URL_SAFE)),
            "acronym": row["acronym"],
            "title": row["title"],
            "summary": row["summary"],
            "programme": row["call__programme__code"],
            "call": row["call__code"],
            "year": row["call__year"],
            "discipline": discipline,
            "discipline_raw": row["discipline_raw"],
            "establishment": row["establishment__name"],
            "establishment_finess": row["establishment__finess"],
            "establishment_ror_id": row["establishment__ror_id"],
            "establishment_type": row["establishment__type"],
            "region": {
                "code": row["establishment__region"],
                "label": str(_REGIONS.get(row["establishment__region"], row["establishment__region"])),
            },
            "investigator": {
                "last_name": row["investigator__last_name"],
                "first_name": row["investigator__first_name"],
            },
            "award_amount": _money(row["award_amount"]),
            "amount_delegated": _money(row["amount_delegated"]),
            "amount_paid": _money(row["amount_paid"]),
            "tranche_number": int(row["tranche_number"]),
            "registrations": [
                {**r, "url": REGISTRY_URLS[r["registry"]].format(id=r["identifier"])}
                for r in registrations.get(pk, [])
            ],
            "status": row["status"],
            "selected_on": _date(row["selected_on"]),
            "milestones": [{k: v for k, v in m.items() if k != "_planned_date"} for m in project_milestones],
            "results_url": row["results_url"],
            "results_posted_on": _date(row["results_posted_on"]),
        }
        if tier >= Tier.EXPERT:  # the columns `project_values` read for this tier
            values["planned_dates"] = [m["_planned_date"].isoformat() for m in project_milestones]
            values["amount_validated"] = _money(row["amount_validated"])
            values["amount_remaining"] = _money(row["amount_remaining"])
            values["late_milestones"] = int(row["late_milestones"])
        if tier >= Tier.INTERNAL:
            values["source_file"] = row["source_file"]
            values["source_row"] = row["source_row"]
            values["budget_breakdown"] = row["budget_breakdown"]
            values["investigator_email"] = row["investigator__email"]
            values["visibility"] = row["visibility"]
        result.append({name: values[name] for name in shown})
    return result
