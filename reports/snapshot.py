"""The portfolio as it stood at the end of one day, as pandas DataFrames.

Every indicator reads one `Snapshot`. It is built from a handful of `.values_list()` queries
(never per-row ORM objects) and rebuilt for any past date:

- a project exists from its selection date;
- a tranche request's state on day D is the `to_state` of its last audit event dated on or before
  D; requests with no audit event (imported history) fall back to their dated fields, where a
  missing earlier date is the first day of the month of the next known one ("a request validated
  in March counts as submitted on 1 March");
- a milestone counts as declared once its declaration was recorded (`declared_at`, else the
  declared date for imported stock);
- historical tranches (`TrancheRequest.is_historical`, the stock delegated before SIRANo) are
  delegated on their milestone's verification date, else its declared date, else the project's
  selection date, whatever the day they were recorded (`workflows.money.money_filters`
  uses the same rule); the `historical` column tells them from workflow tranches;
- a project's status on day D is read from its dated history (`ProjectStatusChange`).
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connections
from django.db.models import CharField, FloatField, Q
from django.db.models.functions import Cast

from workflows.models import (
    AuditEvent,
    Project,
    ProjectMilestone,
    ProjectStatusChange,
    TrancheRequest,
    TrancheStatus,
    selected_by,
)
from workflows.money import tranche_amount

S = TrancheStatus
#: Reached-state stamps in workflow order; each implies the ones before it.
STAMPED_STATES = ["submitted", "validated", "delegated", "paid"]
ACTIVE_PROJECT_EXCLUDED = ("abandoned", "lapsed")

#: Filters every indicator accepts: name -> ORM lookup on Project.
FILTER_LOOKUPS = {
    "programme": "call__programme__code",
    "year": "call__year",
    "region": "establishment__region",
}


@dataclass(frozen=True)
class Filters:
    """Validated indicator filters; empty values mean "all"."""

    programme: str = ""
    year: int | None = None
    region: str = ""
    public_only: bool = False

    def as_key(self) -> str:
        return f"p={self.programme}|y={self.year or ''}|r={self.region}|pub={int(self.public_only)}"

    def project_q(self, prefix: str = "") -> Q:
        q = Q()
        for name, lookup in FILTER_LOOKUPS.items():
            value = getattr(self, name)
            if value not in ("", None):
                q &= Q(**{prefix + lookup: value})
        if self.public_only:
            q &= Q(**{prefix + "visibility": "public"})
        return q


@dataclass
class Snapshot:
    as_of: datetime.date
    filters: Filters
    projects: pd.DataFrame
    milestones: pd.DataFrame
    #: One row per tranche (requests and historical stock) with its state on `as_of`.
    tranches: pd.DataFrame
    extra: dict = field(default_factory=dict)


def _text(field_name: str) -> Cast:
    # Dates, timestamps and decimals travel as text/float: parsing 300,000 timestamps one by one
    # in the driver costs seconds, pandas parses the same strings vectorised in milliseconds.
    return Cast(field_name, output_field=CharField())


def _float(field_name: str) -> Cast:
    return Cast(field_name, output_field=FloatField())


def _timestamps(series: pd.Series) -> pd.Series:
    """Timestamps (text, UTC or with offset) → naive local (Europe/Paris) datetimes."""
    values = pd.to_datetime(series, utc=True, format="ISO8601")
    return values.dt.tz_convert(settings.TIME_ZONE).dt.tz_localize(None)


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, format="ISO8601")


def _month_start(series: pd.Series) -> pd.Series:
    return series.dt.to_period("M").dt.to_timestamp()


def _frame(queryset, columns: dict) -> pd.DataFrame:
    """The `.values_list()` of the queryset as a DataFrame, read straight from the cursor.

    The SQL is Django's own; only the per-value Python converters are skipped (every column is
    an integer, a string or a float here), which saves about a second per 200,000 rows.
    """
    query = queryset.values_list(*columns.values()).query
    sql, params = query.get_compiler(using=queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pd.DataFrame.from_records(rows, columns=list(columns))


PROJECT_COLUMNS = {
    "id": "id",
    "programme": "call__programme__code",
    "programme_name": "call__programme__name",
    "year": "call__year",
    "establishment_id": "establishment_id",
    "establishment": "establishment__name",
    "region": "establishment__region",
    "establishment_type": "establishment__type",
    "discipline": "discipline__label",
    "award": _float("award_amount"),
    "selected_on": _text("selected_on"),
    "status": "status",
}
MILESTONE_COLUMNS = {
    "milestone_id": "id",
    "project_id": "project_id",
    "rank": "rank",
    "share": _float("share_percent"),
    "planned_date": _text("planned_date"),
    "declared_on": _text("declared_on"),
    "declared_at": _text("declared_at"),
    "verified_at": _text("verified_at"),
    "reached_before_sirano": "reached_before_sirano",
}
REQUEST_COLUMNS = {
    "request_id": "id",
    "milestone_id": "milestone_id",
    "amount": _float("amount"),
    "status": "status",
    "historical": "is_historical",
    "created_at": _text("created_at"),
    "status_changed_at": _text("status_changed_at"),
    "submitted_at": _text("submitted_at"),
    "validated_at": _text("validated_at"),
    "delegated_at": _text("delegated_at"),
    "paid_at": _text("paid_at"),
}


def load_projects(as_of: datetime.date, filters: Filters) -> pd.DataFrame:
    qs = Project.objects.filter(filters.project_q(), selected_by(as_of)).order_by()
    df = _frame(qs, PROJECT_COLUMNS)
    df["award"] = df["award"].astype(float)
    # A project whose source gave only the year counts from that year's start (`planning_start`).
    year_start = pd.to_datetime(df["year"].astype(str) + "-01-01", format="ISO8601")
    df["selected_on"] = _dates(df["selected_on"]).fillna(year_start)
    df["discipline"] = df["discipline"].fillna("Non renseignée")
    df["status"] = statuses_on(df.set_index("id")["status"], as_of, filters).to_numpy()
    return df.set_index("id", drop=False)


def statuses_on(current: pd.Series, as_of: datetime.date, filters: Filters) -> pd.Series:
    """Each project's status at the end of `as_of` (index: project id), from its dated history:
    the last change in effect on the day, else the status before its first change."""
    if current.empty:
        return current
    changes = _frame(
        ProjectStatusChange.objects.filter(filters.project_q("project__")).order_by(
            "project", "effective_on", "recorded_at", "pk"
        ),
        {
            "project_id": "project_id",
            "from_status": "from_status",
            "to_status": "to_status",
            "effective_on": _text("effective_on"),
        },
    )
    if changes.empty:
        return current
    changes = changes[changes["project_id"].isin(current.index)].copy()
    changes["effective_on"] = _dates(changes["effective_on"])
    before = changes.groupby("project_id")["from_status"].first()
    in_effect = (
        changes[changes["effective_on"] <= pd.Timestamp(as_of)].groupby("project_id")["to_status"].last()
    )
    status = current.copy()
    status.loc[before.index] = before
    status.loc[in_effect.index] = in_effect
    return status


def load_milestones(project_ids: pd.Index, filters: Filters) -> pd.DataFrame:
    """Milestones of the given projects (the date filter is applied in pandas: no join in SQL)."""
    qs = ProjectMilestone.objects.filter(filters.project_q("project__")).order_by()
    df = _frame(qs, MILESTONE_COLUMNS)
    df = df[df["project_id"].isin(project_ids)].reset_index(drop=True)
    df["share"] = df["share"].astype(float)
    df["planned_date"] = _dates(df["planned_date"])
    df["declared_on"] = _dates(df["declared_on"])
    df["declared_at"] = _timestamps(df["declared_at"])
    df["verified_at"] = _timestamps(df["verified_at"])
    return df


def load_requests(filters: Filters) -> pd.DataFrame:
    """Every request (any date): a request created later still says its milestone is not legacy."""
    qs = TrancheRequest.objects.filter(filters.project_q("milestone__project__")).order_by()
    df = _frame(qs, REQUEST_COLUMNS)
    df["amount"] = df["amount"].astype(float)
    df["historical"] = df["historical"].astype(bool)
    for column in ("created_at", "status_changed_at", *(f"{s}_at" for s in STAMPED_STATES)):
        df[column] = _timestamps(df[column])
    return df


def load_transitions(cutoff: pd.Timestamp) -> pd.DataFrame:
    """State-changing audit events of requests dated before `cutoff` (local midnight after D)."""
    aware = pd.Timestamp(cutoff).tz_localize(settings.TIME_ZONE).to_pydatetime()
    qs = (
        AuditEvent.objects.filter(tranche_request__isnull=False, created_at__lt=aware)
        .exclude(to_state="")
        .order_by("created_at", "id")
    )
    df = _frame(qs, {"request_id": "tranche_request_id", "to_state": "to_state", "at": _text("created_at")})
    df["at"] = _timestamps(df["at"])
    return df


def _stamp_timeline(requests: pd.DataFrame) -> pd.DataFrame:
    """Reached-state dates from the dated fields, earlier gaps filled with the month's first day."""
    stamps = requests[[f"{s}_at" for s in STAMPED_STATES]].copy()
    stamps.columns = STAMPED_STATES
    for earlier, later in reversed(list(itertools.pairwise(STAMPED_STATES))):
        missing = stamps[earlier].isna() & stamps[later].notna()
        stamps.loc[missing, earlier] = _month_start(stamps.loc[missing, later])
    return stamps


def _request_states(requests: pd.DataFrame, events: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    """State on the day and first date each reached state was entered, one row per request."""
    requests = requests.set_index("request_id", drop=False)
    stamps = _stamp_timeline(requests)
    events = events[events["request_id"].isin(requests.index)]

    state = pd.Series(np.nan, index=requests.index, dtype=object)
    last = events.groupby("request_id").tail(1).set_index("request_id")["to_state"]
    state.loc[last.index] = last

    # Requests without an audit event before the cutoff: read the dated fields.
    no_event = state.isna()
    fallback = pd.Series(np.nan, index=requests.index, dtype=object)
    exists = requests["created_at"].lt(cutoff) | stamps["submitted"].lt(cutoff)
    fallback[exists] = S.DRAFT.value
    for name in STAMPED_STATES:
        fallback[stamps[name].lt(cutoff)] = name
    current_known = requests["status_changed_at"].lt(cutoff) & ~requests["status"].isin(STAMPED_STATES)
    latest_stamp = stamps.max(axis=1)
    current_after_stamps = latest_stamp.isna() | (requests["status_changed_at"] >= latest_stamp)
    fallback[current_known & current_after_stamps] = requests["status"]
    has_any_event = requests.index.isin(events["request_id"].unique())
    state[no_event & ~has_any_event] = fallback[no_event & ~has_any_event]

    firsts = (
        events[events["to_state"].isin(STAMPED_STATES)]
        .groupby(["request_id", "to_state"])["at"]
        .min()
        .unstack()
        .reindex(index=requests.index, columns=STAMPED_STATES)
    )
    reached = firsts.combine_first(stamps.where(stamps.lt(cutoff)))
    # With no event before the cutoff the columns come back as objects: keep them datetimes.
    reached = reached.apply(pd.to_datetime)
    reached = reached.where(reached.lt(cutoff))
    out = pd.DataFrame(
        {
            "request_id": requests.index,
            "milestone_id": requests["milestone_id"],
            "amount": requests["amount"],
            "state": state,
        }
    )
    for name in STAMPED_STATES:
        out[f"{name}_on"] = reached[name]
    return out.reset_index(drop=True)


def _decimal(value: float) -> Decimal:
    """A 2-decimal database value read as float, back to its exact Decimal: `repr` gives the
    shortest string that reads back as the same float, i.e. the stored digits (≤ 15 of them)."""
    return Decimal(repr(value))


def tranche_amounts(awards: pd.Series, shares: pd.Series) -> pd.Series:
    """`workflows.money.tranche_amount` row by row (Decimal, its rounding contract), as floats:
    the snapshot's tranche amounts are the ledger's to the cent, never a float product's."""
    values = [
        float(tranche_amount(_decimal(award), _decimal(share)))
        if not (pd.isna(award) or pd.isna(share))
        else np.nan
        for award, share in zip(awards.tolist(), shares.tolist(), strict=True)
    ]
    return pd.Series(values, index=awards.index, dtype=float)


def build_snapshot(as_of: datetime.date, filters: Filters | None = None) -> Snapshot:
    """Rebuild the portfolio at the end of `as_of` (see the module docstring for the rules)."""
    filters = filters or Filters()
    cutoff = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    projects = load_projects(as_of, filters)
    milestones = load_milestones(projects.index, filters)
    requests = load_requests(filters)
    events = load_transitions(cutoff)

    declared_known = milestones["declared_at"].dt.normalize().fillna(milestones["declared_on"])
    # A milestone closed by the historical stock was reached before SIRANo: never late.
    milestones["declared"] = (declared_known.lt(cutoff) & milestones["declared_on"].notna()) | milestones[
        "reached_before_sirano"
    ].astype(bool)
    milestones["declared_on_asof"] = milestones["declared_on"].where(milestones["declared"])
    milestones["verified_on_asof"] = milestones["verified_at"].where(milestones["verified_at"].lt(cutoff))
    project_cols = projects[["award", "selected_on"]]
    milestones = milestones.join(project_cols, on="project_id")
    milestones["tranche_amount"] = tranche_amounts(milestones["award"], milestones["share"])

    workflow = requests[~requests["historical"]]
    states = _request_states(workflow, events, cutoff)
    states = states[states["state"].notna() & states["milestone_id"].isin(milestones["milestone_id"])]
    states["historical"] = False

    # Historical tranches: delegated before SIRANo, dated by their milestone (see the docstring).
    stock = requests[requests["historical"]].join(
        milestones.set_index("milestone_id")[
            ["selected_on", "declared_on", "verified_at", "verified_on_asof"]
        ],
        on="milestone_id",
        how="inner",
    )
    stock_on = stock["verified_at"].dt.normalize().fillna(stock["declared_on"]).fillna(stock["selected_on"])
    stock = stock.assign(stock_on=stock_on)
    stock = stock[stock["stock_on"].lt(cutoff)]
    historical_rows = pd.DataFrame(
        {
            "request_id": stock["request_id"],
            "milestone_id": stock["milestone_id"],
            "amount": stock["amount"],
            "state": stock["status"],
            "submitted_on": pd.NaT,
            "validated_on": stock["verified_on_asof"],
            "delegated_on": stock["stock_on"],
            "paid_on": pd.NaT,
            "historical": True,
        }
    )
    frames = [f for f in (states, historical_rows) if not f.empty]
    tranches = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*states.columns])
    tranches["historical"] = tranches["historical"].astype(bool)
    milestone_cols = milestones.set_index("milestone_id")[
        ["project_id", "rank", "declared_on_asof", "planned_date"]
    ]
    tranches = tranches.join(milestone_cols, on="milestone_id")
    tranches = tranches.join(projects[["programme", "establishment_id"]], on="project_id")
    # Delays are counted in calendar days: every date of the tranche is truncated to its day.
    for column in ("submitted_on", "validated_on", "delegated_on", "paid_on"):
        tranches[column] = pd.to_datetime(tranches[column]).dt.normalize()
    tranches["amount"] = tranches["amount"].astype(float)
    return Snapshot(as_of=as_of, filters=filters, projects=projects, milestones=milestones, tranches=tranches)
