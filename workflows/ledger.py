"""The historical stock as ledger entries: tranches delegated before SIRANo.

The ministry's file says, per project, the number of the last tranche delegated before the
platform existed (`numero_tranche = k`). Tranches 1..k are money already spent: they become
real `TrancheRequest` records (`is_historical=True`, state "déléguée", provenance of the file
and row, amount = milestone share × award, flagged as derived), so every total, every rule
("a milestone already covered cannot be requested again") and every file reads one ledger.

`record_historical_tranches` is, with the state machines' transitions, the only code that
sets a tranche's state: these tranches never went through instruction, so no transition can
describe them; the service is batched (imports bring tens of thousands) and audited.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dbtools.bulk import insert_rows
from workflows import money, project_status
from workflows.models import (
    AuditEvent,
    Project,
    ProjectMilestone,
    TrancheRequest,
    TrancheStatus,
)

ACTION = "record_historical_tranche"
S = TrancheStatus
#: ids in one `UPDATE … WHERE id IN`: an import's batch of 500 projects (≤ 2,500 milestones) in
#: one statement, well under the parameter limits of SQLite (32,766) and PostgreSQL (65,535)
IDS_PER_UPDATE = 10_000
MILESTONE_FIELDS = (
    "pk",
    "project_id",
    "rank",
    "share_percent",
    "declared_on",
    "reached_before_sirano",
    "is_last",
)
TRANCHE_COLUMNS = (
    "milestone_id",
    "amount",
    "status",
    "is_historical",
    "amount_is_derived",
    "import_run_id",
    "source_file",
    "source_row",
    "created_by_id",
    "created_at",
    "status_changed_at",
)
AUDIT_COLUMNS = (
    "actor_id",
    "action",
    "to_state",
    "comment",
    "created_at",
    "project_id",
    "milestone_id",
    "tranche_request_id",
)


@dataclass(frozen=True)
class HistoricalStock:
    """What a source row says of one project's stock: tranches 1..`last_rank` were delegated."""

    project_id: int
    last_rank: int
    source_file: str = ""
    source_row: int | None = None
    import_run_id: int | None = None
    #: rank -> amount, when the source gives the amount of a tranche (else it is derived)
    amounts: dict[int, Decimal] = field(default_factory=dict)


@dataclass
class LedgerState:
    """What the ledger reads of projects before recording their stock: the projects (pk,
    public_id, award_amount, planning_start, status), their milestones by rank (pk, project_id,
    rank, share_percent, declared_on, reached_before_sirano, is_last), the milestones taken by a
    request (milestone -> status) and the highest historical rank per project."""

    projects: dict[int, dict] = field(default_factory=dict)
    milestones: dict[int, list[dict]] = field(default_factory=dict)
    taken: dict[int, str] = field(default_factory=dict)
    held: dict[int, int] = field(default_factory=dict)

    @classmethod
    def read(cls, ids: list[int]) -> LedgerState:
        state = cls()
        if not ids:
            return state
        state.projects = {
            p["pk"]: {
                "pk": p["pk"],
                "public_id": p["public_id"],
                "award_amount": p["award_amount"],
                # the selection date, else its year's start (`Project.planning_start`)
                "planning_start": p["selected_on"] or datetime.date(p["call__year"], 1, 1),
                "status": p["status"],
            }
            for p in Project.objects.filter(pk__in=ids).values(
                "pk", "public_id", "award_amount", "selected_on", "call__year", "status"
            )
        }
        for m in (
            ProjectMilestone.objects.filter(project__in=ids)
            .order_by("project", "rank")
            .values(*MILESTONE_FIELDS)
        ):
            state.milestones.setdefault(m["project_id"], []).append(m)
        state.taken = dict(
            TrancheRequest.objects.filter(
                milestone__project__in=ids, status__in=money.TAKEN_STATES
            ).values_list("milestone_id", "status")
        )
        state.held = historical_rank(ids)
        return state

    def update(self, other: LedgerState) -> None:
        self.projects.update(other.projects)
        self.milestones.update(other.milestones)
        self.taken.update(other.taken)
        self.held.update(other.held)


@dataclass
class LedgerOutcome:
    created: int = 0
    #: project id -> ranks of the historical tranches created
    added: dict[int, list[int]] = field(default_factory=dict)
    #: one dict per refusal: project, rank in the file, what the ledger holds, French message
    conflicts: list[dict] = field(default_factory=list)
    status_changes: int = 0


def reached_before_sirano(rank: int, last_rank: int) -> bool:
    """A milestone the stock covers (tranches 1..k delegated before SIRANo) was reached before."""
    return rank <= last_rank


def historical_rank(project_ids) -> dict[int, int]:
    """Highest rank covered by a historical tranche, per project (absent = none)."""
    ranks: dict[int, int] = {}
    for project_id, rank in TrancheRequest.objects.filter(
        milestone__project__in=project_ids, is_historical=True
    ).values_list("milestone__project_id", "milestone__rank"):
        ranks[project_id] = max(ranks.get(project_id, 0), rank)
    return ranks


def record_historical_tranches(
    *,
    entries: list[HistoricalStock],
    actor=None,
    at: datetime.datetime | None = None,
    known: LedgerState | None = None,
) -> LedgerOutcome:
    """Create the missing historical tranches 1..k of each entry; never remove or lower money.

    Idempotent: tranches already recorded are left as they are. A lower k than the ledger holds,
    or a milestone taken by a SIRANo request still in instruction, is reported as a conflict.
    Milestones covered are closed as reached before SIRANo; projects follow their ledger
    (`project_status.follow_ledger`, dated on the selection day). Runs in the caller's
    transaction when there is one (an import rolls everything back together). `known` is what
    the caller already holds of projects it created in this transaction (an import's new
    projects and milestones, with no request yet): they are not read back.
    """
    at = at or timezone.now()
    outcome = LedgerOutcome()
    wanted = {entry.project_id: entry for entry in entries}
    if not wanted:
        return outcome
    with transaction.atomic():
        ids = list(wanted)
        known = known or LedgerState()
        state = LedgerState.read([pk for pk in ids if pk not in known.projects])
        state.update(known)
        plan = _Plan()
        for project_id, entry in wanted.items():
            _plan_entry(state, project_id, entry, plan, outcome)
        for start in range(0, len(plan.closed), IDS_PER_UPDATE):
            ProjectMilestone.objects.filter(pk__in=plan.closed[start : start + IDS_PER_UPDATE]).update(
                reached_before_sirano=True, days_late=0
            )
        outcome.created = _write_tranches(
            plan.new_tranches, actor_id=actor.pk if actor is not None else None, at=at
        )
        outcome.status_changes = project_status.follow_ledger(
            project_ids=ids,
            actor=actor,
            at=at,
            comment=_("Reprise du stock : tranches déléguées avant SIRANo"),
            effective_on={pk: p["planning_start"] for pk, p in state.projects.items()},
            known={
                pk: project_status.LedgerView(
                    status=state.projects[pk]["status"],
                    delegated_ranks=frozenset(outcome.added.get(pk, ())),
                    last_rank=next((m["rank"] for m in state.milestones.get(pk, ()) if m["is_last"]), None),
                )
                for pk in known.projects
                if pk in wanted
            },
        )
    return outcome


@dataclass
class _Plan:
    """What the service writes: the tranches to create, as (milestone id, amount, amount derived?,
    import run, source file, source row, project id), and the milestones to close."""

    new_tranches: list[tuple] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)


def _plan_entry(
    state: LedgerState, project_id: int, entry: HistoricalStock, plan: _Plan, outcome: LedgerOutcome
) -> None:
    """Plan one project's stock 1..k: the tranches missing, the milestones to close, the conflicts."""
    project = state.projects[project_id]
    k = entry.last_rank or 0
    held = state.held.get(project_id, 0)
    if k < held:
        message = _(
            "Le fichier indique la tranche %(k)s mais %(held)s tranches historiques sont "
            "déjà enregistrées : rien n'est retiré ; vérifiez la source."
        ) % {"k": k, "held": held}
        outcome.conflicts.append(_conflict(project, entry, message))
        return
    if not k:
        return
    rows = state.milestones.get(project_id, [])
    if k > len(rows):
        message = _(
            "Le fichier indique la tranche %(k)s mais l'échéancier du projet ne compte que "
            "%(n)s jalons : seules les tranches 1 à %(n)s sont enregistrées."
        ) % {"k": k, "n": len(rows)}
        outcome.conflicts.append(_conflict(project, entry, message))
    for milestone in rows:
        if not reached_before_sirano(milestone["rank"], k):
            break
        status = state.taken.get(milestone["pk"], "")
        if status and status not in money.COMMITTED_STATES:
            message = _(
                "La tranche %(rank)s fait l'objet d'une demande SIRANo « %(state)s » : "
                "la tranche historique n'est pas créée ; un agent doit trancher."
            ) % {"rank": milestone["rank"], "state": S(status).label}
            outcome.conflicts.append(_conflict(project, entry, message))
            continue
        if milestone["declared_on"] is None and not milestone["reached_before_sirano"]:
            plan.closed.append(milestone["pk"])
        if status:
            continue  # already in the ledger (historical, or a SIRANo tranche committed)
        given = entry.amounts.get(milestone["rank"])
        amount = (
            Decimal(given).quantize(money.CENT)
            if given is not None
            else money.tranche_amount(project["award_amount"], milestone["share_percent"])
        )
        plan.new_tranches.append(
            (
                milestone["pk"],
                amount,
                given is None,
                entry.import_run_id,
                entry.source_file[:255],
                entry.source_row,
                project_id,
            )
        )
        outcome.added.setdefault(project_id, []).append(milestone["rank"])


def _write_tranches(new_tranches: list[tuple], *, actor_id: int | None, at: datetime.datetime) -> int:
    """Insert the planned tranches as delegated and one audit record each; returns how many.

    Plain rows, no model instance: an import of 40,000 projects records ~100,000 tranches.
    """
    tranche_ids = insert_rows(
        TrancheRequest,
        TRANCHE_COLUMNS,
        [
            (milestone_id, amount, S.DELEGATED.value, True, derived, run, source, row, actor_id, at, at)
            for milestone_id, amount, derived, run, source, row, _project in new_tranches
        ],
    )
    provenance = _Provenance()
    insert_rows(
        AuditEvent,
        AUDIT_COLUMNS,
        [
            (actor_id, ACTION, S.DELEGATED.value, provenance(source, row), at, project_id, milestone_id, pk)
            for pk, (milestone_id, _amount, _derived, _run, source, row, project_id) in zip(
                tranche_ids, new_tranches, strict=True
            )
        ],
        ids=False,
    )
    return len(tranche_ids)


class _Provenance:
    """The audit comment of a historical tranche; its French texts are translated once per call
    of the service, not once per tranche (an import records ~100,000)."""

    def __init__(self) -> None:
        self.unknown = _("source inconnue")
        self.file_row = _("%(file)s, ligne %(row)s")
        self.comment = _("Tranche déléguée avant SIRANo (%(where)s)")

    def __call__(self, source_file: str, source_row: int | None) -> str:
        where = source_file or self.unknown
        if source_row:
            where = self.file_row % {"file": where, "row": source_row}
        return self.comment % {"where": where}


def _conflict(project: dict, entry: HistoricalStock, message: str) -> dict:
    return {
        "row": entry.source_row,
        "public_id": project["public_id"],
        "file_rank": entry.last_rank,
        "message": message,
    }
