"""The API's two formats.

JSON: DRF's `JSONRenderer`, its bytes written by orjson. `json.dumps` spent 14 ms of a 1,000-row
page (930 KB) in Python; orjson writes the same bytes in about a tenth of that. Whatever orjson
writes differently is handed to DRF's own encoder or renderer: dates and times (DRF writes
UTC as `Z`), decimals, lazy translations and every other type through `JSONEncoder.default`;
an indented answer (`Accept: application/json; indent=4`), or a value orjson refuses (an
integer past 64 bits), through `JSONRenderer.render` itself. Two differences, on floats no
answer holds: a float under 10⁻⁴ is spelled otherwise (`1e-7` for `1e-07`, `0.000025` for
`2.5e-05`: the same number), and NaN or an infinity is written `null` where DRF refuses it.
`tests/opendata/api/test_api_json.py` holds the two to the same bytes.

CSV, for people who open API answers in a spreadsheet: UTF-8 with BOM, `,`, one row per result.
Nested objects become `parent.child` columns, lists of values are joined with `|`; the
header follows the serializer's fields, so an empty page still has its columns. Rows are
produced one at a time (`iter_csv`), so the same code can feed a StreamingHttpResponse.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from decimal import Decimal

import orjson
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer

from fileformats import csv as safe_csv

#: orjson options matching DRF's compact, unescaped JSON (non-string keys written as strings, as
#: `json.dumps` does; dates, times and dataclasses left to DRF's encoder)
_ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


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


class _Default:
    """What orjson cannot write, as DRF's encoder writes it; a decimal (every amount of a row)
    first, without the encoder's chain of type checks."""

    def __init__(self, encoder_default):
        self.encoder_default = encoder_default

    def __call__(self, value):
        if type(value) is Decimal:
            return float(value)
        return self.encoder_default(value)


class FastJSONRenderer(JSONRenderer):
    """`JSONRenderer`'s bytes, written by orjson (see the module's docstring)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if (
            not self.compact
            or self.ensure_ascii
            or self.get_indent(accepted_media_type, renderer_context or {}) is not None
        ):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=_Default(self.encoder_class().default), option=_ORJSON_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        # as DRF: U+2028 and U+2029 escaped, so the answer is also valid JavaScript
        return body.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
