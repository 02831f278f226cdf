"""Portal reads, always through a `PortalScope`: members see their establishments, agents see all.

Lists keep a flat query count (subqueries and prefetches, never per-row queries).
"""

from __future__ import annotations

import datetime

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from search.query import RELEVANCE, search_projects
from workflows import selectors
from workflows.models import (
    AuditEvent,
    EvidenceDocument,
    Project,
    ProjectMilestone,
    TrancheRequest,
)
from workflows.models.tranches import ESTABLISHMENT_ACTION_STATES
from workflows.roles import DGOS_ROLES


def visible_projects(scope) -> QuerySet[Project]:
    """Every project the scope may read: all for agents, its establishments' for members."""
    if scope.is_agent:
        return Project.objects.all()
    return selectors.projects_for_user(scope.user)


def visible_tranche_requests(scope) -> QuerySet[TrancheRequest]:
    if scope.is_agent:
        return TrancheRequest.objects.all()
    return selectors.tranche_requests_for_user(scope.user)


def visible_documents(scope) -> QuerySet[EvidenceDocument]:
    return EvidenceDocument.objects.filter(tranche_request__in=visible_tranche_requests(scope))


def dashboard_projects(
    scope,
    *,
    programme=None,
    year: int | None = None,
    status: str = "",
    search: str = "",
    today: datetime.date | None = None,
) -> QuerySet[Project]:
    """The current establishment's projects (agents: all), requests awaiting its action first.

    Each row carries award, amount delegated, next undeclared milestone and its due date, whether it
    is late, and the open request awaiting the establishment (draft or changes requested), if any.
    """
    today = today or timezone.localdate()
    projects = visible_projects(scope)
    if not scope.is_agent:
        projects = projects.filter(establishment=scope.current)
    if programme:
        projects = projects.filter(call__programme=programme)
    if year:
        projects = projects.filter(call__year=year)
    if status:
        projects = projects.filter(status=status)
    # Open projects first: a closed one (abandoned, lapsed, completed) has nothing due and is never late.
    ordering = ["-awaiting_action", "-is_open", "-has_late_milestone", "next_due", "public_id"]
    if search:
        # The same search as the directory and the API; a searched list is ordered by relevance.
        projects = search_projects(projects, search)
        ordering.insert(0, f"-{RELEVANCE}")
    next_milestone = ProjectMilestone.objects.filter(
        project=OuterRef("pk"),
        project__status__in=selectors.ACTIVE_PROJECT_STATES,
        declared_on__isnull=True,
        reached_before_sirano=False,
    ).order_by("rank")
    awaiting = TrancheRequest.objects.filter(
        milestone__project=OuterRef("pk"), status__in=ESTABLISHMENT_ACTION_STATES
    ).order_by("milestone__rank")
    late = ProjectMilestone.objects.filter(
        project=OuterRef("pk"),
        project__status__in=selectors.ACTIVE_PROJECT_STATES,
        declared_on__isnull=True,
        reached_before_sirano=False,
        planned_date__lt=today,
    )
    return (
        selectors.with_funding_figures(projects)
        .annotate(
            is_open=ExpressionWrapper(
                Q(status__in=selectors.ACTIVE_PROJECT_STATES), output_field=BooleanField()
            ),
            next_milestone_rank=Subquery(next_milestone.values("rank")[:1]),
            next_milestone_label=Subquery(next_milestone.values("label")[:1]),
            next_due=Subquery(next_milestone.values("planned_date")[:1]),
            has_late_milestone=Exists(late),
            awaiting_action=Exists(awaiting),
            awaiting_request_id=Subquery(awaiting.values("pk")[:1]),
            awaiting_request_status=Subquery(awaiting.values("status")[:1]),
        )
        .select_related("call__programme", "establishment")
        .order_by(*ordering)
    )


def dashboard_years(scope) -> list[int]:
    projects = visible_projects(scope)
    if not scope.is_agent:
        projects = projects.filter(establishment=scope.current)
    return list(projects.order_by("-call__year").values_list("call__year", flat=True).distinct())


def get_project(scope, public_id: str) -> Project:
    """A readable project or 404 (another establishment's project does not exist for you)."""
    return get_object_or_404(
        visible_projects(scope).select_related("call__programme", "establishment", "investigator"),
        public_id=public_id,
    )


def project_timeline(project: Project) -> list[ProjectMilestone]:
    """Milestones in order with their requests (newest first) and each request's documents."""
    requests = TrancheRequest.objects.select_related("delegation").prefetch_related(
        Prefetch("documents", queryset=EvidenceDocument.objects.select_related("evidence_type"))
    )
    return list(
        project.milestones.order_by("rank").prefetch_related(
            "evidence_types",
            Prefetch("tranche_requests", queryset=requests.order_by("-created_at", "-pk")),
        )
    )


def project_history(project: Project) -> list[AuditEvent]:
    """Every audit event about the project or one of its requests, oldest first."""
    return list(
        AuditEvent.objects.filter(Q(project=project) | Q(tranche_request__milestone__project=project))
        .select_related("actor", "milestone", "tranche_request__milestone", "delegation")
        .prefetch_related("actor__groups")
        .order_by("created_at", "pk")
    )


def request_history(tranche_request: TrancheRequest) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(tranche_request=tranche_request)
        .select_related("actor", "milestone", "tranche_request__milestone", "delegation")
        .prefetch_related("actor__groups")
        .order_by("created_at", "pk")
    )


def get_tranche_request(scope, pk: int) -> TrancheRequest:
    """The request with its documents prefetched, so the checklist and `rules` read no more rows."""
    return get_object_or_404(
        visible_tranche_requests(scope)
        .select_related(
            "milestone__project__establishment",
            "milestone__project__call",
            "milestone__template__schedule",
            "delegation",
        )
        .prefetch_related(
            Prefetch("documents", queryset=EvidenceDocument.objects.select_related("evidence_type")),
            "milestone__evidence_types",
        ),
        pk=pk,
    )


def get_milestone(scope, public_id: str, rank: int) -> ProjectMilestone:
    project = get_project(scope, public_id)
    milestone = get_object_or_404(
        ProjectMilestone.objects.select_related("project__establishment").prefetch_related("evidence_types"),
        project=project,
        rank=rank,
    )
    return milestone


def open_request(milestone: ProjectMilestone) -> TrancheRequest | None:
    """The request of the milestone that is neither rejected nor withdrawn (at most one exists)."""
    return milestone.tranche_requests.exclude(status__in=["rejected", "withdrawn"]).order_by("-pk").first()


def get_document(scope, pk: int) -> EvidenceDocument:
    return get_object_or_404(visible_documents(scope), pk=pk)


def is_agent_actor(user) -> bool:
    """Read from the prefetched groups: no query per event."""
    if user is None:
        return False
    names = {group.name for group in user.groups.all()}
    return user.is_superuser or any(role.value in names for role in DGOS_ROLES)
