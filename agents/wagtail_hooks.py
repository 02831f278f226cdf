"""Wagtail admin wiring for DGOS agents: each area registers its admin from its own module."""

from agents import (
    guide,  # noqa: F401  (the « Aide » menu: the agents' guide)
    snippets,  # noqa: F401  (registers the portfolio and catalogue snippets)
)
from agents.desk import hooks as desk_hooks  # noqa: F401  (agents desk)
from agents.ingest.documents import hooks as document_hooks  # noqa: F401  (legacy documents)
from agents.ingest.projects import hooks as import_hooks  # noqa: F401  (project imports)
from agents.reports import hooks as report_hooks  # noqa: F401  (DGOS dashboard, releases and reports)
