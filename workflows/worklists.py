"""What is waiting for DGOS agents: one count and the oldest items of each work list.

Read by the agents' home; the same querysets as the desk queues, so a count on the home page
is the number of rows the queue shows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from workflows import selectors
from workflows.models import (
    Delegation,
    DelegationStatus,
    ImportRun,
    LegacyDocument,
    TrancheRequest,
    TrancheStatus,
)

REVIEW_STATES = (TrancheStatus.SUBMITTED, TrancheStatus.UNDER_REVIEW)
OLDEST = 5


@dataclass(frozen=True)
class WorkItem:
    """One waiting object: what it is, and since when it waits."""

    label: str
    pk: int
    since: datetime.datetime | datetime.date | None
    detail: str = ""
    ref: str = ""  # the public identifier, for objects addressed by it (projects)


@dataclass
class WorkList:
    key: str
    count: int
    oldest: list[WorkItem] = field(default_factory=list)


def _requests(statuses, **filters) -> QuerySet[TrancheRequest]:
    return (
        TrancheRequest.objects.filter(status__in=statuses, **filters)
        .select_related("milestone__project__establishment")
        .order_by("status_changed_at", "pk")
    )


def _request_list(key: str, queryset: QuerySet[TrancheRequest]) -> WorkList:
    oldest = [
        WorkItem(
            label=f"{r.milestone.project.public_id} {r.milestone.project.acronym} — jalon {r.milestone.rank}",
            pk=r.pk,
            since=r.status_changed_at,
            detail=r.milestone.project.establishment.name,
        )
        for r in queryset[:OLDEST]
    ]
    return WorkList(key=key, count=queryset.count(), oldest=oldest)


def to_review() -> WorkList:
    return _request_list("to_review", _requests(REVIEW_STATES))


def awaiting_changes() -> WorkList:
    return _request_list("awaiting_changes", _requests((TrancheStatus.CHANGES_REQUESTED,)))


def to_delegate() -> WorkList:
    return _request_list("to_delegate", _requests((TrancheStatus.VALIDATED,), delegation__isnull=True))


def late_milestones() -> WorkList:
    queryset = selectors.late_milestones().order_by("-days_late", "pk")
    oldest = [
        WorkItem(
            label=f"{m.project.public_id} {m.project.acronym} — jalon {m.rank}",
            pk=m.pk,
            since=m.planned_date,
            detail=m.project.establishment.name,
        )
        for m in queryset[:OLDEST]
    ]
    return WorkList(key="late_milestones", count=queryset.count(), oldest=oldest)


def dormant_projects() -> WorkList:
    """Open projects untouched for a year past a milestone: to declare lapsed, longest first."""
    queryset = selectors.dormant_projects()
    oldest = [
        WorkItem(
            label=f"{p.public_id} {p.acronym}",
            pk=p.pk,
            since=p.oldest_late,
            detail=p.establishment.name,
            ref=p.public_id,
        )
        for p in queryset[:OLDEST]
    ]
    return WorkList(key="dormant_projects", count=queryset.count(), oldest=oldest)


def _delegations(key: str, status: str, since: str) -> WorkList:
    queryset = Delegation.objects.filter(status=status).order_by(since, "pk")
    oldest = [WorkItem(label=d.reference, pk=d.pk, since=getattr(d, since)) for d in queryset[:OLDEST]]
    return WorkList(key=key, count=queryset.count(), oldest=oldest)


def delegations_in_preparation() -> WorkList:
    return _delegations("delegations_draft", DelegationStatus.DRAFT, "created_at")


def delegations_to_pay() -> WorkList:
    return _delegations("delegations_to_pay", DelegationStatus.ISSUED, "issued_at")


def imports_to_confirm(*, max_age: datetime.timedelta | None = None) -> WorkList:
    """Dry runs nobody confirmed yet (and, with `max_age`, not expired)."""
    confirmed = ImportRun.objects.filter(report__has_key="confirmed_from").values_list(
        "report__confirmed_from", flat=True
    )
    queryset = ImportRun.objects.filter(status=ImportRun.Status.DRY_RUN).exclude(pk__in=list(confirmed))
    if max_age is not None:
        queryset = queryset.filter(created_at__gte=timezone.now() - max_age)
    queryset = queryset.order_by("created_at", "pk")
    oldest = [WorkItem(label=run.file_name, pk=run.pk, since=run.created_at) for run in queryset[:OLDEST]]
    return WorkList(key="imports_to_confirm", count=queryset.count(), oldest=oldest)


def legacy_documents_to_check() -> WorkList:
    queryset = LegacyDocument.objects.filter(status=LegacyDocument.Status.TO_REVIEW).order_by("pk")
    return WorkList(key="legacy_documents", count=queryset.count())
