"""The tranche request page and the establishment's actions on it: add evidence, submit, answer a
change request and resubmit, withdraw. Every write goes through `workflows.services`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_fsm import can_proceed

from portal import history, selectors
from portal.access import MemberActionMixin, PortalMixin
from portal.forms import ChangesAnswerForm, EvidenceUploadForm, SubmitForm, WithdrawForm
from portal.views import form_error_from_service
from portal.views.milestones import attach_uploads
from workflows import rules, services
from workflows.models import TrancheRequest, TrancheStatus

EDITABLE_STATES = (TrancheStatus.DRAFT, TrancheStatus.CHANGES_REQUESTED)
WITHDRAWABLE_STATES = (TrancheStatus.DRAFT, TrancheStatus.SUBMITTED, TrancheStatus.CHANGES_REQUESTED)


class TrancheRequestPageMixin(PortalMixin):
    template_name = "portal/trancherequest_detail.html"

    def get_tranche_request(self):
        if not hasattr(self, "tranche_request"):
            self.tranche_request = selectors.get_tranche_request(self.scope, self.kwargs["pk"])
        return self.tranche_request

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tranche_request = self.get_tranche_request()
        milestone = tranche_request.milestone
        can_act = self.scope.can_act_on(milestone.project)
        status = tranche_request.status
        documents = list(tranche_request.documents.all())
        checklist = [
            (evidence_type, [d for d in documents if d.evidence_type_id == evidence_type.pk])
            for evidence_type in sorted(milestone.evidence_types.all(), key=lambda e: e.label)
        ]
        events = selectors.request_history(tranche_request)
        change_requests = [e for e in events if e.action == "request_changes"]
        transition = {TrancheStatus.DRAFT: "submit", TrancheStatus.CHANGES_REQUESTED: "resubmit"}.get(status)
        context.update(
            tranche_request=tranche_request,
            milestone=milestone,
            project=milestone.project,
            can_act=can_act,
            documents=documents,
            checklist=checklist,
            history=history.describe_all(events),
            last_change_request=change_requests[-1] if change_requests else None,
            unmet_conditions=rules.unmet_conditions(tranche_request, transition) if transition else [],
            is_editable=can_act and status in EDITABLE_STATES,
            can_withdraw=can_act and status in WITHDRAWABLE_STATES,
        )
        if context["is_editable"]:
            # One upload form per page: a draft has its own; an answer to a change request carries
            # its files with the answer (ChangesAnswerForm), so the page shows that one only.
            if status == TrancheStatus.DRAFT:
                context.setdefault("upload_form", EvidenceUploadForm(milestone=milestone))
                context.setdefault("submit_form", SubmitForm())
            else:
                context.setdefault("answer_form", ChangesAnswerForm(milestone=milestone))
        return context


class TrancheRequestDetailView(TrancheRequestPageMixin, TemplateView):
    pass


class TrancheRequestActionView(MemberActionMixin, TrancheRequestPageMixin, TemplateView):
    """POST an action; GET shows the request page. Refusals re-render the page with French errors."""

    form_class = None
    context_form_name = ""

    def get(self, request, *args, **kwargs):
        self.get_tranche_request()
        return redirect("portal:request_detail", pk=self.tranche_request.pk)

    def post(self, request, *args, **kwargs):
        tranche_request = self.get_tranche_request()
        self.check_can_act(tranche_request.milestone.project)
        form = self.build_form(request)
        if form.is_valid():
            try:
                with transaction.atomic():
                    response = self.act(form)
            except ValidationError as error:
                form_error_from_service(form, error)
            else:
                return response
        self.tranche_request.refresh_from_db()
        return self.render_to_response(self.get_context_data(**{self.context_form_name: form}))

    def build_form(self, request):
        return self.form_class(request.POST, request.FILES)

    def act(self, form):
        raise NotImplementedError

    def ensure_possible(self, transition: str) -> None:
        """Explain in French, before calling the service, why the transition cannot happen now.

        Read-only: the service stays the authority (it locks and checks again).
        """
        current = TrancheRequest.objects.select_related(
            "milestone__project", "milestone__template__schedule"
        ).get(pk=self.tranche_request.pk)
        if not can_proceed(getattr(current, transition), check_conditions=False):
            raise ValidationError(
                _("Cette action n'est plus possible : la demande est « %(state)s ».")
                % {"state": current.get_status_display()}
            )
        reasons = rules.unmet_conditions(current, transition)
        if reasons:
            raise ValidationError(reasons)


class EvidenceUploadView(TrancheRequestActionView):
    form_class = EvidenceUploadForm
    context_form_name = "upload_form"

    def build_form(self, request):
        return EvidenceUploadForm(request.POST, request.FILES, milestone=self.tranche_request.milestone)

    def act(self, form):
        document = services.attach_evidence(
            tranche_request=self.tranche_request,
            actor=self.request.user,
            evidence_type=form.cleaned_data["evidence_type"],
            upload=form.cleaned_data["file"],
        )
        messages.success(
            self.request, _("Justificatif « %(name)s » déposé.") % {"name": document.original_name}
        )
        return redirect("portal:request_detail", pk=self.tranche_request.pk)


class EvidenceRemoveView(TrancheRequestActionView):
    """Remove one attachment of this request (POST only; another request's document is a 404)."""

    form_class = None
    context_form_name = "remove_form"

    def post(self, request, *args, **kwargs):
        tranche_request = self.get_tranche_request()
        self.check_can_act(tranche_request.milestone.project)
        document = next((d for d in tranche_request.documents.all() if d.pk == kwargs["document"]), None)
        if document is None:
            raise Http404
        try:
            services.remove_evidence(document=document.pk, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Justificatif « %(name)s » retiré.") % {"name": document.original_name}
            )
        return redirect(f"{reverse('portal:request_detail', args=[tranche_request.pk])}#justificatifs")


class SubmitView(TrancheRequestActionView):
    form_class = SubmitForm
    context_form_name = "submit_form"

    def act(self, form):
        self.ensure_possible("submit")
        services.submit_tranche_request(
            tranche_request=self.tranche_request,
            actor=self.request.user,
            comment=form.cleaned_data["comment"],
        )
        messages.success(
            self.request, _("Demande soumise à la DGOS. Vous serez informé par courriel de la suite.")
        )
        return redirect("portal:request_detail", pk=self.tranche_request.pk)


class ResubmitView(TrancheRequestActionView):
    """Answer a change request: comment and new documents, then resubmit, in one transaction."""

    form_class = ChangesAnswerForm
    context_form_name = "answer_form"

    def build_form(self, request):
        return ChangesAnswerForm(request.POST, request.FILES, milestone=self.tranche_request.milestone)

    def act(self, form):
        user = self.request.user
        documents = attach_uploads(
            tranche_request=self.tranche_request, actor=user, uploads=form.evidence_uploads()
        )
        try:
            self.ensure_possible("resubmit")
            services.resubmit_tranche_request(
                tranche_request=self.tranche_request, actor=user, comment=form.cleaned_data["comment"]
            )
        except BaseException:
            for document in documents:
                document.file.delete(save=False)
            raise
        messages.success(self.request, _("Réponse envoyée : la demande est de nouveau soumise à la DGOS."))
        return redirect("portal:request_detail", pk=self.tranche_request.pk)


class WithdrawView(TrancheRequestActionView):
    template_name = "portal/trancherequest_withdraw.html"
    form_class = WithdrawForm
    context_form_name = "withdraw_form"

    def get(self, request, *args, **kwargs):
        tranche_request = self.get_tranche_request()
        self.check_can_act(tranche_request.milestone.project)
        return self.render_to_response(self.get_context_data(withdraw_form=WithdrawForm()))

    def act(self, form):
        self.ensure_possible("withdraw")
        services.withdraw_tranche_request(
            tranche_request=self.tranche_request,
            actor=self.request.user,
            comment=form.cleaned_data["comment"],
        )
        messages.success(self.request, _("Demande retirée."))
        return redirect("portal:project_detail", public_id=self.tranche_request.milestone.project.public_id)
