"""The map of funding by region: an SVG drawn on the server from the bundled simplified regions
(`reports.geo`), coloured by the amount awarded, each region a link to the directory filtered
on it. Its figures are the `awards_by_region` indicator's, so map, table and downloads agree.

The SVG is inlined at the container's width (viewBox 600 wide); its only texts, the names of the
overseas insets, are 22 units high: 12.6 CSS px at 343 px (a 375 px phone), more above.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd
from django.utils.html import escape

import formatting as fmt
from workflows import links
from workflows.models import Region

from . import geo

VIEWBOX = (600, 560)
#: (x, y, width, height): metropolitan France, clear of the viewBox's edges by more than the
#: outlines (Corsica, the easternmost, touched x = 600 and was cut on phones).
METROPOLE_BOX = (150.0, 4.0, 444.0, 462.0)
INSET_SLOT = 112.0
LABEL_SIZE = 22
#: DSFR "bleu France" scale, lightest to darkest; grey for a region with no project
COLOURS = ("#E3E3FD", "#CACAFB", "#8585F6", "#6A6AF4", "#000091")
EMPTY = "#EEEEEE"
NAME_TO_CODE = {label: code for code, label in Region.choices}


@dataclass(frozen=True)
class RegionFigure:
    code: str
    name: str
    projects: int
    awarded: float
    delegated: float
    colour: str
    url: str

    @property
    def description(self) -> str:
        return (
            f"{self.name} : {fmt.format_number(self.projects)} projet{'s' if self.projects > 1 else ''}, "
            f"{fmt.format_euros(self.awarded)} attribués, {fmt.format_euros(self.delegated)} délégués"
        )


@dataclass(frozen=True)
class LegendClass:
    colour: str
    label: str


@dataclass(frozen=True)
class FundingMap:
    svg: str
    regions: list[RegionFigure]
    legend: list[LegendClass]
    as_of: datetime.date
    attribution: str = geo.ATTRIBUTION


@functools.cache
def _shapes() -> dict[str, list[list[tuple[float, float]]]]:
    """Every region's rings projected once in SVG units (metropolitan frame shared, insets own)."""
    bundled = geo.load_bundled()
    metropole = {code: r["polygons"] for code, r in bundled.items() if code not in geo.OVERSEAS}
    all_rings = [ring for rings in metropole.values() for ring in rings]
    projected_all = geo.project(all_rings, METROPOLE_BOX)
    shapes, start = {}, 0
    for code, rings in metropole.items():
        shapes[code] = projected_all[start : start + len(rings)]
        start += len(rings)
    for index, code in enumerate(geo.OVERSEAS):
        top = index * INSET_SLOT
        shapes[code] = geo.project(bundled[code]["polygons"], (6.0, top + 6.0, 128.0, INSET_SLOT - 40.0))
    return shapes


def _classes(values: list[float]) -> list[float]:
    """Upper bounds of up to 5 classes with about as many regions each (quantiles)."""
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return []
    count = min(len(COLOURS), len(positive))
    bounds = [
        positive[min(len(positive) - 1, round(len(positive) * (i + 1) / count) - 1)] for i in range(count)
    ]
    return sorted(set(bounds))


def build(frame: pd.DataFrame, as_of: datetime.date, directory_url: str | None = None) -> FundingMap:
    """The map of `frame`, the `awards_by_region` indicator on `as_of`; each region links to the
    directory (by default the public one, handed down by content: `workflows.links`)."""
    if directory_url is None:
        directory_url = links.path("directory")
    rows = {NAME_TO_CODE.get(str(r["label"]), str(r["label"])): r for r in frame.to_dict("records")}
    bounds = _classes([float(r["awarded"]) for r in rows.values()])
    palette = COLOURS[len(COLOURS) - len(bounds) :] if bounds else ()

    def colour(value: float) -> str:
        if value <= 0 or not bounds:
            return EMPTY
        return next(c for bound, c in zip(bounds, palette, strict=True) if value <= bound)

    regions = []
    for code, name in Region.choices:
        row = rows.get(code, {})
        awarded = float(row.get("awarded", 0.0))
        regions.append(
            RegionFigure(
                code=code,
                name=name,
                projects=int(row.get("projects", 0)),
                awarded=awarded,
                delegated=float(row.get("delegated", 0.0)),
                colour=colour(awarded),
                url=f"{directory_url}?{urlencode({'region': code})}",
            )
        )
    legend, low = [], 0.0
    for bound, c in zip(bounds, palette, strict=True):
        label = f"de {fmt.format_euros(low, compact=True)} à " if legend else "jusqu’à "
        legend.append(LegendClass(c, label + fmt.format_euros(bound, compact=True)))
        low = bound
    legend.append(LegendClass(EMPTY, "aucun projet"))
    return FundingMap(svg=_svg(regions, as_of), regions=regions, legend=legend, as_of=as_of)


def _svg(regions: list[RegionFigure], as_of: datetime.date) -> str:
    shapes = _shapes()
    width, height = VIEWBOX
    title = f"Financements attribués par région au {fmt.format_date(as_of)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="sirano-map" '
        f'role="group" aria-labelledby="carte-regions-titre">',
        f'<title id="carte-regions-titre">{escape(title)}</title>',
    ]
    for index in range(len(geo.OVERSEAS)):
        top = index * INSET_SLOT
        parts.append(
            f'<rect x="1" y="{top + 1:.0f}" width="138" height="{INSET_SLOT - 6:.0f}" fill="none" '
            f'stroke="#929292" stroke-width="1"/>'
        )
    for region in regions:
        rings = shapes.get(region.code)
        if not rings:
            continue
        parts.append(
            f'<a href="{escape(region.url)}" aria-label="{escape(region.description)}">'
            f'<path d="{geo.svg_path(rings)}" fill="{region.colour}" stroke="#FFFFFF" stroke-width="1" '
            f'data-region="{region.code}"><title>{escape(region.description)}</title></path></a>'
        )
    names = {r.code: r.name for r in regions}
    for index, code in enumerate(geo.OVERSEAS):
        y = index * INSET_SLOT + INSET_SLOT - 14
        parts.append(
            f'<text x="70" y="{y:.0f}" text-anchor="middle" font-size="{LABEL_SIZE}" fill="#161616" '
            f'aria-hidden="true">{escape(names[code])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
