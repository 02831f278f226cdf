"""The directory's base query: public projects with what a row shows. Read by the directory's
views and by the pages and blocks that list projects (`content.models`, `content.blocks`)."""

from __future__ import annotations

from django.db.models import QuerySet

from workflows.models import Project


def directory_queryset() -> QuerySet[Project]:
    return Project.objects.public().select_related(
        "call__programme", "establishment", "investigator", "discipline"
    )
