"""A project's trial registrations as one column of its row (`with_registrations`), read back as
registration records (`registrations_of`).

The project page and the API's list read them with a second query over the page's projects
(a prefetch): a round trip and a query to build on every cold page. Here they come with the
project's own row, from a correlated subquery (`dbtools.json_rows.JSONRows`), sorted by
identifier as the model's ordering sorts them.
"""

from __future__ import annotations

import json

from django.db.models import OuterRef, QuerySet, Subquery, TextField

from dbtools.json_rows import JSONRows
from workflows.models import Project, TrialRegistration

#: the annotation `with_registrations` adds
COLUMN = "registrations_json"


def with_registrations(queryset: QuerySet[Project]) -> QuerySet[Project]:
    """`queryset` with each project's registrations in `COLUMN` (read it with `registrations_of`)."""
    rows = (
        Project.registrations.through.objects.filter(project_id=OuterRef("pk"))
        .order_by()
        .values("project_id")
        .annotate(rows=JSONRows("trialregistration__registry", "trialregistration__identifier"))
        .values("rows")
    )
    return queryset.annotate(**{COLUMN: Subquery(rows, output_field=TextField())})


def registrations_of(column: str | None) -> list[TrialRegistration]:
    """The registrations `COLUMN` holds, as (unsaved) records sorted by identifier."""
    pairs = json.loads(column) if column else []
    return [
        TrialRegistration(registry=registry, identifier=identifier)
        for registry, identifier in sorted(pairs, key=lambda pair: pair[1])
    ]
