"""Charts drawn with matplotlib's object API on the Agg canvas (pyplot is never imported: its
global state is not thread-safe in a server). DSFR colours, French number formats.
"""

from __future__ import annotations

import datetime
import io

import pandas as pd
from django.utils.html import escape
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from . import formatting as fmt
from .registry import Indicator

#: DSFR: bleu France, then illustrative colours (menthe, tournesol, glycine, terre battue).
PALETTE = ["#000091", "#009081", "#C3992A", "#A558A0", "#E4794A", "#6A6AF4"]
GREY = "#666666"
TEXT = "#161616"


def _formatter(kind: str) -> FuncFormatter:
    if kind == "money":
        return FuncFormatter(lambda v, _pos: fmt.compact_euros(v))
    if kind == "days":
        return FuncFormatter(lambda v, _pos: fmt.days(v))
    return FuncFormatter(lambda v, _pos: fmt.number(v))


def _series(ind: Indicator, df: pd.DataFrame) -> tuple[list[str], dict[str, list[float]]]:
    spec = ind.chart
    labels_of = ind.labels()
    if spec.pivot:
        wide = df.pivot_table(index=spec.category, columns=spec.pivot, values=spec.values[0], sort=False)
        categories = [str(c) for c in wide.index]
        return categories, {str(col): wide[col].fillna(0).tolist() for col in wide.columns}
    frame = df.head(spec.max_items) if spec.max_items else df
    categories = [str(c) for c in frame[spec.category]]
    return categories, {labels_of.get(v, v): frame[v].astype(float).tolist() for v in spec.values}


def build_figure(ind: Indicator, df: pd.DataFrame, as_of: datetime.date) -> Figure:
    """One bar chart (grouped when several series) with title, legend and French axis ticks."""
    categories, series = _series(ind, df)
    spec = ind.chart
    height = max(3.8, 0.45 * len(categories) * max(1, len(series) / 1.5) + 1.6) if spec.horizontal else 4.6
    fig = Figure(figsize=(8, min(height, 14)), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    title = f"{ind.title}\nau {fmt.date(as_of)}"
    ax.set_title(title, loc="left", fontsize=14, color=TEXT, fontweight="bold")
    if not categories:
        ax.text(0.5, 0.5, "Aucune donnée à cette date", ha="center", va="center", color=GREY)
        ax.set_axis_off()
        return fig
    count = len(series)
    width = 0.8 / count
    positions = range(len(categories))
    for index, (name, values) in enumerate(series.items()):
        offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
        colour = PALETTE[index % len(PALETTE)]
        if spec.horizontal:
            ax.barh(offsets, values, height=width, label=name, color=colour)
        else:
            ax.bar(offsets, values, width=width, label=name, color=colour)
    value_axis, category_axis = (ax.xaxis, ax.yaxis) if spec.horizontal else (ax.yaxis, ax.xaxis)
    value_axis.set_major_formatter(_formatter(spec.value_kind))
    if spec.axis_label:
        value_axis.set_label_text(spec.axis_label, color=TEXT)
    category_axis.set_ticks(list(positions))
    category_axis.set_ticklabels(categories, fontsize=11)
    if spec.horizontal:
        ax.invert_yaxis()
        ax.grid(axis="x", color="#DDDDDD")
    else:
        ax.grid(axis="y", color="#DDDDDD")
        if len(categories) > 8 or max(len(c) for c in categories) > 6:
            for label in ax.get_xticklabels():
                label.set_rotation(45)
                label.set_horizontalalignment("right")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if count > 1:
        ax.legend(frameon=False, fontsize=11)
    ax.tick_params(colors=TEXT, labelsize=11)
    return fig


def figure_bytes(fig: Figure, file_format: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Date": None} if file_format == "svg" else None
    fig.savefig(buffer, format=file_format, metadata=metadata)
    return buffer.getvalue()


def render(ind: Indicator, df: pd.DataFrame, as_of: datetime.date, file_format: str) -> bytes:
    fig = build_figure(ind, df, as_of)
    data = figure_bytes(fig, file_format)
    if file_format == "svg":
        # Screen readers: the SVG carries its title and description (the alt text).
        text = data.decode()
        end = text.index(">", text.index("<svg"))
        extra = f"<title>{escape(ind.title)}</title><desc>{escape(ind.alt_text(df, as_of))}</desc>"
        text = text[: end + 1] + extra + text[end + 1 :]
        data = text.replace("<svg ", '<svg role="img" ', 1).encode()
    return data
