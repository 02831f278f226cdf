"""The ingestion service: every write of an import, in one transaction per run.

`import_projects_file` reads, plans and writes; a failure anywhere rolls the whole run back
(the database stays as it was; a `failed` ImportRun records what happened). A dry run performs
the very same writes and rolls them back, so what it shows is exactly what a real run will do.
Writes are batched (bulk inserts, `COPY` on PostgreSQL): the statements of a batch do not depend on
its rows, and the planner statistics of the tables filled follow the load (docs/performance.md).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import F, Max
from django.db.models.fields.tuple_lookups import Tuple, TupleIn
from django.utils import timezone
from django.utils.translation import gettext as _

from dbtools.bulk import insert_many, insert_rows
from dbtools.planner_statistics import GrowthAnalyzer, analyze_portfolio_tables
from fileformats.storage import delete_quietly
from formatting import format_date, format_number
from search import index as search_index
from workflows.data_version import bump_on_commit
from workflows.ledger import (
    HistoricalStock,
    LedgerState,
    historical_rank,
    reached_before_sirano,
    record_historical_tranches,
)
from workflows.models import (
    AuditEvent,
    Call,
    Discipline,
    Establishment,
    FundingSchedule,
    ImportRun,
    Investigator,
    MilestoneTemplate,
    Project,
    ProjectMilestone,
    ProjectSearchDocument,
    ProjectStatusChange,
    SearchTerm,
    TrancheRequest,
    TrialRegistration,
)
from workflows.reference import ensure_reference_data, get_or_create_calls
from workflows.text import normalise_name

from .headers import MappingError, load_override
from .normalise import EstablishmentIndex, NewEstablishment
from .pipeline import PlannedRow, RowParser, detect_format, open_plans, where
from .readers import UnreadableFile, open_source

BATCH_SIZE = 500

#: the tables a run fills: their planner statistics follow the load (`GrowthAnalyzer`)
LOADED_MODELS = (
    Establishment,
    Investigator,
    Project,
    Project.registrations.through,
    TrialRegistration,
    ProjectMilestone,
    ProjectMilestone.evidence_types.through,
    TrancheRequest,
    AuditEvent,
    ProjectStatusChange,
    ProjectSearchDocument,
    SearchTerm,
)

#: field compared on re-import → label shown in the dry run and the report
DIFF_LABELS = {
    "title": "titre",
    "discipline_raw": "discipline",
    "award_amount": "financement total",
    "tranche": "numéro de tranche",
    "selected_on": "date de sélection",
    "registrations": "registres d'essais",
    "published_pi_last_name": "nom du porteur",
    "published_pi_first_name": "prénom du porteur",
}


#: Created rows listed in the report (the preview shows them row by row; the counts stay exact).
CREATIONS_KEPT = 500
#: what the import writes of a new project's milestone (the other columns take their defaults)
MILESTONE_COLUMNS = (
    "project_id",
    "template_id",
    "rank",
    "label",
    "share_percent",
    "is_results_milestone",
    "is_last",
    "planned_date",
    "reached_before_sirano",
)
LINK_COLUMNS = ("projectmilestone_id", "evidencetype_id")


@dataclass
class Outcome:
    """Counts and report of one run, as stored on ImportRun.report and written by `--report`."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    #: the first CREATIONS_KEPT projects created (row, identifier, acronym, establishment, amount)
    creations: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new_establishments: list[dict] = field(default_factory=list)
    #: historical tranches the file asked for that the ledger refused (lower k, request pending…)
    conflicts: list[dict] = field(default_factory=list)
    historical_tranches: int = 0
    processed: int = 0
    total: int | None = None
    mapping: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    format: str = ""
    source: dict = field(default_factory=dict)
    error: str = ""
    context: dict = field(default_factory=dict)  # e.g. the stored upload the admin confirms later

    def summary(self) -> str:
        return (
            f"created={self.created} updated={self.updated} "
            f"unchanged={self.unchanged} rejected={len(self.rejected)}"
        )

    def as_report(self, run: ImportRun | None) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "run_id": run.pk if run else None,
            "dry_run": bool(run and run.dry_run),
            "file": run.file_name if run else "",
            "format": self.format,
            "source": self.source,
            "mapping": self.mapping,
            "updates": self.updates,
            "creations": self.creations,
            "new_establishments": self.new_establishments,
            "historical_tranches": self.historical_tranches,
            "conflicts": self.conflicts,
            "warnings": self.warnings,
            "notes": self.notes,
            **({"error": self.error} if self.error else {}),
            **self.context,
        }


class _DryRunDone(Exception):
    """Raised at the end of a dry run to roll every write back."""


#: Folder of the "private" storage where uploads wait until confirmed or expired.
UPLOADS = "imports"

#: who may import projects: the agents allowed to add an import run
IMPORT_PERMISSION = "workflows.add_importrun"


def can_import_projects(user) -> bool:
    return bool(user and user.is_active and user.has_perm(IMPORT_PERMISSION))


def upload_storage() -> Storage:
    """Uploads wait in the private storage (never web-served), where a worker on any host reads them."""
    return storages["private"]


def upload_name(token: str) -> str:
    return f"{UPLOADS}/{Path(token).name}"


def store_upload(upload: File) -> str:
    """Keep an uploaded file for its background run; returns its token (random name)."""
    token = f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    upload_storage().save(upload_name(token), upload)
    return token


def upload_exists(token: str) -> bool:
    return bool(token) and upload_storage().exists(upload_name(token))


def delete_upload(token: str) -> None:
    if token:
        delete_quietly(upload_storage(), upload_name(token))


def upload_sha256(token: str) -> str:
    digest = hashlib.sha256()
    with upload_storage().open(upload_name(token), "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def expire_dry_runs(*, now=None) -> int:
    """Dry runs nobody confirmed within `IMPORT_DRY_RUN_TTL_HOURS`: their stored upload is erased
    and the run leaves the history (it wrote nothing). Returns how many were removed.

    Called before each new upload and by `manage.py expire_import_dry_runs` (cron).
    """
    now = now or timezone.now()
    limit = now - datetime.timedelta(hours=settings.IMPORT_DRY_RUN_TTL_HOURS)
    confirmed = set(
        ImportRun.objects.filter(report__has_key="confirmed_from").values_list(
            "report__confirmed_from", flat=True
        )
    )
    expired = (
        ImportRun.objects.filter(status=ImportRun.Status.DRY_RUN, created_at__lt=limit)
        .exclude(pk__in=[pk for pk in confirmed if isinstance(pk, int)])
        .exclude(confirmed_at__isnull=False)
    )
    removed = 0
    for run in expired:
        upload = (run.report or {}).get("upload") or {}
        for name in (upload.get("file"), upload.get("mapping")):
            delete_upload(name or "")
        run.delete()
        removed += 1
    return removed


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_projects_file(
    *,
    path: str | Path,
    actor=None,
    fmt: str = "auto",
    mapping_path: str | Path | None = None,
    dry_run: bool = False,
    file_name: str = "",
    progress: Callable[[int, int | None], None] | None = None,
    batch_size: int = BATCH_SIZE,
    context: dict | None = None,
    run: ImportRun | None = None,
) -> tuple[ImportRun, Outcome]:
    """Import one open-data or legacy file; returns the ImportRun and its outcome.

    Raises `UnreadableFile` / `MappingError` (French message) when the file or the mapping
    cannot be read at all; nothing is written then. `run` is a queued run created beforehand (a
    background import): it receives the result instead of a new row.
    """
    path = Path(path)
    file_name = file_name or path.name
    queued = run
    try:
        override = load_override(mapping_path)
        source = open_source(path)
    except (UnreadableFile, MappingError) as error:
        if queued is not None:
            outcome = Outcome(context=dict(context or {}), error=str(error))
            _finish(queued, outcome, ImportRun.Status.FAILED)
        raise
    sha = file_sha256(path)
    outcome = Outcome(source=source.describe(), context=dict(context or {}))
    run_fields = {"file_name": file_name[:255], "file_sha256": sha, "dry_run": dry_run, "actor": actor}

    def _record(status: str) -> ImportRun:
        """The run that keeps the result: the queued one, or a new row."""
        if queued is None:
            return ImportRun.objects.create(status=status, **run_fields)
        for name, value in run_fields.items():
            setattr(queued, name, value)
        queued.status = status
        return queued

    # Saved (committed) before the import's transaction: the progress of a background run is
    # written on this row from another connection, which a lock held here would block.
    queued = run = _record(ImportRun.Status.RUNNING)
    run.started_at = timezone.now()
    run.save()
    try:
        with transaction.atomic():
            ensure_reference_data()
            _run(run, source, outcome, override=override, fmt=fmt, progress=progress, batch_size=batch_size)
            if dry_run:
                raise _DryRunDone
            _finish(run, outcome, ImportRun.Status.DONE)
            AuditEvent.objects.create(
                actor=actor, action="import_projects", created_at=timezone.now(), comment=outcome.summary()
            )
            # Rows went in by COPY/bulk_create (no save signal): fresh figures and planner statistics.
            bump_on_commit()
            analyze_portfolio_tables()
    except _DryRunDone:
        run = _record(ImportRun.Status.DRY_RUN)
        _finish(run, outcome, ImportRun.Status.DRY_RUN)
    except Exception as error:
        # Everything was rolled back: the run created, updated and rejected nothing.
        outcome.error = str(error)
        outcome.created = outcome.updated = outcome.unchanged = 0
        outcome.rejected, outcome.updates, outcome.new_establishments = [], [], []
        outcome.conflicts, outcome.historical_tranches = [], 0
        run = _record(ImportRun.Status.FAILED)
        _finish(run, outcome, ImportRun.Status.FAILED)
        raise
    finally:
        source.release()
    return run, outcome


def _finish(run: ImportRun, outcome: Outcome, status: str) -> None:
    run.status = status
    run.format = outcome.format
    run.created_count = outcome.created
    run.updated_count = outcome.updated
    run.unchanged_count = outcome.unchanged
    run.rejected_count = len(outcome.rejected)
    run.warning_count = len(outcome.warnings)
    run.done = outcome.processed
    run.total = outcome.total
    run.mapping = outcome.mapping
    run.report = outcome.as_report(run)
    run.finished_at = timezone.now()
    run.save()


def _run(run, source, outcome: Outcome, *, override, fmt, progress, batch_size) -> None:
    plans, outcome.notes = open_plans(source, override=override, fmt=fmt)
    outcome.format = detect_format(plans) if fmt == "auto" else fmt
    establishments = EstablishmentIndex()
    writer = Writer(run=run, outcome=outcome, establishments=establishments, batch_size=batch_size)
    total = sum(plan.sheet.total or 0 for plan in plans) or None
    seen: dict[int, int] = {}
    done = 0
    for plan in plans:
        outcome.mapping[plan.sheet.name or "csv"] = {
            "header_row": plan.header_row,
            **plan.mapping.as_report(),
        }
        parser = RowParser(plan.mapping, plan.sheet.name, establishments)
        for number, cells in plan.rows:
            done += 1
            if progress is not None:
                progress(done, total)
            if all(value is None or not str(value).strip() for value in cells):
                continue
            planned, errors, warnings = parser.parse(number, cells)
            outcome.warnings.extend(warnings)
            if planned is not None:
                errors = _check_lengths(planned, parser) or _check_duplicate(planned, parser, seen, plans)
            if errors:
                entry = {"row": number, "errors": errors}
                if plan.sheet.name:
                    entry["sheet"] = plan.sheet.name
                outcome.rejected.append(entry)
                continue
            writer.add(planned)
    writer.flush()
    outcome.processed = outcome.total = done  # the estimate counted the header too
    if progress is not None:
        progress(total or done, total or done)


_LIMITS = {
    "acronym": ("acronym", 100),
    "discipline": ("discipline_raw", 255),
    "pi_last_name": ("person.last_name", 150),
    "pi_first_name": ("person.first_name", 150),
    "pi_full_name": ("published_last_name", 150),
}


def _check_lengths(planned: PlannedRow, parser: RowParser) -> list[str]:
    errors = []
    for name, (attribute, limit) in _LIMITS.items():
        value = planned
        for part in attribute.split("."):
            value = getattr(value, part)
        if len(value) > limit:
            column = parser.mapping.label_of(name if name in parser.present else "pi_full_name")
            errors.append(
                _("%(where)s, colonne « %(column)s » : « %(value)s… » dépasse %(limit)s caractères.")
                % {
                    "where": where(planned.row, planned.sheet),
                    "column": column,
                    "value": value[:40],
                    "limit": limit,
                }
            )
    return errors


def _check_duplicate(planned: PlannedRow, parser: RowParser, seen: dict, plans: list) -> list[str]:
    """A second row with the same natural key in one file is rejected, naming the first.

    Only an 8-byte digest and the row's position (one int) are kept per row, about 100 bytes.
    """
    digest = int.from_bytes(hashlib.blake2b(repr(planned.natural_key()).encode(), digest_size=8).digest())
    position = seen.get(digest)
    if position is None:
        sheet_index = next(i for i, plan in enumerate(plans) if plan.sheet.name == planned.sheet)
        seen[digest] = sheet_index << 32 | planned.row
        return []
    first = where(position & 0xFFFFFFFF, plans[position >> 32].sheet.name)
    return [
        _(
            "%(where)s, colonne « %(column)s » : projet « %(value)s » en double — %(first)s porte déjà "
            "le même appel, la même année, le même porteur et le même établissement."
        )
        % {
            "where": where(planned.row, planned.sheet),
            "column": parser.mapping.label_of("acronym"),
            "value": planned.acronym,
            "first": first[:1].lower() + first[1:],
        }
    ]


class Writer:
    """Batched writes of planned rows: calls, establishments, investigators, projects, milestones.

    The queries of a batch do not depend on its rows (a new establishment, investigator or
    project is an element of a bulk insert, never a query of its own).
    """

    def __init__(
        self, *, run: ImportRun, outcome: Outcome, establishments: EstablishmentIndex, batch_size: int
    ):
        self.run = run
        self.outcome = outcome
        self.establishments = establishments
        self.batch_size = batch_size
        self.pending: list[PlannedRow] = []
        self.calls: dict[tuple[str, int], Call] = {}
        self.sequences: dict[int, int] = {}
        self.templates: dict[int, list] = {}
        #: milestone template -> its evidence types (ids)
        self.template_evidence: dict[int, list[int]] = {}
        self.disciplines = dict(Discipline.objects.values_list("code", "pk"))
        self.new_investigators: set[int] = set()
        #: establishments met in the pending rows, validated, known to the index, not yet inserted
        self.new_establishments: list[Establishment] = []
        self.statistics = GrowthAnalyzer(LOADED_MODELS)

    def provenance(self, planned: PlannedRow) -> dict:
        return {"import_run": self.run, "source_file": self.run.file_name, "source_row": planned.row}

    def add(self, planned: PlannedRow) -> None:
        if isinstance(planned.establishment, NewEstablishment):
            planned.establishment = self._new_establishment(planned)
        self.pending.append(planned)
        if len(self.pending) >= self.batch_size:
            self.flush()

    def _new_establishment(self, planned: PlannedRow) -> Establishment:
        """Validated now and known to the index at once (the next rows match it by FINESS or name);
        inserted with its batch, before the batch's projects."""
        spec = planned.establishment
        establishment = Establishment(
            finess=spec.finess,
            name=spec.name,
            type=spec.type,
            region=spec.region,
            to_complete=spec.to_complete,
            **self.provenance(planned),
        )
        # Field rules only: the index holds every FINESS (new ones too) and the run is this one.
        establishment.full_clean(
            exclude=["girci", "normalised_name", "import_run"],
            validate_unique=False,
            validate_constraints=False,
        )
        establishment.fill_derived_fields()
        self.new_establishments.append(establishment)
        self.establishments.add(establishment)
        self.outcome.new_establishments.append(
            {
                "row": planned.row,
                "finess": spec.finess,
                "name": spec.name,
                "type": spec.type,
                "region": spec.region,
                "to_complete": spec.to_complete,
            }
        )
        return establishment

    def _calls(self, rows: list[PlannedRow]) -> list[Call]:
        """The call of each row; the calls met for the first time are created together."""
        keys = [(row.call_code.upper(), row.year) for row in rows]
        missing = set(keys) - self.calls.keys()
        if missing:
            self.calls.update(get_or_create_calls(missing))
            self._load_templates([self.calls[key] for key in missing])
        return [self.calls[key] for key in keys]

    # One batch

    def flush(self) -> None:
        rows, self.pending = self.pending, []
        if not rows:
            return
        # Bulk: no save signal, as for projects (new rows have no project to re-index yet).
        insert_many(Establishment, self.new_establishments)
        self.new_establishments = []
        calls = self._calls(rows)
        self._load_sequences(calls)
        investigators = self._investigators(rows)
        existing = self._existing_projects(rows, calls, investigators)
        held = historical_rank([p.pk for p in existing.values()]) if existing else {}
        new_projects: list[tuple[Project, PlannedRow]] = []
        stock: list[HistoricalStock] = []
        for row, call in zip(rows, calls, strict=True):
            investigator = investigators[row.investigator_key]
            key = (call.pk, normalise_name(row.acronym), investigator.pk, row.establishment.pk)
            project = existing.get(key)
            if project is None:
                new_projects.append((self._new_project(row, call, investigator), row))
            else:
                self._update(project, row, held.get(project.pk, 0))
                if "tranche" in row.present:
                    stock.append(self._stock(project, row))
        fresh = LedgerState()  # the new projects as the ledger would read them back
        for project in self._create_projects(new_projects, fresh):
            stock.append(self._stock(project, project._planned_row))
        self._record_stock(stock, fresh)
        self.statistics.loaded_rows(len(rows))

    def _stock(self, project: Project, row: PlannedRow) -> HistoricalStock:
        return HistoricalStock(
            project_id=project.pk,
            last_rank=row.tranche or 0,
            source_file=self.run.file_name,
            source_row=row.row,
            import_run_id=self.run.pk,
        )

    def _record_stock(self, stock: list[HistoricalStock], fresh: LedgerState) -> None:
        """Tranches 1..k of the file become ledger entries (one batched service call)."""
        if not stock:
            return
        result = record_historical_tranches(entries=stock, actor=self.run.actor, known=fresh)
        self.outcome.historical_tranches += result.created
        self.outcome.conflicts.extend(result.conflicts)

    def _investigators(self, rows: list[PlannedRow]) -> dict[str, Investigator]:
        keys = {row.investigator_key for row in rows}
        found: dict[str, Investigator] = {}
        for investigator in Investigator.objects.filter(normalised_key__in=keys).order_by("pk"):
            found.setdefault(investigator.normalised_key, investigator)
        new = []
        for row in rows:
            key = row.investigator_key
            if key not in found:
                found[key] = Investigator(
                    last_name=row.person.last_name,
                    first_name=row.person.first_name,
                    title=row.person.title,
                    normalised_key=key,
                    **self.provenance(row),
                )
                new.append(found[key])
        insert_many(Investigator, new)
        self.new_investigators.update(investigator.pk for investigator in new)
        return found

    def _existing_projects(
        self, rows: list[PlannedRow], calls: list[Call], investigators: dict[str, Investigator]
    ) -> dict:
        """Projects already held with a row's call, investigator and establishment (the natural
        key but for the acronym, compared normalised here): one query for the batch's keys, so
        its cost follows the batch, not the projects these investigators hold over the years."""
        # An investigator this run created has only this run's projects, and a second row with
        # the same natural key was already rejected as a duplicate: only older ones can match.
        keys = {
            (call.pk, investigator.pk, row.establishment.pk)
            for row, call in zip(rows, calls, strict=True)
            if (investigator := investigators[row.investigator_key]).pk not in self.new_investigators
        }
        if not keys:
            return {}
        projects = Project.objects.filter(
            TupleIn(Tuple(F("call"), F("investigator"), F("establishment")), sorted(keys))
        ).prefetch_related("registrations")
        return {
            (p.call_id, normalise_name(p.acronym), p.investigator_id, p.establishment_id): p for p in projects
        }

    def _new_project(self, row: PlannedRow, call: Call, investigator: Investigator) -> Project:
        self.sequences[call.pk] += 1
        sequence = self.sequences[call.pk]
        return Project(
            call=call,
            sequence=sequence,
            public_id=Project.build_public_id(call, sequence),
            call_year=call.year,
            acronym=row.acronym,
            title=row.title,
            discipline_raw=row.discipline_raw,
            discipline_id=self.disciplines.get(row.discipline_code) if row.discipline_code else None,
            establishment=row.establishment,
            investigator=investigator,
            published_pi_last_name=row.published_last_name,
            published_pi_first_name=row.published_first_name,
            award_amount=row.amount,
            selected_on=row.selected_on,
            **self.provenance(row),
        )

    def _create_projects(self, pairs: list[tuple[Project, PlannedRow]], fresh: LedgerState) -> list[Project]:
        if not pairs:
            return []
        projects = insert_many(Project, [project for project, _row in pairs])
        self._copy_schedules(pairs, fresh)
        links = []
        registry_ids = self._registrations([row for _project, row in pairs])
        for project, (_same, row) in zip(projects, pairs, strict=True):
            links.extend(
                Project.registrations.through(
                    project_id=project.pk, trialregistration_id=registry_ids[identifier]
                )
                for _registry, identifier in row.registries
            )
        insert_many(Project.registrations.through, links)
        # bulk inserts send no signal: the new projects join the search index here.
        search_index.refresh_projects(project.pk for project in projects)
        self.outcome.created += len(projects)
        room = CREATIONS_KEPT - len(self.outcome.creations)
        for project, (_same, row) in zip(projects, pairs, strict=True):
            project._planned_row = row
            if room > 0:
                room -= 1
                entry = {
                    "row": row.row,
                    "public_id": project.public_id,
                    "acronym": project.acronym,
                    "title": project.title,
                    "establishment": row.establishment.name if row.establishment else "",
                    "amount": _display(project.award_amount),
                }
                if row.sheet:
                    entry["sheet"] = row.sheet
                self.outcome.creations.append(entry)
        return projects

    def _registrations(self, rows: list[PlannedRow]) -> dict[str, int]:
        wanted = {identifier: registry for row in rows for registry, identifier in row.registries}
        if not wanted:
            return {}
        known = dict(TrialRegistration.objects.filter(identifier__in=wanted).values_list("identifier", "pk"))
        new = [TrialRegistration(registry=wanted[i], identifier=i) for i in wanted if i not in known]
        for registration in insert_many(TrialRegistration, new):
            known[registration.identifier] = registration.pk
        return known

    def _copy_schedules(self, pairs: list[tuple[Project, PlannedRow]], fresh: LedgerState) -> None:
        """Batched `services.copy_schedule_to_project`: the same milestones, two COPY a batch.

        Milestones and their evidence links go in as plain rows: 40,000 projects mean 200,000
        milestones and ~280,000 links, too many to build as model instances. The milestones the
        file's stock covers are written closed (reached before SIRANo), as the ledger would close
        them, and the new projects are described to the ledger (`fresh`) instead of read back.
        """
        rows, described = [], []
        for project, row in pairs:
            templates = self._templates_for(project.call)
            last_rank = row.tranche or 0
            fresh.projects[project.pk] = {
                "pk": project.pk,
                "public_id": project.public_id,
                "award_amount": project.award_amount,
                "planning_start": project.planning_start,
                "status": project.status,
            }
            for index, template in enumerate(templates):
                closed = reached_before_sirano(template.rank, last_rank)
                is_last = index == len(templates) - 1
                rows.append(
                    (
                        project.pk,
                        template.pk,
                        template.rank,
                        template.label,
                        template.share_percent,
                        template.is_results_milestone,
                        is_last,
                        self._planned(project.planning_start, template.planned_delay_months),
                        closed,
                    )
                )
                described.append((project.pk, template, closed, is_last))
        ids = insert_rows(ProjectMilestone, MILESTONE_COLUMNS, rows)
        links = []
        for pk, (project_id, template, closed, is_last) in zip(ids, described, strict=True):
            fresh.milestones.setdefault(project_id, []).append(
                {
                    "pk": pk,
                    "project_id": project_id,
                    "rank": template.rank,
                    "share_percent": template.share_percent,
                    "declared_on": None,
                    "reached_before_sirano": closed,
                    "is_last": is_last,
                }
            )
            links.extend((pk, evidence_type) for evidence_type in self.template_evidence.get(template.pk, ()))
        insert_rows(ProjectMilestone.evidence_types.through, LINK_COLUMNS, links, ids=False)

    @staticmethod
    @functools.lru_cache(maxsize=4096)
    def _planned(selected_on, months: int):
        return selected_on + relativedelta(months=months)

    def _load_sequences(self, calls: list[Call]) -> None:
        """The last project number of each call met for the first time, in one query."""
        new = {call.pk for call in calls} - self.sequences.keys()
        if not new:
            return
        self.sequences.update(dict.fromkeys(new, 0))
        self.sequences.update(
            Project.objects.filter(call__in=new)
            .values("call")
            .annotate(last=Max("sequence"))
            .values_list("call", "last")
        )

    def _load_templates(self, calls: list[Call]) -> None:
        """The milestone templates of each call's current schedule (`Call.current_schedule`), in
        two queries for all the calls."""
        current: dict[int, int] = {}
        for schedule_id, call_id in (
            FundingSchedule.objects.filter(call__in=[call.pk for call in calls], is_active=True)
            .order_by("call", "-version")
            .values_list("pk", "call_id")
        ):
            current.setdefault(call_id, schedule_id)
        by_schedule: dict[int, list] = {}
        for template in MilestoneTemplate.objects.filter(schedule__in=current.values()).order_by("rank"):
            by_schedule.setdefault(template.schedule_id, []).append(template)
        through = MilestoneTemplate.evidence_types.through.objects
        for template_id, evidence_type in through.filter(
            milestonetemplate__schedule__in=current.values()
        ).values_list("milestonetemplate_id", "evidencetype_id"):
            self.template_evidence.setdefault(template_id, []).append(evidence_type)
        for call in calls:
            self.templates[call.pk] = by_schedule.get(current.get(call.pk), [])

    def _templates_for(self, call: Call) -> list:
        return self.templates[call.pk]

    def _update(self, project: Project, row: PlannedRow, held_rank: int) -> None:
        """Compare the columns the file has; a change is an update that records old → new.

        The tranche number is compared with the historical tranches of the ledger: a higher
        number is an update (the ledger adds tranches), a lower one a conflict the ledger reports.
        """
        # No investigator's name here: the project was matched on its investigator's normalised
        # name, so the file can only write the same name in another case, accents or spacing
        # (`Moreau` for `MOREAU`). That is no change: the first published form is kept.
        wanted = {"title": row.title, "award_amount": row.amount}
        if "discipline" in row.present:
            wanted["discipline_raw"] = row.discipline_raw
        if "selected_on" in row.present and row.selected_on is not None:  # a blank cell is no news
            wanted["selected_on"] = row.selected_on
        changes = {
            name: (getattr(project, name), value)
            for name, value in wanted.items()
            if getattr(project, name) != value
        }
        current = {r.identifier for r in project.registrations.all()}
        added = [identifier for _registry, identifier in row.registries if identifier not in current]
        if added:
            changes["registrations"] = (", ".join(sorted(current)), ", ".join(sorted(current | set(added))))
        if "tranche" in row.present and (row.tranche or 0) > held_rank:
            changes["tranche"] = (held_rank or None, row.tranche)
        if not changes:
            self.outcome.unchanged += 1
            return
        fields = [name for name in changes if name not in ("registrations", "tranche")]
        for name in fields:
            setattr(project, name, wanted[name])
        if "discipline_raw" in changes:
            project.discipline_id = self.disciplines.get(row.discipline_code) if row.discipline_code else None
            fields.append("discipline")
        for name, value in self.provenance(row).items():
            setattr(project, name, value)
        project.save(update_fields=[*fields, "import_run", "source_file", "source_row", "updated_at"])
        if added:
            project.registrations.add(*self._registrations([row]).values())
        self.outcome.updated += 1
        entry = {
            "row": row.row,
            "public_id": project.public_id,
            "acronym": project.acronym,
            "changes": {
                DIFF_LABELS[name]: [_display(old), _display(new)] for name, (old, new) in changes.items()
            },
        }
        if row.sheet:
            entry["sheet"] = row.sheet
        self.outcome.updates.append(entry)


def _display(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "quantize"):
        return format_number(value, 2)
    if hasattr(value, "strftime"):
        return format_date(value)
    return str(value)
