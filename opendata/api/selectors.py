"""Reads behind the API, built on `workflows.selectors`; each keeps a constant query count."""

from __future__ import annotations

import datetime
import functools

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from workflows import money, selectors
from workflows.models import Call, Establishment, Project, ProjectMilestone, TrancheRequest
from workflows.registration_column import with_registrations
from workflows.visibility import EXPERT_TRANCHE_STATES, PUBLIC_TRANCHE_STATES, Tier


def api_projects(tier: Tier) -> QuerySet[Project]:
    """Public projects with funding figures (each its own annotation, and packed in one for list
    rows: `selectors.with_packed_funding_figures`), milestones and, for experts, progress
    figures: a copy of the tier's queryset, built once per process and day (building the money
    selector's annotations took a third of a cold 50-row page)."""
    return _api_projects(tier, timezone.localdate()).all()


@functools.lru_cache(maxsize=16)
def _api_projects(tier: Tier, today: datetime.date) -> QuerySet[Project]:
    delegated = TrancheRequest.objects.filter(status__in=money.DELEGATED_STATES)
    milestones = ProjectMilestone.objects.order_by("rank").prefetch_related(
        Prefetch("tranche_requests", queryset=delegated, to_attr="delegated_requests")
    )
    related = ["call__programme", "establishment", "investigator", "discipline"]
    if tier >= Tier.INTERNAL:
        milestones = milestones.select_related("declared_by", "verified_by")
    queryset = with_registrations(
        selectors.with_packed_funding_figures(selectors.public_projects(), selectors.PACKABLE_FIGURES)
        .select_related(*related)
        .prefetch_related(Prefetch("milestones", queryset=milestones))
    )
    if tier >= Tier.EXPERT:
        # amount_validated comes with the money selector (`with_funding_figures`).
        late = (
            ProjectMilestone.objects.filter(
                project=OuterRef("pk"),
                project__status__in=selectors.ACTIVE_PROJECT_STATES,  # a closed project is never late
                declared_on__isnull=True,
                reached_before_sirano=False,
                planned_date__lt=today,
            )
            .order_by()
            .values("project")
            .annotate(n=Count("pk"))
            .values("n")
        )
        queryset = queryset.annotate(
            late_milestones=Coalesce(Subquery(late, output_field=IntegerField()), Value(0)),
        )
    return queryset


def api_tranches(tier: Tier) -> QuerySet[TrancheRequest]:
    """Tranches of public projects in the states the tier may see."""
    states = PUBLIC_TRANCHE_STATES if tier == Tier.PUBLIC else EXPERT_TRANCHE_STATES
    queryset = TrancheRequest.objects.filter(
        status__in=states, milestone__project__in=Project.objects.public()
    ).select_related("milestone__project")
    if tier >= Tier.INTERNAL:
        queryset = queryset.select_related("created_by")
    return queryset


def api_establishments() -> QuerySet[Establishment]:
    return Establishment.objects.all()


def api_calls() -> QuerySet[Call]:
    return Call.objects.select_related("programme")
