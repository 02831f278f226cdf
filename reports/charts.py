"""Charts drawn with matplotlib's object API on the Agg canvas (pyplot is never imported: its
global state is not thread-safe in a server). DSFR colours, French number formats.

Pages inline the SVG, scaled to the container's width through its viewBox, so the text size on
screen is font size × container width / figure width. Two sizes keep every text at 12 CSS px
or more: "narrow" for phones (drawn 330 units wide, shown 343 px wide at 375 px) and "wide"
for screens from 992 px (drawn 900 units wide, shown 944 px wide or more). Text stays text
(`svg.fonttype: none`), so screen readers and the browser tests can read it.
"""

from __future__ import annotations

import datetime
import io
import re
import textwrap
from dataclasses import dataclass

import matplotlib
import pandas as pd
from django.utils.html import escape
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

import formatting as fmt

from . import svg_styles
from .registry import Indicator

#: DSFR: bleu France, then illustrative colours (menthe, tournesol, glycine, terre battue).
PALETTE = ["#000091", "#009081", "#C3992A", "#A558A0", "#E4794A", "#6A6AF4"]
GREY = "#666666"
TEXT = "#161616"
OTHERS = "Autres"


@dataclass(frozen=True)
class Size:
    """Figure width in inches (72 SVG units each) and the smallest font size, in SVG units."""

    width: float
    font: float
    title: float
    wrap: int  # category labels are wrapped at this many characters


SIZES = {
    "narrow": Size(width=330 / 72, font=13, title=14, wrap=18),
    "wide": Size(width=900 / 72, font=12, title=15, wrap=40),
}


def _formatter(kind: str) -> FuncFormatter:
    if kind == "money":
        return FuncFormatter(lambda v, _pos: fmt.format_euros(v, compact=True))
    if kind == "days":
        return FuncFormatter(lambda v, _pos: fmt.format_days(v))
    return FuncFormatter(lambda v, _pos: fmt.format_number(v))


def _series(ind: Indicator, df: pd.DataFrame) -> tuple[list[str], dict[str, list[float]]]:
    spec = ind.chart
    labels_of = ind.labels()
    if spec.pivot:
        wide = df.pivot_table(index=spec.category, columns=spec.pivot, values=spec.values[0], sort=False)
        categories = [str(c) for c in wide.index]
        return categories, {str(col): wide[col].fillna(0).tolist() for col in wide.columns}
    frame = top_with_others(df, spec.category, spec.values, spec.max_items)
    categories = [category_label(c) for c in frame[spec.category]]
    return categories, {labels_of.get(v, v): frame[v].astype(float).tolist() for v in spec.values}


def category_label(value) -> str:
    """'2010' for a year pandas holds as 2010.0; the text otherwise."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def top_with_others(df: pd.DataFrame, category: str, values, limit: int | None) -> pd.DataFrame:
    """The first `limit - 1` rows (the frame is sorted, largest first) and one "Autres (n)" row
    summing the rest, so a chart of 34 disciplines stays readable; the table keeps every row."""
    if not limit or len(df) <= limit:
        return df
    head, rest = df.head(limit - 1), df.iloc[limit - 1 :]
    others = {category: f"{OTHERS} ({len(rest)})", **{v: float(rest[v].sum()) for v in values}}
    return pd.concat([head, pd.DataFrame([others])], ignore_index=True)


def build_figure(ind: Indicator, df: pd.DataFrame, as_of: datetime.date, size: str = "wide") -> Figure:
    """One bar chart (grouped when several series) with title, legend and French axis ticks."""
    dims = SIZES[size]
    categories, series = _series(ind, df)
    spec = ind.chart
    wrapped = [textwrap.fill(c, dims.wrap) for c in categories]
    fig = Figure(
        figsize=(dims.width, _height(spec, wrapped, len(series), size)), dpi=72, layout="constrained"
    )
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    if size == "wide":  # the narrow drawing only lives in pages, under the indicator's heading
        title = f"{ind.title}\nau {fmt.format_date(as_of)}"
        ax.set_title(title, loc="left", fontsize=dims.title, color=TEXT, fontweight="bold")
    if not categories:
        ax.text(
            0.5, 0.5, "Aucune donnée à cette date", ha="center", va="center", color=GREY, fontsize=dims.font
        )
        ax.set_axis_off()
        return fig
    _draw_bars(ax, series, len(categories), horizontal=spec.horizontal)
    _style_axes(ax, spec, categories, wrapped, size)
    if len(series) > 1:
        # Under the chart, never over a bar.
        fig.legend(
            frameon=False,
            fontsize=dims.font,
            loc="outside lower left",
            ncols=1 if size == "narrow" else len(series),
        )
    ax.tick_params(colors=TEXT, labelsize=dims.font)
    return fig


def _height(spec, wrapped: list[str], count: int, size: str) -> float:
    """Inches: a horizontal chart grows with its category lines (and series), up to 16."""
    if not spec.horizontal:
        return 4.6 if size == "wide" else 4.4
    lines = sum(max(1, w.count("\n") + 1) for w in wrapped)
    per_line = SIZES[size].font * 1.5 / 72
    return min(max(3.2, lines * per_line * max(1, count / 1.5) + 2.2), 16)


def _draw_bars(ax, series: dict, categories: int, *, horizontal: bool) -> None:
    """One bar per category and series, the series side by side within a category."""
    width = 0.8 / len(series)
    positions = range(categories)
    for index, (name, values) in enumerate(series.items()):
        offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
        colour = PALETTE[index % len(PALETTE)]
        if horizontal:
            ax.barh(offsets, values, height=width, label=name, color=colour)
        else:
            ax.bar(offsets, values, width=width, label=name, color=colour)


def _style_axes(ax, spec, categories: list[str], wrapped: list[str], size: str) -> None:
    """French value ticks, category labels (turned when crowded), grid and spines."""
    dims = SIZES[size]
    value_axis, category_axis = (ax.xaxis, ax.yaxis) if spec.horizontal else (ax.yaxis, ax.xaxis)
    value_axis.set_major_formatter(_formatter(spec.value_kind))
    if spec.horizontal:
        # Few ticks on a narrow axis: French amounts ("12,5 M€") need room.
        value_axis.set_major_locator(MaxNLocator(3 if size == "narrow" else 6))
    if spec.axis_label:
        value_axis.set_label_text(spec.axis_label, color=TEXT, fontsize=dims.font)
    category_axis.set_ticks(list(range(len(categories))))
    category_axis.set_ticklabels(wrapped, fontsize=dims.font)
    if spec.horizontal:
        ax.invert_yaxis()
        ax.grid(axis="x", color="#DDDDDD")
    else:
        ax.grid(axis="y", color="#DDDDDD")
        if size == "narrow" or len(categories) > 8 or max(len(c) for c in categories) > 6:
            for label in ax.get_xticklabels():
                label.set_rotation(90 if size == "narrow" else 45)
                label.set_horizontalalignment("center" if size == "narrow" else "right")
        if size == "narrow":
            value_axis.set_major_locator(MaxNLocator(4))
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def figure_bytes(fig: Figure, file_format: str, salt: str = "") -> bytes:
    buffer = io.BytesIO()
    metadata = {"Date": None} if file_format == "svg" else None
    # Text as <text> (not paths); a salt keeps element ids unique when several SVGs are inlined.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt or None}):
        fig.savefig(buffer, format=file_format, metadata=metadata, dpi=144 if file_format == "png" else 72)
    if file_format == "svg":
        return svg_styles.without_inline_styles(buffer.getvalue().decode()).encode()
    return buffer.getvalue()


def render(
    ind: Indicator, df: pd.DataFrame, as_of: datetime.date, file_format: str, size: str = "wide"
) -> bytes:
    fig = build_figure(ind, df, as_of, size)
    data = figure_bytes(fig, file_format, salt=f"{ind.key}-{size}")
    if file_format == "svg":
        # Screen readers: the SVG carries its title and description (the alt text).
        text = data.decode()
        end = text.index(">", text.index("<svg"))
        extra = f"<title>{escape(ind.title)}</title><desc>{escape(ind.alt_text(df, as_of))}</desc>"
        text = text[: end + 1] + extra + text[end + 1 :]
        data = text.replace("<svg ", '<svg role="img" ', 1).encode()
    return data


def inline_svg(data: bytes, *, css_class: str = "sirano-chart") -> str:
    """The SVG ready to sit inside a page: no XML prolog, no fixed width or height, so its
    viewBox scales it to the container's width (`width: 100%` in CSS)."""
    text = data.decode()
    text = text[text.index("<svg") :]
    head_end = text.index(">")
    head = re.sub(r'\s(width|height)="[^"]*"', "", text[:head_end])
    return f'{head} class="{css_class}"{text[head_end:]}'
