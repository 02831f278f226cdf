"""Wagtail admin wiring for DGOS agents: each area registers its admin from its own module."""

from workflows import admin_snippets  # noqa: F401  (registers the portfolio and catalogue snippets)
from workflows.desk import hooks as desk_hooks  # noqa: F401  (agents desk)
from workflows.documents_import import wagtail_hooks as document_hooks  # noqa: F401 (legacy documents)
from workflows.ingest import wagtail_hooks as ingest_hooks  # noqa: F401 (registers the import pages)
