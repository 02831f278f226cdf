"""OpenAPI generation hooks: the schema documents SIRANo's own API, not Wagtail's admin API."""

from __future__ import annotations


def exclude_admin_endpoints(endpoints: list[tuple]) -> list[tuple]:
    """Drop /admin/ endpoints (Wagtail's internal admin API is neither public nor ours)."""
    return [endpoint for endpoint in endpoints if not endpoint[0].startswith("/admin/")]
