"""Wagtail admin wiring for DGOS agents: each area registers its admin from its own module."""

from workflows.desk import hooks as desk_hooks  # noqa: F401  (agents desk)
