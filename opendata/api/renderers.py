"""CSV for people who open API answers in a spreadsheet: UTF-8 with BOM, `,`, one row per result.

Nested objects become `parent.child` columns, lists of values are joined with `|`; the
header follows the serializer's fields, so an empty page still has its columns. Rows are
produced one at a time (`iter_csv`), so the same code can feed a StreamingHttpResponse.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from fileformats import csv as safe_csv


class _Line:
    def __init__(self) -> None:
        self.value = ""

    def write(self, text: str) -> None:
        self.value = text


def columns_for(serializer: serializers.Serializer, prefix: str = "") -> list[str]:
    """Flattened column names for one serializer's visible fields."""
    names = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.Serializer) and not isinstance(field, serializers.ListSerializer):
            names.extend(columns_for(field, f"{prefix}{name}."))
        else:
            names.append(f"{prefix}{name}")
    return names


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if all(not isinstance(item, dict | list) for item in value):
            return "|".join(_cell(item) for item in value)
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _flat(row: dict, columns: list[str]) -> list[str]:
    cells = []
    for column in columns:
        value = row
        for part in column.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        cells.append(_cell(value))
    return cells


def iter_csv(rows: Iterable[dict], columns: list[str]) -> Iterator[str]:
    line = _Line()
    writer = safe_csv.writer(line, lineterminator="\r\n")
    writer.writerow(columns)
    yield line.value
    for row in rows:
        writer.writerow(_flat(row, columns))
        yield line.value


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        renderer_context = renderer_context or {}
        view = renderer_context.get("view")
        rows = data.get("results", [data]) if isinstance(data, dict) else data
        if view is not None and hasattr(view, "get_serializer"):
            columns = columns_for(view.get_serializer())
        else:
            columns = list(rows[0]) if rows else []
        response = renderer_context.get("response")
        if response is not None and view is not None and getattr(view, "action", None) == "retrieve":
            name = getattr(view, "kwargs", {}).get(view.lookup_field, "export")
            response["Content-Disposition"] = f'inline; filename="{name}.csv"'
        return ("\ufeff" + "".join(iter_csv(rows, columns))).encode("utf-8")
