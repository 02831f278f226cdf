"""Reads shared by views, API, admin and exports; each keeps query counts flat."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from workflows.models import (
    COMMITTED_STATES,
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

DELEGATED_STATES = (TrancheStatus.DELEGATED, TrancheStatus.PAID)
ACTIVE_PROJECT_STATES = (ProjectStatus.SELECTED, ProjectStatus.IN_PROGRESS)
_ZERO = Value(0, output_field=DecimalField(max_digits=12, decimal_places=2))


def with_funding_figures(queryset: QuerySet[Project]) -> QuerySet[Project]:
    """Annotate amount delegated and `tranche_number` (last delegated rank, legacy stock included)."""
    delegated = Q(milestones__tranche_requests__status__in=DELEGATED_STATES)
    return queryset.annotate(
        amount_delegated=Coalesce(Sum("milestones__tranche_requests__amount", filter=delegated), _ZERO),
        delegated_rank=Max("milestones__rank", filter=delegated),
    ).annotate(
        tranche_number=Greatest(
            Coalesce(F("delegated_rank"), Value(0)), Coalesce(F("legacy_tranche_number"), Value(0))
        )
    )


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


def legacy_delegated_milestones(queryset: QuerySet[Project]) -> QuerySet[ProjectMilestone]:
    """Milestones whose tranche was delegated before SIRANo (rank within `legacy_tranche_number`)
    and that no SIRANo request has delegated since: the historical stock."""
    return ProjectMilestone.objects.filter(
        project__in=queryset, rank__lte=F("project__legacy_tranche_number")
    ).exclude(tranche_requests__status__in=DELEGATED_STATES)


def portfolio_totals(queryset: QuerySet[Project]) -> dict:
    """Counts and euro totals of a set of projects, in three queries whatever its size.

    Delegated = amounts of delegated/paid tranche requests + the schedule share of the award for
    each milestone of the historical stock (the file gives only the last tranche number).
    """
    from django.db.models import ExpressionWrapper

    totals = queryset.aggregate(
        projects=Count("pk"),
        awarded=Coalesce(Sum("award_amount"), _ZERO),
        in_progress=Count("pk", filter=Q(status="in_progress")),
        completed=Count("pk", filter=Q(status="completed")),
        establishments=Count("establishment", distinct=True),
    )
    by_requests = TrancheRequest.objects.filter(
        milestone__project__in=queryset, status__in=DELEGATED_STATES
    ).aggregate(total=Coalesce(Sum("amount"), _ZERO))["total"]
    share = ExpressionWrapper(
        F("project__award_amount") * F("share_percent") / 100,
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    legacy = legacy_delegated_milestones(queryset).aggregate(total=Coalesce(Sum(share), _ZERO))["total"]
    totals["delegated"] = by_requests + legacy
    return totals


def facet_counts(queryset: QuerySet[Project], field: str) -> dict:
    """Number of projects per value of `field` (one GROUP BY query)."""
    return dict(queryset.order_by().values_list(field).annotate(n=Count("pk", distinct=True)))


# Agents' desk and delegations

_DESK_RELATED = (
    "milestone__project__establishment",
    "milestone__project__call__programme",
    "milestone__template__schedule",
    "delegation",
)


def tranche_requests_for_desk(statuses) -> QuerySet[TrancheRequest]:
    """Requests in `statuses` with what a queue row needs, in a fixed number of queries.

    `committed_elsewhere` (the project's other committed tranches) lets `rules.within_award`
    decide the « Valider » button without one query per row.
    """
    committed = (
        TrancheRequest.objects.filter(
            milestone__project=OuterRef("milestone__project"), status__in=COMMITTED_STATES
        )
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("milestone__project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        TrancheRequest.objects.filter(status__in=list(statuses))
        .select_related(*_DESK_RELATED)
        .annotate(committed_elsewhere=Coalesce(Subquery(committed), _ZERO))
    )


def late_milestones() -> QuerySet[ProjectMilestone]:
    """Undeclared milestones that `check_milestones` found past their planned date."""
    return ProjectMilestone.objects.filter(
        declared_on__isnull=True, days_late__gt=0, project__status__in=ACTIVE_PROJECT_STATES
    ).select_related("project__establishment", "project__call__programme")


def audit_timeline(tranche_request: TrancheRequest) -> QuerySet[AuditEvent]:
    """Everything that happened to a request and to its milestone, oldest first."""
    return (
        AuditEvent.objects.filter(
            Q(tranche_request=tranche_request)
            | Q(milestone_id=tranche_request.milestone_id, tranche_request__isnull=True)
        )
        .select_related("actor")
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
