"""Establishment-facing views of the portal."""
