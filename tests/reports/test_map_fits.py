"""The funding map keeps every region inside its drawing (issue 27, item 2): Corsica touched the
right edge of the viewBox (x = 600 of 600), so its coast and outline were cut on a phone."""

from __future__ import annotations

import datetime
import re

import pandas as pd

from reports import regions_map

#: SVG units kept free inside the viewBox: more than the regions' outline (stroke-width 1)
#: plus the focus outline (stroke-width 3, half of it outside the shape).
MARGIN = 2.0


def test_every_region_is_drawn_inside_the_viewbox_with_a_margin():
    frame = pd.DataFrame([{"label": "Corse", "projects": 1, "awarded": 100000.0, "delegated": 0.0}])
    svg = regions_map.build(frame, datetime.date(2026, 1, 1)).svg
    width, height = regions_map.VIEWBOX
    assert f'viewBox="0 0 {width} {height}"' in svg
    paths = re.findall(r'<path d="([^"]+)"[^>]*data-region="(\w+)"', svg)
    assert len(paths) == 18
    for path, region in paths:
        points = [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", path)]
        xs, ys = [x for x, _ in points], [y for _, y in points]
        assert min(xs) >= MARGIN and max(xs) <= width - MARGIN, (region, min(xs), max(xs))
        assert min(ys) >= MARGIN and max(ys) <= height - MARGIN, (region, min(ys), max(ys))
