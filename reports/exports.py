"""Indicator tables as files: CSV (`;`, UTF-8 with BOM for spreadsheet software), XLSX (one
sheet per indicator, French headers) and a PDF summary (title page + one page per chart and its
table), all without pyplot.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_pdf import FigureCanvasPdf, PdfPages
from matplotlib.figure import Figure

import formatting as fmt
from fileformats import csv as safe_csv
from fileformats import xlsx as safe_xlsx

from .charts import build_figure
from .registry import INDICATORS, Indicator


def display_frame(ind: Indicator, df: pd.DataFrame) -> pd.DataFrame:
    """Only the documented columns, French headers, raw values (numbers stay numbers)."""
    out = df[[c.name for c in ind.columns]].copy()
    return out.rename(columns=ind.labels())


def frame_to_csv(ind: Indicator, df: pd.DataFrame) -> bytes:
    text = safe_csv.frame_to_csv(
        display_frame(ind, df), sep=";", index=False, decimal=",", lineterminator="\r\n"
    )
    return text.encode("utf-8-sig")


def _sheet_name(ind: Indicator, used: set[str]) -> str:
    base = ind.title.replace("'", " ")
    for char in "[]:*?/\\":
        base = base.replace(char, " ")
    name = base[:31].strip()
    suffix = 2
    while name in used:
        name = f"{base[:28].strip()} {suffix}"
        suffix += 1
    used.add(name)
    return name


def frames_to_xlsx(frames: dict[str, pd.DataFrame], as_of: datetime.date, target=None) -> bytes | None:
    """One sheet per indicator (title, date and source in the first rows, then the table)."""
    buffer = target or io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for key, df in frames.items():
            ind = INDICATORS[key]
            sheet = _sheet_name(ind, used)
            display_frame(ind, df).to_excel(writer, sheet_name=sheet, index=False, startrow=3)
            ws = writer.sheets[sheet]
            safe_xlsx.neutralise_sheet(ws, min_row=4)
            ws["A1"] = ind.title
            ws["A2"] = f"Au {fmt.format_date(as_of)} — source : SIRANo (DGOS). {ind.description}"
            for index, column in enumerate(ind.columns, start=1):
                letter = ws.cell(row=4, column=index).column_letter
                ws.column_dimensions[letter].width = 42 if column.kind == "text" else 20
                if column.kind == "money":
                    for row in ws.iter_rows(min_row=5, min_col=index, max_col=index):
                        row[0].number_format = '#,##0 "€"'
    if target is None:
        return buffer.getvalue()
    return None


def _table_figure(ind: Indicator, df: pd.DataFrame, as_of: datetime.date, max_rows: int = 30) -> Figure:
    fig = Figure(figsize=(8.27, 11.69))
    FigureCanvasPdf(fig)
    chart_ax = fig.add_axes((0.1, 0.52, 0.85, 0.42))
    sub = build_figure(ind, df, as_of)
    # Redraw the chart into this page: render it as an image, then place it.
    buffer = io.BytesIO()
    sub.savefig(buffer, format="png", dpi=110)
    buffer.seek(0)
    import matplotlib.image as mpimg

    chart_ax.imshow(mpimg.imread(buffer))
    chart_ax.set_axis_off()
    table_ax = fig.add_axes((0.05, 0.04, 0.9, 0.44))
    table_ax.set_axis_off()
    cells = [
        [fmt.format_cell(row[c.name], c.kind) for c in ind.columns]
        for row in df.head(max_rows).to_dict("records")
    ]
    if cells:
        table = table_ax.table(
            cellText=cells, colLabels=[c.label for c in ind.columns], loc="upper center", cellLoc="left"
        )
        table.auto_set_font_size(False)
        table.set_fontsize(7)
        table.scale(1, 1.2)
    note = f"{len(df)} lignes" + (
        f" ({max_rows} premières affichées ; toutes dans le classeur XLSX)" if len(df) > max_rows else ""
    )
    fig.text(0.05, 0.015, note, fontsize=7, color="#666666")
    return fig


def write_pdf(
    frames: dict[str, pd.DataFrame],
    as_of: datetime.date,
    path: Path,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Title page then one page per indicator: its chart and its table.

    `progress(done, total)` is called after each indicator's page.
    """
    with PdfPages(
        path, metadata={"Title": f"Indicateurs SIRANo au {fmt.format_date(as_of)}", "Creator": "SIRANo"}
    ) as pdf:
        cover = Figure(figsize=(8.27, 11.69))
        FigureCanvasPdf(cover)
        cover.text(0.1, 0.7, "SIRANo — indicateurs", fontsize=26, color="#000091", fontweight="bold")
        cover.text(0.1, 0.64, f"Situation au {fmt.format_date(as_of)}", fontsize=16)
        cover.text(0.1, 0.6, "Direction générale de l'offre de soins (DGOS)", fontsize=12)
        for offset, key in enumerate(frames):
            cover.text(0.12, 0.52 - offset * 0.025, f"• {INDICATORS[key].title}", fontsize=10)
        pdf.savefig(cover)
        for done, (key, df) in enumerate(frames.items(), start=1):
            pdf.savefig(_table_figure(INDICATORS[key], df, as_of))
            if progress is not None:
                progress(done, len(frames))
