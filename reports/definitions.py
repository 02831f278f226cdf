"""Indicator definitions: one small function per indicator, Snapshot → DataFrame.

Each function reads only the `Snapshot` of one day (see `reports.snapshot`), so every indicator
answers "as of any date": call it with a snapshot, or with `as_of=` (and `filters=`) to build
one (uncached; `reports.indicators.get` is the cached entry point). Columns are English
identifiers; `reports.registry` gives the French headers, units and charts. Amounts are euros
(float, 2 decimals), delays are days.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from django.utils import timezone

import formatting as fmt
from workflows.models import EstablishmentType, Region, TrancheStatus
from workflows.money import DELEGATED_STATES, DROPPED_STATES

from .snapshot import ACTIVE_PROJECT_EXCLUDED, Filters, Snapshot, build_snapshot

PIPELINE_ORDER = [s.value for s in TrancheStatus]
PIPELINE_LABELS = {s.value: str(s.label).capitalize() for s in TrancheStatus}
DELAY_SEGMENTS = [
    ("declared_to_validated", "Déclaration → validation", "declared_on_asof", "validated_on"),
    ("validated_to_delegated", "Validation → délégation", "validated_on", "delegated_on"),
    ("delegated_to_paid", "Délégation → versement", "delegated_on", "paid_on"),
    ("declared_to_paid", "Déclaration → versement", "declared_on_asof", "paid_on"),
]
FORECAST_MONTHS = 12


def indicator(func):
    """Let a definition take either a Snapshot or `as_of=` (a date; default today) and `filters=`."""

    @functools.wraps(func)
    def wrapper(snap: Snapshot | None = None, *, as_of=None, filters: Filters | None = None) -> pd.DataFrame:
        if snap is None:
            snap = build_snapshot(as_of or timezone.localdate(), filters or Filters())
        return func(snap)

    return wrapper


def month_label(timestamp: pd.Timestamp) -> str:
    return fmt.format_month(timestamp)


def _delegated_by_project(snap: Snapshot) -> pd.Series:
    tranches = snap.tranches
    done = tranches[tranches["state"].isin(DELEGATED_STATES)]
    return done.groupby("project_id")["amount"].sum()


def _awards_by(
    snap: Snapshot, column: str, labels: dict | None = None, sort: str = "awarded"
) -> pd.DataFrame:
    projects = snap.projects.assign(delegated=_delegated_by_project(snap)).fillna({"delegated": 0.0})
    grouped = projects.groupby(column).agg(
        projects=("id", "size"), awarded=("award", "sum"), delegated=("delegated", "sum")
    )
    grouped = grouped.reset_index().rename(columns={column: "label"})
    if labels:
        grouped["label"] = grouped["label"].map(lambda v: labels.get(v, v))
    ascending = sort == "label"
    grouped = grouped.sort_values([sort, "label"], ascending=[ascending, True], kind="stable")
    grouped["awarded"] = grouped["awarded"].round(2)
    grouped["delegated"] = grouped["delegated"].round(2)
    return grouped.reset_index(drop=True).astype({"projects": int})


@indicator
def awards_by_programme(snap: Snapshot) -> pd.DataFrame:
    """Projects selected by the day, amount awarded and amount delegated, per programme."""
    return _awards_by(snap, "programme")


@indicator
def awards_by_year(snap: Snapshot) -> pd.DataFrame:
    """Same figures per campaign year (année de sélection), oldest first."""
    return _awards_by(snap, "year", sort="label")


@indicator
def awards_by_region(snap: Snapshot) -> pd.DataFrame:
    """Same figures per region of the coordinating establishment."""
    return _awards_by(snap, "region", labels=dict(Region.choices))


@indicator
def awards_by_establishment_type(snap: Snapshot) -> pd.DataFrame:
    """Same figures per establishment type (CHUR, CH, CLCC, …)."""
    labels = {code: f"{code} — {label}" for code, label in EstablishmentType.choices}
    return _awards_by(snap, "establishment_type", labels=labels)


@indicator
def awards_by_discipline(snap: Snapshot) -> pd.DataFrame:
    """Same figures per discipline (controlled vocabulary); the number of projects per theme."""
    return _awards_by(snap, "discipline", sort="projects")


@indicator
def funding_by_year(snap: Snapshot) -> pd.DataFrame:
    """Amounts delegated and paid per calendar year, up to the day (historical stock included)."""
    tranches = snap.tranches
    delegated = tranches[tranches["state"].isin(DELEGATED_STATES) & tranches["delegated_on"].notna()]
    paid = tranches[tranches["paid_on"].notna()]
    by_delegated = delegated.groupby(delegated["delegated_on"].dt.year)["amount"].agg(["size", "sum"])
    by_paid = paid.groupby(paid["paid_on"].dt.year)["amount"].agg(["size", "sum"])
    years = sorted(set(by_delegated.index) | set(by_paid.index))
    out = pd.DataFrame({"year": years})
    out["n_delegated"] = out["year"].map(by_delegated["size"]).fillna(0).astype(int)
    out["delegated"] = out["year"].map(by_delegated["sum"]).fillna(0.0).round(2)
    out["n_paid"] = out["year"].map(by_paid["size"]).fillna(0).astype(int)
    out["paid"] = out["year"].map(by_paid["sum"]).fillna(0.0).round(2)
    return out.astype({"year": int})


@indicator
def tranche_pipeline(snap: Snapshot) -> pd.DataFrame:
    """Tranches per state on the day, how many and for how much (every state listed), split
    between the historical stock (delegated before SIRANo) and tranches instructed in SIRANo."""
    tranches = snap.tranches
    out = pd.DataFrame({"state": PIPELINE_ORDER})
    out["label"] = out["state"].map(PIPELINE_LABELS)
    for suffix, part in (
        ("workflow", tranches[~tranches["historical"].astype(bool)]),
        ("historical", tranches[tranches["historical"].astype(bool)]),
    ):
        grouped = part.groupby("state")["amount"].agg(["size", "sum"])
        out[f"count_{suffix}"] = out["state"].map(grouped["size"]).fillna(0).astype(int)
        out[f"amount_{suffix}"] = out["state"].map(grouped["sum"]).fillna(0.0).round(2)
    out["count"] = out["count_workflow"] + out["count_historical"]
    out["amount"] = (out["amount_workflow"] + out["amount_historical"]).round(2)
    return out


@indicator
def milestone_delays(snap: Snapshot) -> pd.DataFrame:
    """Days between the steps of a tranche, median and 90th percentile per programme.

    Steps: milestone declared (the reached date) → request validated → delegated → paid; only
    steps both dated on or before the day count. Percentiles interpolate linearly (pandas).
    """
    tranches = snap.tranches
    # Historical tranches have no instruction dates: only SIRANo tranches measure the later steps.
    requests = tranches[~tranches["historical"].astype(bool)]
    rows = []
    for key, label, start, end in DELAY_SEGMENTS:
        source = tranches if key == "declared_to_validated" else requests
        days = (source[end] - source[start]).dt.days
        valid = source.assign(days=days)[days.notna()]
        for programme, group in valid.groupby("programme"):
            rows.append(
                {
                    "programme": programme,
                    "segment": key,
                    "segment_label": label,
                    "n": len(group),
                    "median_days": float(group["days"].median()),
                    "p90_days": float(group["days"].quantile(0.9)),
                }
            )
    columns = ["programme", "segment", "segment_label", "n", "median_days", "p90_days"]
    out = pd.DataFrame(rows, columns=columns)
    order = {key: i for i, (key, *_rest) in enumerate(DELAY_SEGMENTS)}
    out = out.sort_values(["programme", "segment"], key=lambda s: s.map(order) if s.name == "segment" else s)
    return out.reset_index(drop=True)


def _late_milestones(snap: Snapshot) -> pd.DataFrame:
    day = pd.Timestamp(snap.as_of)
    milestones = snap.milestones
    status = milestones["project_id"].map(snap.projects["status"])
    late = milestones[
        (milestones["planned_date"] < day) & ~milestones["declared"] & ~status.isin(ACTIVE_PROJECT_EXCLUDED)
    ]
    return late.assign(days_late=(day - late["planned_date"]).dt.days)


@indicator
def late_milestones_by_establishment(snap: Snapshot) -> pd.DataFrame:
    """Milestones past their planned date and not declared on the day, per establishment.

    Projects now abandoned or lapsed are left out: their milestones are no longer expected.
    """
    late = _late_milestones(snap)
    late = late.join(snap.projects[["establishment_id", "establishment", "region"]], on="project_id")
    grouped = late.groupby(["establishment_id", "establishment", "region"]).agg(
        late_milestones=("milestone_id", "size"),
        projects=("project_id", "nunique"),
        median_days_late=("days_late", "median"),
        max_days_late=("days_late", "max"),
    )
    out = grouped.reset_index().drop(columns="establishment_id")
    out["region"] = out["region"].map(dict(Region.choices))
    out = out.sort_values(["late_milestones", "establishment"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True).astype({"late_milestones": int, "projects": int, "max_days_late": int})


def _median_days(frame: pd.DataFrame, start: str, end: str) -> tuple[pd.Series, float]:
    days = (frame[end] - frame[start]).dt.days
    valid = frame.assign(days=days)[days.notna()]
    overall = float(valid["days"].median()) if len(valid) else 0.0
    return valid.groupby("programme")["days"].median(), overall


@indicator
def tranche_forecast(snap: Snapshot) -> pd.DataFrame:
    """Tranches expected to be delegated in each of the next 12 months, and their amount.

    From the milestone calendar, shifted by each programme's observed median delay on the day:
    an undeclared milestone is expected at planned date + median (planned → delegated); a
    declared one at declared date + median (declared → delegated); a validated one at validation
    + median (validated → delegated). Expected dates already past land in the first month for
    declared milestones; undeclared ones past their adjusted date are late, not forecast.
    """
    day = pd.Timestamp(snap.as_of)
    tranches = snap.tranches
    done = tranches[tranches["state"].isin(DELEGATED_STATES)]
    slip, slip_all = _median_days(done, "planned_date", "delegated_on")
    decl, decl_all = _median_days(done, "declared_on_asof", "delegated_on")
    # Historical tranches were never validated in SIRANo: SIRANo tranches only here.
    val, val_all = _median_days(done[~done["historical"].astype(bool)], "validated_on", "delegated_on")

    milestones = snap.milestones.join(snap.projects[["programme", "status"]], on="project_id")
    open_requests = tranches[
        tranches["request_id"].notna() & ~tranches["state"].isin([*DELEGATED_STATES, *DROPPED_STATES])
    ].set_index("milestone_id")
    pending = milestones[
        ~milestones["milestone_id"].isin(done["milestone_id"])
        & ~milestones["status"].isin(ACTIVE_PROJECT_EXCLUDED)
    ].copy()
    # reindex, not map: it keeps working when there is no open request at all (empty index).
    open_amount = open_requests["amount"].astype(float).reindex(pending["milestone_id"]).to_numpy()
    pending["amount"] = pd.Series(open_amount, index=pending.index).fillna(pending["tranche_amount"])
    validated_on = pd.Series(
        pd.to_datetime(open_requests["validated_on"]).reindex(pending["milestone_id"]).to_numpy(),
        index=pending.index,
    )

    def shift(dates: pd.Series, medians: pd.Series, overall: float) -> pd.Series:
        days = pending["programme"].map(medians).fillna(overall)
        return dates + pd.to_timedelta(days.round(), unit="D")

    expected = shift(pending["planned_date"], slip, slip_all)
    declared = pending["declared"]
    expected[declared] = shift(pending["declared_on_asof"], decl, decl_all)[declared]
    is_validated = validated_on.notna()
    expected[is_validated] = shift(validated_on, val, val_all)[is_validated]
    pending["expected"] = expected
    overdue_declared = declared & (expected <= day)
    pending.loc[overdue_declared, "expected"] = day + pd.Timedelta(days=1)
    pending = pending[pending["expected"] > day]

    first = (day + pd.Timedelta(days=1)).to_period("M")
    months = pd.period_range(first, periods=FORECAST_MONTHS, freq="M")
    pending = pending.assign(month=pending["expected"].dt.to_period("M"))
    grouped = pending[pending["month"].isin(months)].groupby("month")["amount"].agg(["size", "sum"])
    out = pd.DataFrame({"month": months.to_timestamp()})
    out["month_label"] = out["month"].map(month_label)
    out["count"] = months.map(lambda m: grouped["size"].get(m, 0)).astype(int)
    out["amount"] = np.round(months.map(lambda m: float(grouped["sum"].get(m, 0.0))).astype(float), 2)
    out["month"] = out["month"].dt.date
    return out
