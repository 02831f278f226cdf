"""Wagtail admin wiring for DGOS agents: each area registers its admin from its own module."""
