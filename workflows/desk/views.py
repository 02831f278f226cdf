"""Desk views: each action calls one service and reports in French; reads go through selectors."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin import messages

from portal.downloads import evidence_response
from workflows import selectors, services
from workflows.delegation_exports import EXPORT_FORMATS, export_delegation
from workflows.desk.actions import DESK_ACTIONS, actions_for, fire
from workflows.desk.forms import DelegationForm, TransitionForm
from workflows.models import (
    Delegation,
    DelegationStatus,
    EvidenceDocument,
    Region,
    TrancheRequest,
    TrancheStatus,
)
from workflows.rules import DELEGATE_PERM

VIEW_REQUESTS_PERM = "workflows.view_trancherequest"
VIEW_DELEGATIONS_PERM = "workflows.view_delegation"


def _require(user, perm: str) -> None:
    if not (user.is_active and user.has_perm(perm)):
        raise PermissionDenied


def _errors(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _get_request(pk: int) -> TrancheRequest:
    queryset = selectors.tranche_requests_for_desk(TrancheStatus.values)
    return get_object_or_404(queryset, pk=pk)


@require_GET
def request_inspect(request, pk: int):
    """Project, milestone, documents, audit timeline and the buttons this user may use."""
    _require(request.user, VIEW_REQUESTS_PERM)
    tranche_request = _get_request(pk)
    project = tranche_request.milestone.project
    return TemplateResponse(
        request,
        "workflows/desk/request_inspect.html",
        {
            "tr": tranche_request,
            "project": project,
            "milestone": tranche_request.milestone,
            "documents": tranche_request.documents.select_related("evidence_type", "uploaded_by"),
            "required_evidence": tranche_request.milestone.evidence_types.all(),
            "timeline": selectors.audit_timeline(tranche_request),
            "actions": actions_for(tranche_request, request.user),
            "committed": tranche_request.committed_elsewhere,
            "money": selectors.project_money(project),
            "historical": selectors.historical_tranches(project),
            "here": request.get_full_path(),
        },
    )


def transition(request, pk: int, action: str):
    """GET: the confirmation form (comment); POST: fire the transition through its service."""
    _require(request.user, VIEW_REQUESTS_PERM)
    spec = DESK_ACTIONS.get(action)
    if spec is None:
        raise Http404
    tranche_request = _get_request(pk)
    inspect_url = reverse("workflows_desk:request_inspect", args=[pk])
    form = TransitionForm(
        request.POST if request.method == "POST" else None, needs_comment=spec.needs_comment
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                fire(
                    name=action,
                    tranche_request=pk,
                    actor=request.user,
                    comment=form.cleaned_data["comment"],
                )
            except PermissionDenied as exc:
                messages.error(request, str(exc) or _("Action non autorisée."))
            except ValidationError as exc:
                messages.error(
                    request,
                    _("%(request)s : %(errors)s") % {"request": tranche_request, "errors": _errors(exc)},
                )
            else:
                messages.success(
                    request, _("%(request)s : %(done)s.") % {"request": tranche_request, "done": spec.done}
                )
                return redirect(_next_url(request, inspect_url))
            return redirect(_next_url(request, inspect_url))
    elif request.method != "GET":
        return HttpResponse(status=405)
    return TemplateResponse(
        request,
        "workflows/desk/transition_form.html",
        {
            "tr": tranche_request,
            "spec": spec,
            "form": form,
            "next": _next_url(request, inspect_url),
            "inspect_url": inspect_url,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def bulk_validate(request):
    """Validate each selected request through the service: one transaction and audit event each."""
    _require(request.user, VIEW_REQUESTS_PERM)
    default = reverse("workflows_requesttoreview_modeladmin_index")
    try:
        pks = sorted({int(pk) for pk in request.POST.getlist("pk")})
    except ValueError:
        pks = []
    if not pks:
        messages.error(request, _("Sélectionnez au moins une demande à valider."))
        return redirect(_next_url(request, default))
    done, failures = 0, []
    for pk in pks:
        try:
            services.validate_tranche_request(tranche_request=pk, actor=request.user)
            done += 1
        except TrancheRequest.DoesNotExist:
            failures.append(_("demande n° %(pk)s introuvable") % {"pk": pk})
        except (PermissionDenied, ValidationError) as exc:
            label = TrancheRequest.objects.select_related("milestone__project").get(pk=pk)
            reason = _errors(exc) if isinstance(exc, ValidationError) else str(exc)
            failures.append(f"{label} : {reason}")
    if done:
        messages.success(request, _("%(count)s demande(s) validée(s).") % {"count": done})
    if failures:
        messages.error(request, _("Non validées : %(list)s") % {"list": " ; ".join(failures)})
    return redirect(_next_url(request, default))


@require_GET
def document_download(request, pk: int):
    """Evidence is private: agents only (served as in the portal)."""
    _require(request.user, VIEW_REQUESTS_PERM)
    return evidence_response(get_object_or_404(EvidenceDocument, pk=pk))


# Delegations


def delegation_create(request):
    _require(request.user, DELEGATE_PERM)
    form = DelegationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            delegation = services.create_delegation(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Délégation %(ref)s créée.") % {"ref": delegation.reference})
            return redirect("workflows_desk:delegation_detail", pk=delegation.pk)
    return TemplateResponse(
        request,
        "workflows/desk/delegation_create.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def delegation_detail(request, pk: int):
    """The delegation's tranches grouped by region (ARS), the candidates, exports and actions."""
    _require(request.user, VIEW_DELEGATIONS_PERM)
    delegation = get_object_or_404(Delegation, pk=pk)
    is_draft = delegation.status == DelegationStatus.DRAFT
    can_operate = request.user.has_perm(DELEGATE_PERM)
    return TemplateResponse(
        request,
        "workflows/desk/delegation_detail.html",
        {
            "delegation": delegation,
            "groups": selectors.group_by_region(selectors.delegation_lines(delegation)),
            "candidates": selectors.group_by_region(selectors.delegation_candidates())
            if is_draft and can_operate
            else [],
            "can_operate": can_operate,
            "is_draft": is_draft,
            "can_pay": delegation.status == DelegationStatus.ISSUED,
            "formats": EXPORT_FORMATS,
            "timeline": delegation.audit_events.filter(tranche_request__isnull=True).select_related("actor"),
        },
    )


def _delegation_action(request, pk: int, run, done: str):
    _require(request.user, DELEGATE_PERM)
    delegation = get_object_or_404(Delegation, pk=pk)
    try:
        run(delegation)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Action non autorisée."))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, done % {"ref": delegation.reference})
    return redirect("workflows_desk:delegation_detail", pk=pk)


@require_POST
def delegation_add(request, pk: int):
    try:
        pks = [int(value) for value in request.POST.getlist("pk")]
    except ValueError:
        pks = []
    return _delegation_action(
        request,
        pk,
        lambda d: services.add_to_delegation(actor=request.user, delegation=d, tranche_requests=pks),
        _("%(count)s tranche(s) ajoutée(s) à la délégation %%(ref)s.") % {"count": len(pks)},
    )


@require_POST
def delegation_issue(request, pk: int):
    return _delegation_action(
        request,
        pk,
        lambda d: services.issue_delegation(delegation=d, actor=request.user),
        _("Délégation %(ref)s émise : ses tranches sont déléguées."),
    )


@require_POST
def delegation_pay(request, pk: int):
    return _delegation_action(
        request,
        pk,
        lambda d: services.record_delegation_payment(delegation=d, actor=request.user),
        _("Versement de la délégation %(ref)s enregistré : ses tranches sont versées."),
    )


@require_GET
def delegation_export(request, pk: int, region: str, fmt: str):
    """The table of one ARS, as XLSX or CSV (attachment)."""
    _require(request.user, VIEW_DELEGATIONS_PERM)
    delegation = get_object_or_404(Delegation, pk=pk)
    if region not in Region.values or fmt not in EXPORT_FORMATS:
        raise Http404
    content, content_type, filename = export_delegation(delegation=delegation, region=region, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
