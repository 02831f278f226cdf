"""Keeps each project's search document, the SQLite FTS5 rows and the vocabulary up to date.

`refresh_projects` rewrites the documents of some projects in a constant number of queries per
batch; bulk paths (import, demo seeding) call it after their inserts and signals call it after
every save of a project, establishment, investigator, discipline or registration link.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_save

from dbtools.bulk import insert_many
from search.text import compact, lexemes, words
from workflows.models import (
    Discipline,
    Establishment,
    Investigator,
    Project,
    ProjectSearchDocument,
    Region,
    SearchTerm,
    TrialRegistration,
)

BATCH_SIZE = 1000
FTS_TABLE = "workflows_projectsearch_fts"
FTS_COLUMNS = ("identifiers", "acronym", "title", "body")
_REGION_LABELS = dict(Region.choices)
_FIELDS = (
    "pk",
    "public_id",
    "acronym",
    "title",
    "summary",
    "discipline_raw",
    "discipline__label",
    "investigator__first_name",
    "investigator__last_name",
    "establishment__name",
    "establishment__finess",
    "establishment__region",
)


def build_document(row: dict, registry_ids: Iterable[str]) -> ProjectSearchDocument:
    """The search document of one project row (`_FIELDS` values) and its trial-registry ids."""
    raw_ids = [row["public_id"], row["establishment__finess"], *sorted(registry_ids)]
    keys = [compact(value) for value in raw_ids if value]
    identifier_words = [*keys, *(word for value in raw_ids for word in words(value or ""))]
    body_parts = (
        row["summary"],
        row["discipline_raw"],
        row["discipline__label"],
        row["investigator__first_name"],
        row["investigator__last_name"],
        row["establishment__name"],
        _REGION_LABELS.get(row["establishment__region"], ""),
    )
    return ProjectSearchDocument(
        project_id=row["pk"],
        acronym_key=compact(row["acronym"])[:100],
        identifier_keys=f" {' '.join(keys)} ",
        identifiers=" ".join(dict.fromkeys(identifier_words)),
        acronym=" ".join(words(row["acronym"])),
        title=" ".join(words(row["title"])),
        body=" ".join(words(" ".join(part or "" for part in body_parts))),
    )


def _vocabulary(document: ProjectSearchDocument) -> set[str]:
    text = f"{document.acronym} {document.title} {document.body}"
    return {word for word in text.split() if word.isalpha() and 3 <= len(word) <= 100}


def _write_fts(documents: list[ProjectSearchDocument], ids: list[int]) -> None:
    if connection.vendor != "sqlite":
        return
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", ids)  # noqa: S608
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, {', '.join(FTS_COLUMNS)}) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
            [(d.project_id, *(lexemes(getattr(d, column)) for column in FTS_COLUMNS)) for d in documents],
        )


def _refresh_batch(ids: list[int]) -> Counter:
    rows = list(Project.objects.filter(pk__in=ids).values(*_FIELDS))
    registrations: dict[int, list[str]] = {}
    through = Project.registrations.through.objects.filter(project_id__in=ids)
    for project_id, identifier in through.values_list("project_id", "trialregistration__identifier"):
        registrations.setdefault(project_id, []).append(identifier)
    documents = [build_document(row, registrations.get(row["pk"], ())) for row in rows]
    ProjectSearchDocument.objects.filter(project_id__in=ids).delete()
    insert_many(ProjectSearchDocument, documents)
    _write_fts(documents, ids)
    counts: Counter = Counter()
    for document in documents:
        counts.update(_vocabulary(document))
    return counts


def refresh_projects(project_ids: Iterable[int]) -> None:
    """Rewrite the documents of these projects and add their new words to the vocabulary."""
    ids = sorted(set(project_ids))
    if not ids:
        return
    with transaction.atomic():
        counts: Counter = Counter()
        for start in range(0, len(ids), BATCH_SIZE):
            counts.update(_refresh_batch(ids[start : start + BATCH_SIZE]))
        # Counts of existing words are exact after `rebuild`; new words start with this batch's.
        SearchTerm.objects.bulk_create(
            [SearchTerm(word=word, documents=count) for word, count in counts.items()],
            ignore_conflicts=True,
            batch_size=BATCH_SIZE,
        )


def rebuild() -> int:
    """Every document and the whole vocabulary from scratch (`manage.py rebuild_search_index`)."""
    with transaction.atomic():
        ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
        ProjectSearchDocument.objects.all().delete()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
        counts: Counter = Counter()
        for start in range(0, len(ids), BATCH_SIZE):
            counts.update(_refresh_batch(ids[start : start + BATCH_SIZE]))
        SearchTerm.objects.all().delete()
        SearchTerm.objects.bulk_create(
            [SearchTerm(word=word, documents=count) for word, count in counts.items()],
            batch_size=BATCH_SIZE,
        )
    return len(ids)


# Signals: every save through the ORM keeps the index current.


def _project_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        refresh_projects([instance.pk])


def _related_saved(sender, instance, raw=False, created=False, **kwargs) -> None:
    if raw or created:
        return  # a new establishment, investigator, discipline or registration has no project yet
    refresh_projects(list(instance.projects.values_list("pk", flat=True)))


def _registrations_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_projects([instance.pk])
    elif pk_set:
        refresh_projects(pk_set)


def connect_signals() -> None:
    post_save.connect(_project_saved, sender=Project, dispatch_uid="search-project")
    for model in (Establishment, Investigator, Discipline, TrialRegistration):
        post_save.connect(_related_saved, sender=model, dispatch_uid=f"search-{model.__name__}")
    m2m_changed.connect(
        _registrations_changed, sender=Project.registrations.through, dispatch_uid="search-registrations"
    )
