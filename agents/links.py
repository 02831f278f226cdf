"""The agents' addresses handed down to the domain and the shared services (`workflows.links`):
mails point agents to the desk; the security headers know where the admin starts."""

from __future__ import annotations

from django.urls import reverse

from workflows import links


def register() -> None:
    links.register("admin_home", lambda: reverse("wagtailadmin_home"))
    links.register("agents_two_factor_verify", lambda: reverse("agents_two_factor_verify"))
    links.register("agents_two_factor_enrol", lambda: reverse("agents_two_factor_enrol"))
    links.register("desk_request", lambda pk: reverse("workflows_desk:request_inspect", args=[pk]))
    # the desk's modeladmin (agents/desk/admin.py: LateMilestoneAdmin) names its index this way
    links.register("late_milestones", lambda: reverse("workflows_latemilestone_modeladmin_index"))
