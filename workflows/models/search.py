"""The stored search document of each project and the vocabulary typos are corrected against.

Both are derived data, rewritten by `search.index` whenever a project, its
establishment, investigator, discipline or registrations change; never edited by hand.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .projects import Project


class ProjectSearchDocument(models.Model):
    """One row per project: its searchable fields folded, reduced and split by weight.

    PostgreSQL adds a generated, GIN-indexed `tsvector` column over these texts and SQLite an FTS5
    table (see migration 0004); identifier and acronym keys give exact hits their first place.
    """

    # A derived index row: deleting a project (never done in normal use) drops it too.
    project = models.OneToOneField(
        Project, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    acronym_key = models.CharField(max_length=100, db_index=True)
    identifier_keys = models.TextField(help_text="' id1 id2 … ': compact identifiers, space-delimited")
    identifiers = models.TextField(blank=True)
    acronym = models.TextField(blank=True)
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        verbose_name = _("document de recherche d'un projet")
        verbose_name_plural = _("documents de recherche des projets")

    def __str__(self) -> str:
        return f"{self.project_id}: {self.acronym}"


class SearchTerm(models.Model):
    """A reduced word of the documents, with how many documents hold it (typos, suggestions)."""

    word = models.CharField(max_length=100, unique=True)
    documents = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("terme de recherche")
        verbose_name_plural = _("termes de recherche")

    def __str__(self) -> str:
        return self.word
