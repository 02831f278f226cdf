"""Which projects count as selected on a day, as a query condition (no model import, so the
money rules can use it): a project whose source gave only the year counts from that year's start."""

from __future__ import annotations

import datetime

from django.db import models


def selected_by(day: datetime.date, prefix: str = "") -> models.Q:
    """Projects selected on or before `day`; a project whose source gave only the year counts
    from that year's start (`Project.planning_start`). `prefix` reaches the project from a
    related model (`"milestone__project__"`)."""
    return models.Q(**{f"{prefix}selected_on__lte": day}) | models.Q(
        **{f"{prefix}selected_on__isnull": True, f"{prefix}call__year__lte": day.year}
    )
