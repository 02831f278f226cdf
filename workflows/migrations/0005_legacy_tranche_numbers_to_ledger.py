"""Data migration: `Project.legacy_tranche_number = k` becomes tranches 1..k as ledger entries.

Each milestone ranked up to k that has no open or committed request gets a historical tranche
(delegated, amount = milestone share × award, flagged as derived, provenance of the project);
its milestone is closed as reached before SIRANo; a project still "sélectionné" follows its
ledger (en cours, or terminé when the last milestone is covered). Every record written gets its
audit event. A milestone that already carries a SIRANo request keeps it: its money is already
counted there (the request is the double payment issue 11 describes; agents resolve it).
"""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone

CENT = Decimal("0.01")
OPEN_OR_COMMITTED = ["draft", "submitted", "under_review", "changes_requested", "validated", "delegated", "paid"]


def forwards(apps, schema_editor):
    Project = apps.get_model("workflows", "Project")
    ProjectMilestone = apps.get_model("workflows", "ProjectMilestone")
    TrancheRequest = apps.get_model("workflows", "TrancheRequest")
    AuditEvent = apps.get_model("workflows", "AuditEvent")
    ProjectStatusChange = apps.get_model("workflows", "ProjectStatusChange")
    now = timezone.now()
    projects = {
        p.pk: p
        for p in Project.objects.filter(legacy_tranche_number__gt=0).only(
            "pk", "award_amount", "legacy_tranche_number", "status", "selected_on",
            "source_file", "source_row", "import_run_id",
        )
    }
    if not projects:
        return
    busy = set(
        TrancheRequest.objects.filter(
            milestone__project__in=list(projects), status__in=OPEN_OR_COMMITTED
        ).values_list("milestone_id", flat=True)
    )
    milestones = ProjectMilestone.objects.filter(project__in=list(projects)).order_by("project", "rank")
    last_rank: dict[int, int] = {}
    closed, tranches = [], []
    for milestone in milestones.iterator(chunk_size=2000):
        project = projects[milestone.project_id]
        last_rank[project.pk] = max(last_rank.get(project.pk, 0), milestone.rank)
        if milestone.rank > project.legacy_tranche_number:
            continue
        closed.append(milestone.pk)
        if milestone.pk in busy:
            continue
        tranches.append(
            TrancheRequest(
                milestone_id=milestone.pk,
                amount=(project.award_amount * milestone.share_percent / 100).quantize(CENT),
                status="delegated",
                is_historical=True,
                amount_is_derived=True,
                import_run_id=project.import_run_id,
                source_file=project.source_file,
                source_row=project.source_row,
                comment="",
                created_at=now,
                status_changed_at=now,
            )
        )
    ProjectMilestone.objects.filter(pk__in=closed, declared_on__isnull=True).update(
        reached_before_sirano=True, days_late=0
    )
    created = TrancheRequest.objects.bulk_create(tranches, batch_size=1000)
    milestone_projects = dict(
        ProjectMilestone.objects.filter(pk__in=[t.milestone_id for t in created]).values_list("pk", "project_id")
    )
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                action="record_historical_tranche",
                to_state="delegated",
                comment="Reprise du stock (migration du numéro de tranche)",
                created_at=now,
                project_id=milestone_projects[t.milestone_id],
                milestone_id=t.milestone_id,
                tranche_request_id=t.pk,
            )
            for t in created
        ],
        batch_size=1000,
    )
    changes = []
    for project in projects.values():
        if project.status != "selected":
            continue
        target = "completed" if project.legacy_tranche_number >= last_rank.get(project.pk, 99) else "in_progress"
        effective = project.selected_on if target == "in_progress" else timezone.localdate(now)
        changes.append(
            ProjectStatusChange(
                project_id=project.pk,
                from_status="selected",
                to_status=target,
                effective_on=effective,
                recorded_at=now,
                comment="Reprise du stock : tranches déléguées avant SIRANo",
            )
        )
        project.status = target
    ProjectStatusChange.objects.bulk_create(changes, batch_size=1000)
    Project.objects.bulk_update(
        [p for p in projects.values() if p.status != "selected"], ["status"], batch_size=1000
    )
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                action="change_project_status",
                from_state=c.from_status,
                to_state=c.to_status,
                comment=c.comment,
                created_at=now,
                project_id=c.project_id,
            )
            for c in changes
        ],
        batch_size=1000,
    )


def backwards(apps, schema_editor):
    Project = apps.get_model("workflows", "Project")
    TrancheRequest = apps.get_model("workflows", "TrancheRequest")
    ranks: dict[int, int] = {}
    for project_id, rank in TrancheRequest.objects.filter(is_historical=True).values_list(
        "milestone__project_id", "milestone__rank"
    ):
        ranks[project_id] = max(ranks.get(project_id, 0), rank)
    for project_id, rank in ranks.items():
        Project.objects.filter(pk=project_id).update(legacy_tranche_number=rank)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0004_ledger_historical_tranches")]

    operations = [migrations.RunPython(forwards, backwards)]
