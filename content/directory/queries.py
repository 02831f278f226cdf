"""The directory's base query: public projects with what a row shows. Read by the directory's
views and by the pages and blocks that list projects (`content.models`, `content.blocks`)."""

from __future__ import annotations

from django.db.models import QuerySet

from workflows.models import Project


def directory_queryset() -> QuerySet[Project]:
    return Project.objects.public().select_related(
        "call__programme", "establishment", "investigator", "discipline"
    )


#: what a project's card shows (`content.directory.cards`), and the relations it follows
CARD_FIELDS = (
    "public_id",
    "acronym",
    "title",
    "award_amount",
    "call__code",
    "call__year",
    "discipline__label",
    "establishment__name",
    "establishment__region",
)


def card_queryset() -> QuerySet[Project]:
    """Public projects with only what a card shows: the directory's rows and a project's
    neighbours leave the summary, the budget and the investigator in the table."""
    return Project.objects.public().select_related("call", "discipline", "establishment").only(*CARD_FIELDS)
