"""Wagtail admin wiring for DGOS agents: each area registers its admin from its own module."""

from workflows.ingest import wagtail_hooks as ingest_hooks  # noqa: F401 (registers the import pages)
