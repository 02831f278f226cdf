"""One project: milestone timeline, tranches, documents and the history of its requests."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from portal import history, selectors
from portal.access import PortalMixin
from workflows import rules
from workflows import selectors as ledger
from workflows.models import CLOSED_PROJECT_STATES, ProjectMilestone, TrancheRequest, TrancheStatus

CLOSED_STATES = (TrancheStatus.REJECTED, TrancheStatus.WITHDRAWN)


@dataclass
class TimelineStep:
    milestone: ProjectMilestone
    state: str
    state_label: str
    open_request: TrancheRequest | None
    can_declare: bool
    #: why the milestone cannot be declared (French), shown instead of the button
    refusal: str | None = None


def milestone_state(milestone: ProjectMilestone, today) -> tuple[str, str]:
    if milestone.reached_before_sirano and not milestone.declared_on:
        return "verified", _("atteint avant SIRANo")
    if milestone.verified_at:
        return "verified", _("vérifié")
    if milestone.declared_on:
        return "declared", _("déclaré")
    if milestone.project.status in CLOSED_PROJECT_STATES:
        return "closed", _("non atteint, projet clos")
    if milestone.planned_date < today:
        return "late", _("en retard")
    return "planned", _("prévu")


def build_timeline(milestones: list[ProjectMilestone], *, can_act: bool, today) -> list[TimelineStep]:
    """Read from prefetched requests only: no query per milestone."""
    steps = []
    for milestone in milestones:
        state, label = milestone_state(milestone, today)
        open_request = next(
            (r for r in milestone.tranche_requests.all() if r.status not in CLOSED_STATES), None
        )
        refusal = rules.milestone_refusal(milestone, milestones) if can_act and open_request is None else None
        steps.append(
            TimelineStep(
                milestone=milestone,
                state=state,
                state_label=label,
                open_request=open_request,
                can_declare=can_act
                and milestone.verified_at is None
                and open_request is None
                and not refusal,
                refusal=refusal,
            )
        )
    return steps


class ProjectDetailView(PortalMixin, TemplateView):
    template_name = "portal/project_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = selectors.get_project(self.scope, self.kwargs["public_id"])
        milestones = selectors.project_timeline(project)
        today = timezone.localdate()
        requests = [r for m in milestones for r in m.tranche_requests.all()]
        for milestone in milestones:
            milestone.project = project  # the rules read its status without a query per milestone
        context.update(
            project=project,
            money=ledger.project_money(project),
            timeline=build_timeline(milestones, can_act=self.scope.can_act_on(project), today=today),
            tranche_requests=sorted(requests, key=lambda r: (r.milestone_id, r.created_at)),
            documents=[d for r in requests for d in r.documents.all()],
            history=history.describe_all(selectors.project_history(project)),
            can_act=self.scope.can_act_on(project),
            milestones_by_id={m.pk: m for m in milestones},
        )
        return context
