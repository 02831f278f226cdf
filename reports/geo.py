"""The regions geometry behind the funding map: simplification of the source shapes (done once,
by `manage.py build_regions_geometry`, into the bundled `reports/data/regions.geojson`) and the
projection of the bundled shapes to SVG paths.

Source: IGN Admin Express via gregoiredavid/france-geojson, Licence Ouverte / Etalab 2.0 (see
`reports/data/README.md`); the map credits it wherever it is shown.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

BUNDLED = Path(__file__).resolve().parent / "data" / "regions.geojson"
ATTRIBUTION = (
    "Contours des régions : IGN Admin Express (via france-geojson), Licence Ouverte / Etalab, simplifiés."
)

#: INSEE region code -> SIRANo `Region` code
INSEE_TO_REGION = {
    "11": "IDF",
    "24": "CVL",
    "27": "BFC",
    "28": "NOR",
    "32": "HDF",
    "44": "GES",
    "52": "PDL",
    "53": "BRE",
    "75": "NAQ",
    "76": "OCC",
    "84": "ARA",
    "93": "PAC",
    "94": "COR",
    "01": "GUA",
    "02": "MTQ",
    "03": "GUF",
    "04": "REU",
    "06": "MAY",
}
OVERSEAS = ("GUA", "MTQ", "GUF", "REU", "MAY")

Point = tuple[float, float]


def _distance_to_segment(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def simplify_line(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker: keep the points farther than `tolerance` from the simplified line."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        index, farthest = None, tolerance
        for i in range(first + 1, last):
            d = _distance_to_segment(points[i], points[first], points[last])
            if d > farthest:
                index, farthest = i, d
        if index is not None:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring_area(ring: list[Point]) -> float:
    return (
        abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2
    )


def simplify_collection(source: dict, *, tolerance: float = 0.02, min_area: float = 0.004) -> dict:
    """The source regions with simplified rings (degrees), small islets dropped, codes mapped,
    coordinates rounded to 0.001°. Overseas regions are drawn as insets, each at its own scale:
    their tolerance is relative to their size (a 15° wide metropolitan frame sets the base)."""
    features = []
    for feature in source["features"]:
        code = INSEE_TO_REGION[feature["properties"]["code"]]
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        )
        scale = 1.0
        if code in OVERSEAS:
            lons = [p[0] for polygon in polygons for p in polygon[0]]
            lats = [p[1] for polygon in polygons for p in polygon[0]]
            scale = max(max(lons) - min(lons), max(lats) - min(lats)) / 5.0
        kept = []
        for polygon in polygons:
            outer = [tuple(p) for p in polygon[0]]
            if ring_area(outer) < min_area * scale * scale:
                continue
            ring = simplify_line(outer, tolerance * scale)
            if len(ring) >= 4:
                kept.append([[[round(x, 3), round(y, 3)] for x, y in ring]])
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "insee": feature["properties"]["code"],
                    "nom": feature["properties"]["nom"],
                },
                "geometry": {"type": "MultiPolygon", "coordinates": kept},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def load_bundled() -> dict[str, dict]:
    """`{region code: {"name", "polygons": [[(lon, lat), …], …]}}` from the bundled file."""
    data = json.loads(BUNDLED.read_text(encoding="utf-8"))
    return {
        f["properties"]["code"]: {
            "name": f["properties"]["nom"],
            "polygons": [[tuple(p) for p in polygon[0]] for polygon in f["geometry"]["coordinates"]],
        }
        for f in data["features"]
    }


def project(polygons: list[list[Point]], box: tuple[float, float, float, float]) -> list[list[Point]]:
    """Equirectangular projection at the shapes' mean latitude, fitted (aspect kept) in `box`
    (x, y, width, height) of the SVG."""
    lons = [lon for ring in polygons for lon, _lat in ring]
    lats = [lat for ring in polygons for _lon, lat in ring]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    width, height = (max(lons) - min(lons)) * k, max(lats) - min(lats)
    x0, y0, box_w, box_h = box
    scale = min(box_w / width, box_h / height)
    dx, dy = x0 + (box_w - width * scale) / 2, y0 + (box_h - height * scale) / 2
    return [
        [(dx + (lon - min(lons)) * k * scale, dy + (max(lats) - lat) * scale) for lon, lat in ring]
        for ring in polygons
    ]


def svg_path(rings: list[list[Point]]) -> str:
    return " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + " Z" for ring in rings)
