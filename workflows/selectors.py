"""Reads shared by views, API, admin and exports; each keeps query counts flat."""

from __future__ import annotations

import datetime
import json
from collections.abc import Collection
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from dbtools.json_rows import JSONValues
from workflows import audit_labels, money
from workflows.models import (
    AuditEvent,
    Delegation,
    Establishment,
    Project,
    ProjectMilestone,
    ProjectStatus,
    TrancheRequest,
    TrancheStatus,
    TrialRegistration,
)
from workflows.money import DELEGATED_STATES, MONEY_FIGURES, money_filters

ACTIVE_PROJECT_STATES = (ProjectStatus.SELECTED, ProjectStatus.IN_PROGRESS)
_MONEY = money.MONEY_FIELD
_ZERO = money.ZERO

# The money selector: one definition of every euro figure, for every surface. The figures'
# states and filters are spelled in `workflows.money` (read its docstring); remaining = award −
# committed for an open project, nothing for a closed one (abandoned, lapsed, completed: nothing
# is left to engage).


def _project_sum(condition: Q) -> Coalesce:
    """Correlated subquery: the sum of the project's tranches matching `condition`."""
    total = (
        TrancheRequest.objects.filter(condition, milestone__project=OuterRef("pk"))
        .order_by()
        .values("milestone__project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=_MONEY), _ZERO)


#: each amount figure -> the `money_filters` condition selecting the tranches it sums (both the
#: per-figure subqueries and the packed ones read it)
_SUMMED = {
    "amount_committed": "committed",
    "amount_validated": "validated",
    "amount_delegated": "delegated",
    "amount_paid": "paid",
}

#: the per-project figures `with_funding_figures` annotates
FUNDING_FIGURES = (
    "amount_committed",
    "amount_validated",
    "amount_delegated",
    "amount_paid",
    "tranche_number",
    "historical_tranches",
    "amount_remaining",
)


def with_funding_figures(
    queryset: QuerySet[Project],
    as_of: datetime.date | None = None,
    figures: Collection[str] = FUNDING_FIGURES,
) -> QuerySet[Project]:
    """Annotate each project with the money selector's figures, one correlated subquery each.

    `amount_committed`, `amount_validated`, `amount_delegated`, `amount_paid`, `amount_remaining`
    (award − committed), `tranche_number` (highest rank delegated, historical included, 0 if
    none) and `historical_tranches` (how many tranches were delegated before SIRANo). Subqueries,
    not a GROUP BY over the portfolio: a page of 20 projects costs 20 lookups, not 40,000.
    `figures`: the ones to compute (all by default): a page that shows two asks for two, and
    its query neither builds nor runs the other subqueries.
    """
    unknown = set(figures) - set(FUNDING_FIGURES)
    if unknown:
        raise ValueError(f"unknown funding figures: {sorted(unknown)}")
    wanted = set(figures) | ({"amount_committed"} if "amount_remaining" in figures else set())
    q = money_filters(as_of)
    subqueries = {
        **{name: (lambda c=condition: _project_sum(q[c])) for name, condition in _SUMMED.items()},
        "tranche_number": lambda: Coalesce(Subquery(_last_rank(q), output_field=IntegerField()), Value(0)),
        "historical_tranches": lambda: Coalesce(
            Subquery(_historical(), output_field=IntegerField()), Value(0)
        ),
    }
    queryset = queryset.annotate(**{name: build() for name, build in subqueries.items() if name in wanted})
    if "amount_remaining" not in wanted:
        return queryset
    return queryset.annotate(
        amount_remaining=Case(
            When(status__in=ACTIVE_PROJECT_STATES, then=F("award_amount") - F("amount_committed")),
            default=_ZERO,
            output_field=_MONEY,
        )
    )


#: the figures `with_packed_funding_figures` packs (`amount_remaining` reads the project's own
#: columns: never packed)
PACKABLE_FIGURES = (
    "amount_committed",
    "amount_validated",
    "amount_delegated",
    "amount_paid",
    "tranche_number",
)
#: the annotation holding them
PACKED_FIGURES = "funding_figures"


def with_packed_funding_figures(queryset: QuerySet[Project], figures: Collection[str]) -> QuerySet[Project]:
    """`figures` (of `PACKABLE_FIGURES`) in one correlated subquery, as a JSON array in
    `PACKED_FIGURES` (read it with `unpack_funding_figures`): for `values()` rows of many projects.

    `with_funding_figures` runs one subquery per figure, each walking the project's milestones and
    their tranches again: three walks a row for the API's public row, about 20 ms of a 1,000-row
    page at 40,000 projects. Here one walk computes them all, each as the sum (or the highest
    rank) of the tranches its `money_filters` condition selects, the same conditions as the
    per-figure subqueries (`tests/workflows/test_money_surfaces.py` holds both equal).
    """
    unknown = set(figures) - set(PACKABLE_FIGURES)
    if unknown:
        raise ValueError(f"figures that cannot be packed: {sorted(unknown)}")
    q = money_filters()
    aggregates = {
        **{name: (lambda c=condition: Sum("amount", filter=q[c])) for name, condition in _SUMMED.items()},
        "tranche_number": lambda: Max("milestone__rank", filter=q["delegated"]),
    }
    packed = (
        TrancheRequest.objects.filter(milestone__project=OuterRef("pk"))
        .order_by()
        .values("milestone__project")
        .annotate(figures=JSONValues(*(aggregates[name]() for name in figures)))
        .values("figures")
    )
    return queryset.annotate(**{PACKED_FIGURES: Subquery(packed, output_field=TextField())})


def unpack_funding_figures(packed: str | None, figures: Collection[str]) -> dict:
    """`{figure: value}` from a `PACKED_FIGURES` column: amounts as Decimals (0 for none), the
    tranche number as an int (0 for none)."""
    values = json.loads(packed, parse_float=Decimal) if packed else [None] * len(figures)
    return {
        name: (int(value or 0) if name == "tranche_number" else Decimal(value or 0))
        for name, value in zip(figures, values, strict=True)
    }


def _last_rank(q: dict[str, Q]) -> QuerySet:
    return (
        TrancheRequest.objects.filter(q["delegated"], milestone__project=OuterRef("pk"))
        .order_by("-milestone__rank")
        .values("milestone__rank")[:1]
    )


def _historical() -> QuerySet:
    return (
        TrancheRequest.objects.filter(is_historical=True, milestone__project=OuterRef("pk"))
        .order_by()
        .values("milestone__project")
        .annotate(n=Count("pk"))
        .values("n")
    )


def portfolio_money(queryset: QuerySet[Project], as_of: datetime.date | None = None) -> dict[str, Decimal]:
    """The money selector over a set of projects (one query): awarded, committed, validated,
    delegated, paid, remaining (open projects only), and the delegated amount split historical / SIRANo."""
    q = money_filters(as_of)
    tranches = TrancheRequest.objects.filter(milestone__project__in=queryset.order_by().values("pk"))
    open_tranche = Q(milestone__project__status__in=ACTIVE_PROJECT_STATES)
    totals = tranches.aggregate(
        **{name: Coalesce(Sum("amount", filter=q[name]), _ZERO) for name in MONEY_FIGURES},
        delegated_historical=Coalesce(Sum("amount", filter=q["delegated"] & Q(is_historical=True)), _ZERO),
        committed_open=Coalesce(Sum("amount", filter=q["committed"] & open_tranche), _ZERO),
    )
    totals["delegated_workflow"] = totals["delegated"] - totals["delegated_historical"]
    awards = queryset.order_by().aggregate(
        total=Coalesce(Sum("award_amount"), _ZERO),
        open=Coalesce(Sum("award_amount", filter=Q(status__in=ACTIVE_PROJECT_STATES)), _ZERO),
    )
    totals["awarded"] = awards["total"]
    totals["remaining"] = awards["open"] - totals.pop("committed_open")
    return totals


def project_money(project: Project, as_of: datetime.date | None = None) -> dict[str, Decimal]:
    """The money selector for one project (two queries)."""
    return portfolio_money(Project.objects.filter(pk=project.pk), as_of)


def public_projects() -> QuerySet[Project]:
    """Public projects with everything an open-data row needs, in a fixed order."""
    return (
        with_funding_figures(Project.objects.public())
        .select_related("call__programme", "establishment", "investigator", "discipline")
        .prefetch_related(
            Prefetch("registrations", queryset=TrialRegistration.objects.order_by("identifier"))
        )
        .order_by("call__year", "call__code", "public_id")
    )


#: one open-data row of `public_project_values`, in the ministry file's order of columns
OPEN_DATA_VALUES = (
    "pk",
    "call__code",
    "call__year",
    "establishment__region",
    "establishment__name",
    "establishment__finess",
    "establishment__type",
    "acronym",
    "title",
    "discipline_raw",
    "discipline__label",
    "published_pi_last_name",
    "published_pi_first_name",
    "investigator__last_name",
    "investigator__first_name",
    "award_amount",
    "tranche_number",
)


def public_project_values() -> QuerySet:
    """`public_projects()` as named tuples (`OPEN_DATA_VALUES`), same order, no model instance:
    the bulk files read tens of thousands of rows, and only `tranche_number` of the money figures."""
    return (
        with_funding_figures(Project.objects.public())
        .order_by("call__year", "call__code", "public_id")
        .values_list(*OPEN_DATA_VALUES, named=True)
    )


def public_selection_period() -> tuple[datetime.date | None, datetime.date | None]:
    """First and last selection dates of the public projects: the open data's temporal coverage."""
    bounds = Project.objects.public().aggregate(first=Min("selected_on"), last=Max("selected_on"))
    return bounds["first"], bounds["last"]


def public_projects_last_changed() -> QuerySet:
    """(public_id, last change) of every public project, by public id: the sitemap's `lastmod`.

    A page changes with its project, its establishment, or a tranche delegated or paid; each
    date falls back to the project's so one missing date does not blank the whole (SQLite's
    MAX() of several values is NULL when one is).
    """
    public_tranches = Q(milestones__tranche_requests__status__in=DELEGATED_STATES)
    own = F("updated_at")
    return (
        Project.objects.public()
        .annotate(
            last_changed=Greatest(
                own,
                Coalesce("establishment__updated_at", own),
                Coalesce(Max("milestones__tranche_requests__delegated_at", filter=public_tranches), own),
                Coalesce(Max("milestones__tranche_requests__paid_at", filter=public_tranches), own),
            )
        )
        .order_by("public_id")
        .values_list("public_id", "last_changed")
    )


def public_registration_identifiers() -> dict[int, list[str]]:
    """Trial registry identifiers of every public project, each project's sorted (one query)."""
    identifiers: dict[int, list[str]] = {}
    links = (
        Project.registrations.through.objects.filter(project__in=Project.objects.public())
        .order_by("project_id", "trialregistration__identifier")
        .values_list("project_id", "trialregistration__identifier")
    )
    for project_id, identifier in links.iterator(chunk_size=5000):
        identifiers.setdefault(project_id, []).append(identifier)
    return identifiers


def projects_for_user(user) -> QuerySet[Project]:
    """Projects of the establishments the user belongs to."""
    return Project.objects.filter(establishment__in=Establishment.objects.for_user(user))


def tranche_requests_for_user(user) -> QuerySet[TrancheRequest]:
    return TrancheRequest.objects.filter(
        milestone__project__establishment__in=Establishment.objects.for_user(user)
    )


def milestone_timeline(project: Project) -> QuerySet[ProjectMilestone]:
    return (
        project.milestones.order_by("rank")
        .prefetch_related("evidence_types", "tranche_requests")
        .annotate(n_requests=Count("tranche_requests"))
    )


def portfolio_totals(queryset: QuerySet[Project], as_of: datetime.date | None = None) -> dict:
    """Counts of a set of projects and the money selector's totals (three queries)."""
    totals = queryset.aggregate(
        projects=Count("pk"),
        in_progress=Count("pk", filter=Q(status="in_progress")),
        completed=Count("pk", filter=Q(status="completed")),
        establishments=Count("establishment", distinct=True),
    )
    totals.update(portfolio_money(queryset, as_of))
    return totals


def facet_counts(queryset: QuerySet[Project], field: str) -> dict:
    """Number of projects per value of `field` (one GROUP BY query). `field` and the filters of
    `queryset` follow single-valued relations (a project has one call, one establishment…), so
    each project is one row: a plain count, not a `COUNT(DISTINCT)`. `COUNT(*)`, not of the
    primary key: the count then reads no column beyond the grouped one and the filters', so
    PostgreSQL counts from a covering index without visiting the table (28 → 5 ms for the
    programmes of one establishment type at 40,000 projects)."""
    return dict(queryset.order_by().values_list(field).annotate(n=Count("*")))


# Agents' desk and delegations

_DESK_RELATED = (
    "milestone__project__establishment",
    "milestone__project__call__programme",
    "milestone__template__schedule",
    "delegation",
)


def tranche_requests_for_desk(statuses) -> QuerySet[TrancheRequest]:
    """Requests in `statuses` with what a queue row needs, in a fixed number of queries.

    `committed_elsewhere` (the project's other committed tranches, historical included) lets
    `rules.within_award` decide the « Valider » button without one query per row;
    `project_committed` and `project_historical` give each row the project's remaining amount
    and its tranches delegated before SIRANo (the money selector's definitions).
    """
    committed_q = money_filters()["committed"]

    def project_total(condition: Q, *, exclude_self: bool = False):
        rows = TrancheRequest.objects.filter(condition, milestone__project=OuterRef("milestone__project"))
        if exclude_self:
            rows = rows.exclude(pk=OuterRef("pk"))
        return rows.order_by().values("milestone__project").annotate(total=Sum("amount")).values("total")

    historical = (
        TrancheRequest.objects.filter(is_historical=True, milestone__project=OuterRef("milestone__project"))
        .order_by()
        .values("milestone__project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        TrancheRequest.objects.filter(status__in=list(statuses))
        .select_related(*_DESK_RELATED)
        .annotate(
            committed_elsewhere=Coalesce(Subquery(project_total(committed_q, exclude_self=True)), _ZERO),
            project_committed=Coalesce(Subquery(project_total(committed_q)), _ZERO),
            project_historical=Coalesce(Subquery(historical, output_field=IntegerField()), Value(0)),
        )
        .annotate(
            project_remaining=Case(
                When(
                    milestone__project__status__in=ACTIVE_PROJECT_STATES,
                    then=F("milestone__project__award_amount") - F("project_committed"),
                ),
                default=_ZERO,
                output_field=_MONEY,
            )
        )
    )


def historical_tranches(project: Project) -> QuerySet[TrancheRequest]:
    """The project's tranches delegated before SIRANo, by rank."""
    return (
        TrancheRequest.objects.filter(milestone__project=project, is_historical=True)
        .select_related("milestone")
        .order_by("milestone__rank")
    )


#: A milestone this late, on a project without any activity for as long, is not an alarm to
#: repeat every day: it is a project for DGOS to declare lapsed (`dormant_projects`).
DORMANT_AFTER = datetime.timedelta(days=365)


def _is_dormant(today: datetime.date | None = None) -> Q:
    """On `Project`: open, a milestone late by more than `DORMANT_AFTER`, and since then no
    milestone declared and no request of the establishment moved (historical tranches aside)."""
    cutoff = (today or timezone.localdate()) - DORMANT_AFTER
    long_late = ProjectMilestone.objects.filter(
        project=OuterRef("pk"), declared_on__isnull=True, reached_before_sirano=False, planned_date__lt=cutoff
    )
    recent_declaration = ProjectMilestone.objects.filter(project=OuterRef("pk"), declared_on__gte=cutoff)
    recent_request = TrancheRequest.objects.filter(
        milestone__project=OuterRef("pk"),
        is_historical=False,
        status_changed_at__gte=money.end_of_day(cutoff),
    )
    return (
        Q(status__in=ACTIVE_PROJECT_STATES)
        & Exists(long_late)
        & ~Exists(recent_declaration)
        & ~Exists(recent_request)
    )


def dormant_projects(today: datetime.date | None = None) -> QuerySet[Project]:
    """Open projects nobody has touched for a year past a milestone: offered to be declared lapsed,
    the longest untouched first (`oldest_late` is the planned date of their first late milestone)."""
    first_late = ProjectMilestone.objects.filter(
        project=OuterRef("pk"), declared_on__isnull=True, reached_before_sirano=False
    ).order_by("planned_date")
    return (
        Project.objects.filter(_is_dormant(today))
        .annotate(oldest_late=Subquery(first_late.values("planned_date")[:1]))
        .select_related("establishment")
        .order_by("oldest_late", "public_id")
    )


def late_milestones(today: datetime.date | None = None) -> QuerySet[ProjectMilestone]:
    """Undeclared milestones that `check_milestones` found past their planned date, on projects
    still alive (the dormant ones are offered for lapse instead, not repeated as alarms)."""
    dormant = Project.objects.filter(_is_dormant(today)).values("pk")
    return (
        ProjectMilestone.objects.filter(
            declared_on__isnull=True,
            reached_before_sirano=False,
            days_late__gt=0,
            project__status__in=ACTIVE_PROJECT_STATES,
        )
        .exclude(project__in=dormant)
        .select_related("project__establishment", "project__call__programme")
    )


def audit_timeline(tranche_request: TrancheRequest) -> QuerySet[AuditEvent]:
    """Everything that happened to a request and to its milestone, oldest first."""
    return (
        AuditEvent.objects.filter(
            Q(tranche_request=tranche_request)
            | Q(milestone_id=tranche_request.milestone_id, tranche_request__isnull=True)
        )
        .select_related(*audit_labels.EVENT_RELATED)
        .prefetch_related(*audit_labels.EVENT_PREFETCH)
        .order_by("created_at", "id")
    )


def delegation_timeline(delegation: Delegation) -> QuerySet[AuditEvent]:
    """Everything that happened to a delegation and to the tranches in it, oldest first."""
    return (
        delegation.audit_events.select_related(*audit_labels.EVENT_RELATED)
        .prefetch_related(*audit_labels.EVENT_PREFETCH)
        .order_by("created_at", "id")
    )


def _by_region(queryset: QuerySet[TrancheRequest]) -> QuerySet[TrancheRequest]:
    return queryset.select_related("milestone__project__establishment", "milestone__project__call").order_by(
        "milestone__project__establishment__region",
        "milestone__project__establishment__name",
        "milestone__project__public_id",
        "milestone__rank",
    )


def delegation_lines(delegation: Delegation, region: str | None = None) -> QuerySet[TrancheRequest]:
    """Tranches of a delegation ordered by region (ARS), establishment, project, rank."""
    queryset = delegation.tranche_requests.all()
    if region:
        queryset = queryset.filter(milestone__project__establishment__region=region)
    return _by_region(queryset)


def delegation_candidates() -> QuerySet[TrancheRequest]:
    """Validated tranches not yet attached to any delegation, ordered by region (ARS)."""
    return _by_region(TrancheRequest.objects.filter(status=TrancheStatus.VALIDATED, delegation__isnull=True))


def group_by_region(lines) -> list[tuple[str, str, list, Decimal]]:
    """(region code, ARS label, lines, total) for lines already ordered by region."""
    groups: dict[str, list] = {}
    for line in lines:
        groups.setdefault(line.milestone.project.establishment.region, []).append(line)
    return [
        (
            code,
            items[0].milestone.project.establishment.ars,
            items,
            sum((i.amount for i in items), Decimal(0)),
        )
        for code, items in groups.items()
    ]


def delegations_with_totals() -> QuerySet[Delegation]:
    """Delegations with their number of tranches and total amount (one query)."""
    return Delegation.objects.annotate(
        n_tranches=Count("tranche_requests"),
        total_amount=Coalesce(Sum("tranche_requests__amount"), _ZERO),
    )
