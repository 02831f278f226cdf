"""Project lifecycle services: abandon, lapse, complete, resume, and the ledger's own moves.

A project's status is written only here. Each change is dated (`effective_on`, read by the
indicators "as of" a past date), recorded as a `ProjectStatusChange` and as an `AuditEvent`, in
the same transaction as the row lock. Agents decide abandon/lapse/complete/resume (permission
`decide_project_status`); the ledger moves a project to "en cours" when a tranche is delegated
and to "terminé" when its last tranche is (`follow_ledger`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dbtools.bulk import insert_rows
from workflows import money
from workflows.models import (
    AuditEvent,
    Project,
    ProjectMilestone,
    ProjectStatus,
    ProjectStatusChange,
    TrancheRequest,
)

DECIDE_PERM = "workflows.decide_project_status"
ST = ProjectStatus
ACTION = "change_project_status"

#: decision -> (statuses it may start from, target status)
DECISIONS: dict[str, tuple[frozenset, str]] = {
    "abandon": (frozenset({ST.SELECTED, ST.IN_PROGRESS}), ST.ABANDONED),
    "lapse": (frozenset({ST.SELECTED, ST.IN_PROGRESS}), ST.LAPSED),
    "complete": (frozenset({ST.SELECTED, ST.IN_PROGRESS}), ST.COMPLETED),
    "resume": (frozenset({ST.ABANDONED, ST.LAPSED, ST.COMPLETED}), ST.IN_PROGRESS),
}
DECISION_LABELS = {
    "abandon": _lazy("Déclarer abandonné"),
    "lapse": _lazy("Déclarer caduc"),
    "complete": _lazy("Déclarer terminé"),
    "resume": _lazy("Reprendre le projet"),
}


def may_decide(user) -> bool:
    return bool(user and user.is_active and user.has_perm(DECIDE_PERM))


def available_decisions(project: Project) -> list[str]:
    """Decisions possible from the project's current status, in display order."""
    return [name for name, (sources, _target) in DECISIONS.items() if project.status in sources]


def _record(
    *, project: Project, to_status: str, actor, effective_on: datetime.date, comment: str, at
) -> ProjectStatusChange:
    change = ProjectStatusChange.objects.create(
        project=project,
        from_status=project.status,
        to_status=to_status,
        effective_on=effective_on,
        recorded_at=at,
        actor=actor,
        comment=comment,
    )
    AuditEvent.objects.create(
        actor=actor,
        action=ACTION,
        created_at=at,
        from_state=project.status,
        to_state=to_status,
        comment=comment,
        project=project,
    )
    Project.objects.filter(pk=project.pk).update(status=to_status, updated_at=at)
    project.status = to_status
    return change


def decide_project_status(
    *,
    project: Project,
    decision: str,
    actor,
    comment: str,
    effective_on: datetime.date | None = None,
    at: datetime.datetime | None = None,
) -> Project:
    """An agent abandons, lapses, completes or resumes a project (reason and date required)."""
    at = at or timezone.now()
    effective_on = effective_on or timezone.localdate(at)
    if decision not in DECISIONS:
        raise ValidationError(_("Décision inconnue : « %(name)s ».") % {"name": decision})
    if not may_decide(actor):
        raise PermissionDenied(_("Seul un administrateur DGOS peut changer le statut d'un projet."))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Un motif est obligatoire pour changer le statut d'un projet.")})
    if effective_on > timezone.localdate(at):
        raise ValidationError({"effective_on": _("La date d'effet ne peut pas être dans le futur.")})
    sources, target = DECISIONS[decision]
    with transaction.atomic():
        project = Project.objects.select_for_update(of=("self",)).select_related("call").get(pk=project.pk)
        if effective_on < project.planning_start:
            raise ValidationError(
                {"effective_on": _("La date d'effet ne peut pas précéder la sélection du projet.")}
            )
        if project.status not in sources:
            raise ValidationError(
                _("« %(action)s » n'est pas possible pour un projet « %(status)s ».")
                % {"action": DECISION_LABELS[decision], "status": project.get_status_display()}
            )
        if decision == "resume" and not _has_delegated(project.pk):
            target = ST.SELECTED
        _record(
            project=project, to_status=target, actor=actor, effective_on=effective_on, comment=comment, at=at
        )
    return project


def abandon_project(*, project, actor, comment: str, effective_on=None, at=None) -> Project:
    """The project stops for good before its end (no more tranche may be requested)."""
    return decide_project_status(
        project=project, decision="abandon", actor=actor, comment=comment, effective_on=effective_on, at=at
    )


def lapse_project(*, project, actor, comment: str, effective_on=None, at=None) -> Project:
    """DGOS declares the project lapsed (caduc) for lack of progress."""
    return decide_project_status(
        project=project, decision="lapse", actor=actor, comment=comment, effective_on=effective_on, at=at
    )


def complete_project(*, project, actor, comment: str, effective_on=None, at=None) -> Project:
    """DGOS declares the project finished."""
    return decide_project_status(
        project=project, decision="complete", actor=actor, comment=comment, effective_on=effective_on, at=at
    )


def resume_project(*, project, actor, comment: str, effective_on=None, at=None) -> Project:
    """Undo a closing decision: back to "en cours" (or "sélectionné" if nothing was delegated)."""
    return decide_project_status(
        project=project, decision="resume", actor=actor, comment=comment, effective_on=effective_on, at=at
    )


def _has_delegated(project_id: int) -> bool:
    return TrancheRequest.objects.filter(
        milestone__project_id=project_id, status__in=money.DELEGATED_STATES
    ).exists()


def ledger_target(status: str, *, has_delegated: bool, last_delegated: bool) -> str | None:
    """The status the ledger implies for an open project, or None to leave it as it is."""
    if status not in (ST.SELECTED, ST.IN_PROGRESS):
        return None
    if last_delegated:
        return ST.COMPLETED
    if has_delegated and status == ST.SELECTED:
        return ST.IN_PROGRESS
    return None


@dataclass(frozen=True)
class LedgerView:
    """What `follow_ledger` reads of one project: its status, the ranks of its delegated (or
    paid) tranches and the rank of its last milestone (None without schedule)."""

    status: str
    delegated_ranks: frozenset[int]
    last_rank: int | None


def follow_ledger(
    *,
    project_ids: Iterable[int],
    actor,
    comment: str,
    at: datetime.datetime | None = None,
    effective_on: dict[int, datetime.date] | None = None,
    known: dict[int, LedgerView] | None = None,
) -> int:
    """Move open projects to "en cours" once a tranche is delegated, "terminé" once the last is.

    Batched for imports (a handful of queries whatever the number of projects); must run inside
    the caller's transaction. `effective_on` gives per-project dates (default: the day of `at`).
    `known` gives what the caller already holds of projects it created in this transaction (an
    import's new projects): they are not read back. Returns the number of projects whose status
    changed.
    """
    at = at or timezone.now()
    day = timezone.localdate(at)
    known = known or {}
    views = dict(known)
    ids = [pk for pk in set(project_ids) if pk not in known]
    if ids:
        views.update(_read_views(ids))
    if not views:
        return 0
    actor_id = actor.pk if actor is not None else None
    comment = str(comment)
    #: (project id, from, to, effective on): one status change and one audit event each
    steps: list[tuple] = []
    updates: dict[str, list[int]] = {}
    for pk in sorted(views):
        view = views[pk]
        target = ledger_target(
            view.status,
            has_delegated=bool(view.delegated_ranks),
            last_delegated=view.last_rank is not None and view.last_rank in view.delegated_ranks,
        )
        if target is None:
            continue
        when = (effective_on or {}).get(pk, day)
        if view.status == ST.SELECTED and target == ST.COMPLETED:
            # Both steps are recorded: the history says when the project started, then ended.
            steps.append((pk, ST.SELECTED.value, ST.IN_PROGRESS.value, when))
            steps.append((pk, ST.IN_PROGRESS.value, ST.COMPLETED.value, max(when, day)))
        else:
            steps.append((pk, str(view.status), str(target), when))
        updates.setdefault(target, []).append(pk)
    # Plain rows (an import moves tens of thousands of projects at once).
    insert_rows(
        ProjectStatusChange,
        ("project_id", "from_status", "to_status", "effective_on", "recorded_at", "actor_id", "comment"),
        [(pk, old, new, when, at, actor_id, comment) for pk, old, new, when in steps],
        ids=False,
    )
    insert_rows(
        AuditEvent,
        ("actor_id", "action", "created_at", "from_state", "to_state", "comment", "project_id"),
        [(actor_id, ACTION, at, old, new, comment, pk) for pk, old, new, _when in steps],
        ids=False,
    )
    for target, pks in updates.items():
        for start in range(0, len(pks), 1000):
            Project.objects.filter(pk__in=pks[start : start + 1000]).update(status=target, updated_at=at)
    return sum(len(pks) for pks in updates.values())


def _read_views(ids: list[int]) -> dict[int, LedgerView]:
    """The projects' rows locked (`SELECT … FOR UPDATE`) and their ledger read."""
    delegated_ranks: dict[int, set[int]] = {}
    for project_id, rank in TrancheRequest.objects.filter(
        milestone__project__in=ids, status__in=money.DELEGATED_STATES
    ).values_list("milestone__project_id", "milestone__rank"):
        delegated_ranks.setdefault(project_id, set()).add(rank)
    last_ranks = dict(
        ProjectMilestone.objects.filter(project__in=ids, is_last=True).values_list("project_id", "rank")
    )
    projects = Project.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    return {
        pk: LedgerView(status, frozenset(delegated_ranks.get(pk, ())), last_ranks.get(pk))
        for pk, status in projects.values_list("pk", "status")
    }


def status_on(project: Project, day: datetime.date) -> str:
    """The project's status at the end of `day`, from its dated history."""
    changes = list(project.status_changes.order_by("effective_on", "recorded_at", "pk"))
    if not changes:
        return project.status
    status = changes[0].from_status
    for change in changes:
        if change.effective_on <= day:
            status = change.to_status
    return status
