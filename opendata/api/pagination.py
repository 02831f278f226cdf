"""Keyset (cursor) pagination: stable under inserts, constant cost at any depth, no offset.

The ordering chosen by `?ordering=` is completed with a unique tie-breaker, and the cursor
carries the sort values of the page's edge row, signed so a client cannot forge SQL input.
Walking `next` links returns every row exactly once, however deep one goes.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Q
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan, TupleLookupMixin
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from web.absolute_urls import absolute_url

_SALT = "sirano.api.cursor"


class _RowValue:
    """A row-value comparison on SQLite as well. Django writes SQLite the `OR` of per-column
    clauses (its tuple lookups are off there), which SQLite's planner answers by reading and
    sorting every later row; SQLite has row values (3.15+) and reads the page's index from the
    cursor for them, as PostgreSQL does."""

    def as_sqlite(self, compiler, connection):
        return super(TupleLookupMixin, self).as_sql(compiler, connection)


class _RowAfter(_RowValue, TupleGreaterThan):
    pass


class _RowBefore(_RowValue, TupleLessThan):
    pass


class InvalidCursor(exceptions.NotFound):
    error_code = "invalid_cursor"
    default_detail = "Curseur de pagination invalide : repartez du lien « next » d'une réponse."


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _value(obj, path: str):
    if isinstance(obj, dict):  # a `values()` row keeps its ordering paths as keys
        return obj[path]
    for attr in path.split("__"):
        obj = getattr(obj, attr)
    return obj


class KeysetPagination(BasePagination):
    """Views declare `orderings` (public name -> model paths), `default_ordering`, `tiebreak`."""

    page_size = 100
    max_page_size = 1000
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering_query_param = "ordering"

    def _page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Entier attendu entre 1 et %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def _keys(self, request, view) -> tuple[str, list[tuple[str, bool]]]:
        name = request.query_params.get(self.ordering_query_param) or view.default_ordering
        descending = name.startswith("-")
        paths = view.orderings.get(name.lstrip("-"))
        if paths is None:
            allowed = ", ".join(sorted(view.orderings))
            raise exceptions.ValidationError(
                {
                    self.ordering_query_param: [
                        _(
                            "Tri inconnu « %(value)s ». Valeurs permises (préfixe « - » pour décroissant) : %(allowed)s."
                        )
                        % {"value": name, "allowed": allowed}
                    ]
                }
            )
        keys = [(path, descending) for path in paths]
        if view.tiebreak not in paths:
            keys.append((view.tiebreak, descending))
        return name, keys

    @staticmethod
    def _after(keys: list[tuple[str, bool]], values: list, reverse: bool):
        """Rows strictly after `values` in the (possibly reversed) key order.

        One row-value comparison, `(award_amount, public_id) > (x, y)`: an index on the same
        columns answers it in order and stops at the page's end, so a page costs the same at any
        depth (an `OR` of per-column clauses made PostgreSQL fetch and sort every later row).
        Every key shares one direction. SQLite gets the row value too (`_RowAfter`).
        """
        before = keys[0][1] != reverse
        if len(keys) == 1:
            return Q(**{f"{keys[0][0]}__{'lt' if before else 'gt'}": values[0]})
        lookup = _RowBefore if before else _RowAfter
        return lookup(Tuple(*(F(path) for path, _descending in keys)), list(values))

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size_value = self._page_size(request)
        name, keys = self._keys(request, view)
        self.ordering_name = name
        self.keys = keys
        raw = request.query_params.get(self.cursor_query_param)
        direction, values = "n", None
        if raw:
            try:
                payload = signing.loads(raw, salt=_SALT)
                direction, ordering, values = payload["d"], payload["o"], payload["v"]
            except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
                raise InvalidCursor() from exc
            if ordering != name or direction not in ("n", "p") or len(values) != len(keys):
                raise InvalidCursor()
        reverse = direction == "p"
        order = [("-" if descending != reverse else "") + path for path, descending in keys]
        queryset = queryset.order_by(*order)
        if values is not None:
            try:
                queryset = queryset.filter(self._after(keys, values, reverse))
            except (DjangoValidationError, ValueError, TypeError) as exc:
                raise InvalidCursor() from exc
        rows = list(queryset[: self.page_size_value + 1])
        has_more = len(rows) > self.page_size_value
        rows = rows[: self.page_size_value]
        if reverse:
            rows.reverse()
            self.has_next, self.has_previous = True, has_more
        else:
            self.has_next, self.has_previous = has_more, values is not None
        self.rows = rows
        return rows

    def _link(self, row, direction: str) -> str:
        values = [_plain(_value(row, path)) for path, _desc in self.keys]
        token = signing.dumps({"d": direction, "o": self.ordering_name, "v": values}, salt=_SALT)
        url = absolute_url(self.request.get_full_path())
        return replace_query_param(url, self.cursor_query_param, token)

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.rows:
            return None
        return self._link(self.rows[-1], "n")

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if not self.rows:
            return remove_query_param(absolute_url(self.request.get_full_path()), self.cursor_query_param)
        return self._link(self.rows[0], "p")

    def get_paginated_response(self, data):
        next_link, previous_link = self.get_next_link(), self.get_previous_link()
        links = [
            f'<{url}>; rel="{rel}"' for url, rel in ((next_link, "next"), (previous_link, "prev")) if url
        ]
        headers = {"Link": ", ".join(links)} if links else None
        return Response(
            OrderedDict([("next", next_link), ("previous", previous_link), ("results", data)]),
            headers=headers,
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view):
        orderings = sorted(view.orderings)
        return [
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": _("Curseur opaque : suivez les liens « next » / « previous » des réponses."),
                "schema": {"type": "string", "minLength": 1, "pattern": "^[A-Za-z0-9_:=-]+$"},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": _("Nombre de résultats par page (%(default)s par défaut, %(max)s au plus).")
                % {"default": self.page_size, "max": self.max_page_size},
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
            {
                "name": self.ordering_query_param,
                "in": "query",
                "required": False,
                "description": _("Tri ; préfixe « - » pour l'ordre décroissant (défaut : %(default)s).")
                % {"default": view.default_ordering},
                "schema": {"type": "string", "enum": [v for o in orderings for v in (o, f"-{o}")]},
            },
        ]
