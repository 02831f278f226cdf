"""Reads shared by views, API, admin and exports; each keeps query counts flat."""

from __future__ import annotations

from django.db.models import Count, DecimalField, F, Max, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from workflows.models import (
    Establishment,
    Project,
    ProjectMilestone,
    TrancheRequest,
    TrancheStatus,
    TrialRegistration,
)

DELEGATED_STATES = (TrancheStatus.DELEGATED, TrancheStatus.PAID)
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
