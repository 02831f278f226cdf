"""Public API of the indicators, for pages, blocks, the admin dashboard and commands.

    from reports import indicators
    df = indicators.get("awards_by_programme", as_of=date(2025, 3, 1), programme="PHRCN")
    svg = indicators.chart("awards_by_programme", "svg")
    total = indicators.value("funding_by_year", "delegated")   # one number for a live figure
    table = indicators.table("awards_by_programme")   # French headers and formatted cells

Results are cached (see `reports.cache`). On a cold cache, the indicators computed inside one
`shared_snapshot()` block (a page, the dashboard, `build_all`) share one snapshot of the day;
the snapshot lives for that block only, never in a process-wide memo.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import pandas as pd
from django.core.exceptions import ValidationError
from django.utils import timezone

import formatting as fmt
from workflows.models import Programme, Region

from .cache import cached, data_version
from .registry import INDICATORS, Indicator, internal_indicators, public_indicators
from .snapshot import Filters, build_snapshot

__all__ = [
    "INDICATORS",
    "Filters",
    "build_all",
    "chart",
    "download",
    "get",
    "internal_indicators",
    "parse_filters",
    "public_indicators",
    "shared_snapshot",
    "table",
    "value",
]


def indicator(key: str) -> Indicator:
    try:
        return INDICATORS[key]
    except KeyError:
        raise ValidationError(f"Indicateur inconnu : « {key} ».", code="unknown_indicator")


def parse_as_of(value) -> datetime.date:
    """None → today; a date or 'AAAA-MM-JJ' string; never in the future."""
    today = timezone.localdate()
    if value in (None, ""):
        return today
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(
                f"Date invalide : « {value} ». Format attendu : AAAA-MM-JJ (par exemple 2025-03-01).",
                code="bad_date",
            )
    if value > today:
        raise ValidationError(
            f"La date {fmt.format_date(value)} est dans le futur : les indicateurs décrivent le passé ou aujourd'hui.",
            code="future_date",
        )
    return value


def parse_filters(*, programme="", year=None, region="", public_only: bool = False) -> Filters:
    """Validate filters given as strings (query parameters) or values; French errors."""
    programme = (programme or "").strip().upper()
    if programme and not Programme.objects.filter(code=programme).exists():
        raise ValidationError(f"Programme inconnu : « {programme} ».", code="bad_programme")
    if year in ("", None):
        year = None
    else:
        try:
            year = int(year)
        except (TypeError, ValueError):
            raise ValidationError(f"Année invalide : « {year} ».", code="bad_year")
        if not 2000 <= year <= 2100:
            raise ValidationError(f"Année hors limites : {year}.", code="bad_year")
    region = (region or "").strip().upper()
    if region and region not in Region.values:
        raise ValidationError(f"Région inconnue : « {region} ».", code="bad_region")
    return Filters(programme=programme, year=year, region=region, public_only=bool(public_only))


def _resolve(as_of, filters: Filters | None, raw: dict) -> tuple[datetime.date, Filters]:
    return parse_as_of(as_of), filters or parse_filters(**raw)


_SHARED: ContextVar[dict | None] = ContextVar("reports_shared_snapshots", default=None)


@contextmanager
def shared_snapshot() -> Iterator[None]:
    """Indicators computed inside the block build each (day, filters, data version) snapshot once."""
    token = _SHARED.set({}) if _SHARED.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _SHARED.reset(token)


def snapshot(as_of: datetime.date, filters: Filters):
    shared = _SHARED.get()
    if shared is None:
        return build_snapshot(as_of, filters)
    key = (as_of, filters.as_key(), data_version())
    if key not in shared:
        shared[key] = build_snapshot(as_of, filters)
    return shared[key]


def get(key: str, as_of=None, filters: Filters | None = None, **raw_filters) -> pd.DataFrame:
    """The indicator's DataFrame on `as_of` (default today), cached until the data changes."""
    ind = indicator(key)
    day, filters = _resolve(as_of, filters, raw_filters)
    frame = cached("frame", (key, day, filters.as_key()), lambda: ind.func(snapshot(day, filters)))
    return frame.copy()


def build_all(
    as_of=None,
    filters: Filters | None = None,
    keys=None,
    progress: Callable[[int, int], None] | None = None,
    **raw_filters,
) -> dict[str, pd.DataFrame]:
    """Every (or the given) indicator for one day, sharing a single snapshot.

    `progress(done, total)` is called after each indicator (a background report's bar).
    """
    day, filters = _resolve(as_of, filters, raw_filters)
    keys = list(keys or INDICATORS)
    frames = {}
    with shared_snapshot():
        for done, key in enumerate(keys, start=1):
            frames[key] = get(key, day, filters)
            if progress is not None:
                progress(done, len(keys))
    return frames


def value(key: str, column: str, as_of=None, filters: Filters | None = None, **raw_filters) -> float:
    """One number for a "live figure": the sum of a column of an indicator (e.g. amount delegated)."""
    frame = get(key, as_of, filters, **raw_filters)
    if column not in frame.columns:
        raise ValidationError(f"Colonne inconnue pour « {key} » : « {column} ».", code="bad_column")
    return float(frame[column].sum())


@dataclass
class Table:
    """A DataFrame ready for a template: French headers, formatted cells, caption."""

    indicator: Indicator
    as_of: datetime.date
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    alt: str

    @property
    def labelled_rows(self) -> list[list[tuple[str, str]]]:
        """Rows as (header, cell) pairs, for tables that reflow into label/value lists on phones."""
        return [list(zip(self.headers, row, strict=True)) for row in self.rows]

    @property
    def as_of_label(self) -> str:
        return fmt.format_date(self.as_of)

    @property
    def caption(self) -> str:
        return f"{self.indicator.title} — au {fmt.format_date(self.as_of)}"


def table(key: str, as_of=None, filters: Filters | None = None, **raw_filters) -> Table:
    ind = indicator(key)
    day, filters = _resolve(as_of, filters, raw_filters)

    def build() -> Table:
        df = get(key, day, filters)
        rows = [[fmt.format_cell(row[c.name], c.kind) for c in ind.columns] for row in df.to_dict("records")]
        return Table(
            indicator=ind,
            as_of=day,
            headers=[c.label for c in ind.columns],
            rows=rows,
            numeric=[c.kind in ("money", "int", "days") for c in ind.columns],
            alt=ind.alt_text(df, day),
        )

    return cached("table", (key, day, filters.as_key()), build)


def chart(
    key: str,
    file_format: str = "svg",
    as_of=None,
    filters: Filters | None = None,
    size: str = "wide",
    **raw_filters,
) -> bytes:
    """The indicator's chart as SVG or PNG bytes (matplotlib Figure API, Agg), drawn "wide"
    (downloads, large screens) or "narrow" (phones; see `reports.charts.SIZES`)."""
    from .charts import SIZES, render

    ind = indicator(key)
    day, filters = _resolve(as_of, filters, raw_filters)
    if file_format not in ("svg", "png"):
        raise ValidationError(f"Format d'image inconnu : « {file_format} ».", code="bad_format")
    if size not in SIZES:
        raise ValidationError(f"Taille de graphique inconnue : « {size} ».", code="bad_size")
    return cached(
        "chart",
        (key, file_format, size, day, filters.as_key()),
        lambda: render(ind, get(key, day, filters), day, file_format, size),
    )


def download(key: str, file_format: str, as_of=None, filters: Filters | None = None, **raw_filters) -> bytes:
    """The indicator's data as CSV (`;`, UTF-8 with BOM, French headers) or XLSX."""
    from .exports import frame_to_csv, frames_to_xlsx

    ind = indicator(key)
    day, filters = _resolve(as_of, filters, raw_filters)
    if file_format == "csv":
        return cached("csv", (key, day, filters.as_key()), lambda: frame_to_csv(ind, get(key, day, filters)))
    if file_format == "xlsx":
        return cached(
            "xlsx", (key, day, filters.as_key()), lambda: frames_to_xlsx({key: get(key, day, filters)}, day)
        )
    raise ValidationError(f"Format de données inconnu : « {file_format} ».", code="bad_format")
