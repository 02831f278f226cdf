"""Declare a milestone reached and open its tranche request as a draft, with the evidence at hand."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from portal import selectors
from portal.access import MemberActionMixin
from portal.forms import MilestoneDeclarationForm
from portal.views import form_error_from_service
from workflows import money, rules, services
from workflows.models import TrancheStatus


def attach_uploads(*, tranche_request, actor, uploads) -> list:
    """Attach several checked files; if one fails, remove the files already written, then re-raise.

    Called inside the caller's transaction, whose rollback removes the rows.
    """
    documents = []
    try:
        for evidence_type, upload in uploads:
            documents.append(
                services.attach_evidence(
                    tranche_request=tranche_request, actor=actor, evidence_type=evidence_type, upload=upload
                )
            )
    except BaseException:
        for document in documents:
            document.file.delete(save=False)
        raise
    return documents


class MilestoneDeclareView(MemberActionMixin, FormView):
    """Save as draft: declare (date, comment), open the request if none is open, attach the files.

    One transaction: a refused step leaves the milestone and request as they were.
    """

    template_name = "portal/projectmilestone_declare.html"
    form_class = MilestoneDeclarationForm

    def setup_milestone(self):
        self.milestone = selectors.get_milestone(self.scope, self.kwargs["public_id"], self.kwargs["rank"])
        self.check_can_act(self.milestone.project)
        self.open_request = selectors.open_request(self.milestone)

    def get(self, request, *args, **kwargs):
        self.setup_milestone()
        if self.open_request is None or self.open_request.status in money.COMMITTED_STATES:
            siblings = list(
                self.milestone.project.milestones.prefetch_related("tranche_requests").order_by("rank")
            )
            current = next(m for m in siblings if m.pk == self.milestone.pk)
            current.project = self.milestone.project
            refusal = rules.milestone_refusal(current, siblings)
            if refusal:
                messages.error(request, refusal)
                return redirect("portal:project_detail", public_id=self.milestone.project.public_id)
        if self.open_request and self.open_request.status not in (
            TrancheStatus.DRAFT,
            TrancheStatus.CHANGES_REQUESTED,
        ):
            messages.info(request, _("Une demande est déjà en cours pour ce jalon."))
            return redirect("portal:request_detail", pk=self.open_request.pk)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_milestone()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "milestone": self.milestone}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "milestone": self.milestone,
            "project": self.milestone.project,
            "open_request": self.open_request,
        }

    def form_valid(self, form):
        user = self.request.user
        try:
            with transaction.atomic():
                services.declare_milestone(
                    milestone=self.milestone,
                    actor=user,
                    reached_on=form.cleaned_data["reached_on"],
                    comment=form.cleaned_data["comment"],
                )
                tranche_request = self.open_request or services.create_tranche_request(
                    milestone=self.milestone, actor=user
                )
                attach_uploads(tranche_request=tranche_request, actor=user, uploads=form.evidence_uploads())
        except ValidationError as error:
            form_error_from_service(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Jalon déclaré et demande de tranche enregistrée en brouillon. Complétez les justificatifs puis soumettez-la."
            ),
        )
        return redirect("portal:request_detail", pk=tranche_request.pk)
