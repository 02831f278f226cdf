"""`InList("project_id", ids)`: a filter on a column matching a page's ids, as one parameter.

`filter(project_id__in=ids)` writes one placeholder per id. With parameters bound on the server
(`sirano/settings.py`), psycopg parses the query text for its placeholders on every execution:
13 ms for a 1,000-row API page's registrations, more than the query takes to run. On
PostgreSQL this is `project_id = ANY(%s)` with the ids as one array; elsewhere the usual `IN`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import BooleanField, Expression, F


class InList(Expression):
    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, values: Iterable):
        super().__init__()
        self.column = F(column)
        self.values = list(values)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        if connection.vendor == "postgresql":
            return f"{sql} = ANY(%s)", [*params, self.values]
        if not self.values:
            return "1 = 0", list(params)
        return f"{sql} IN ({', '.join(['%s'] * len(self.values))})", [*params, *self.values]
