"""Desk pages for a project's lifecycle: status decisions (abandon, lapse, complete, resume)
and out-of-order milestone declarations. Each POST calls one audited service."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from formatting import format_date
from workflows import project_status, rules, selectors, services
from workflows.models import Project, ProjectMilestone

VIEW_PROJECT_PERM = "workflows.view_project"
EXCEPTION_PERM = "workflows.allow_out_of_order_milestone"


class StatusDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_lazy("Décision"))
    effective_on = forms.DateField(
        label=_lazy("Date d'effet"), widget=forms.DateInput(attrs={"type": "date"}), required=True
    )
    comment = forms.CharField(label=_lazy("Motif"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, project: Project, offered: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        available = project_status.available_decisions(project)
        self.fields["decision"].choices = [(name, project_status.DECISION_LABELS[name]) for name in available]
        self.fields["effective_on"].initial = timezone.localdate()
        if offered == "lapse" and "lapse" in available:
            # Offered from the home page for a project untouched for a year past a milestone.
            self.fields["decision"].initial = "lapse"
            self.fields["comment"].initial = lapse_reason(project)


def lapse_reason(project: Project) -> str:
    """A suggested reason for lapse, saying what is known: the first milestone missed and when."""
    late = (
        project.milestones.filter(declared_on__isnull=True, reached_before_sirano=False)
        .order_by("rank")
        .first()
    )
    if late is None:
        return ""
    return _("Aucune activité depuis le jalon %(rank)s « %(label)s », prévu le %(date)s.") % {
        "rank": late.rank,
        "label": late.label,
        "date": format_date(late.planned_date),
    }


class OrderExceptionForm(forms.Form):
    comment = forms.CharField(label=_lazy("Motif de l'exception"), widget=forms.Textarea(attrs={"rows": 2}))


def _project(public_id: str) -> Project:
    return get_object_or_404(Project.objects.select_related("call", "establishment"), public_id=public_id)


def project_lifecycle(request, public_id: str):
    """The project's status and dated history, the decision form, milestones and their exceptions."""
    if not (request.user.is_active and request.user.has_perm(VIEW_PROJECT_PERM)):
        raise PermissionDenied
    project = _project(public_id)
    can_decide = project_status.may_decide(request.user)
    form = StatusDecisionForm(request.POST or None, project=project, offered=request.GET.get("decision", ""))
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            try:
                project_status.decide_project_status(
                    project=project,
                    decision=form.cleaned_data["decision"],
                    actor=request.user,
                    comment=form.cleaned_data["comment"],
                    effective_on=form.cleaned_data["effective_on"],
                )
            except ValidationError as error:
                messages.error(request, " ".join(str(m) for m in error.messages))
            else:
                messages.success(
                    request,
                    _("Statut du projet %(id)s : %(status)s.")
                    % {"id": project.public_id, "status": project.get_status_display()},
                )
                return redirect("workflows_desk:project_lifecycle", public_id=project.public_id)
    milestones = list(project.milestones.order_by("rank").prefetch_related("tranche_requests"))
    for milestone in milestones:
        milestone.project = project
        milestone.refusal = rules.milestone_refusal(milestone, milestones)
    return TemplateResponse(
        request,
        "agents/desk/project_lifecycle.html",
        {
            "project": project,
            "form": form,
            "can_decide": can_decide and bool(form.fields["decision"].choices),
            "can_allow_exception": request.user.has_perm(EXCEPTION_PERM),
            "history": project.status_changes.select_related("actor").order_by("effective_on", "recorded_at"),
            "milestones": milestones,
            "money": selectors.project_money(project),
            "exception_form": OrderExceptionForm(),
        },
    )


@require_POST
def allow_out_of_order(request, public_id: str, rank: int):
    """An agent lets the establishment declare this milestone before the earlier ones."""
    project = _project(public_id)
    milestone = get_object_or_404(ProjectMilestone, project=project, rank=rank)
    form = OrderExceptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Un motif est obligatoire pour autoriser une exception."))
    else:
        try:
            services.allow_out_of_order_declaration(
                milestone=milestone, actor=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(str(m) for m in error.messages))
        else:
            messages.success(
                request, _("Le jalon %(rank)s peut être déclaré hors ordre.") % {"rank": milestone.rank}
            )
    return redirect("workflows_desk:project_lifecycle", public_id=project.public_id)


def dormant_projects(request):
    """Every open project untouched for a year past a milestone, each with its lapse offer."""
    if not (request.user.is_active and request.user.has_perm(VIEW_PROJECT_PERM)):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "agents/desk/dormant_projects.html",
        {
            "page": Paginator(selectors.dormant_projects(), 50).get_page(request.GET.get("page")),
            "can_decide": project_status.may_decide(request.user),
        },
    )
