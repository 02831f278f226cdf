"""Deterministic demo data (never loaded outside DEBUG)."""
