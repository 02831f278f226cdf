"""Desk views: each action calls one service and reports in French; reads go through selectors.

Money actions are deliberate: validate, reject, bulk validation, issue and payment first render a
confirmation page (server-side, no JavaScript needed) restating project, tranche and amount (for a
delegation, its count and total); only the POST sent from that page (`confirmed`) acts.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin import messages

from agents.desk.actions import DESK_ACTIONS, actions_for, fire
from agents.desk.delegation_exports import EXPORT_FORMATS, export_delegation
from agents.desk.forms import (
    NEW_DELEGATION,
    DelegationForm,
    PaymentForm,
    SelectionToDelegationForm,
    TransitionForm,
)
from fileformats.responses import evidence_response
from workflows import rules, selectors, services
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
        "agents/desk/request_inspect.html",
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


def _confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get("confirmed") == "1"


def transition(request, pk: int, action: str):
    """GET: the confirmation page (what will happen, comment); POST from it: fire the service.

    A POST without `confirmed` (e.g. an old one-click form) only shows the confirmation page.
    """
    _require(request.user, VIEW_REQUESTS_PERM)
    spec = DESK_ACTIONS.get(action)
    if spec is None:
        raise Http404
    tranche_request = _get_request(pk)
    inspect_url = reverse("workflows_desk:request_inspect", args=[pk])
    acting = request.method == "POST" and (_confirmed(request) or not spec.confirm)
    form = TransitionForm(request.POST if acting else None, needs_comment=spec.needs_comment)
    if request.method == "POST" and acting:
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
    elif request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    project = tranche_request.milestone.project
    committed = tranche_request.committed_elsewhere or Decimal("0")
    return TemplateResponse(
        request,
        "agents/desk/transition_form.html",
        {
            "tr": tranche_request,
            "project": project,
            "spec": spec,
            "form": form,
            "next": _next_url(request, inspect_url),
            "inspect_url": inspect_url,
            "committed": committed,
            "remaining_after": project.award_amount - committed - tranche_request.amount,
            "commits_money": action == "validate",
            "refusal": None
            if rules.user_may_fire(getattr(tranche_request, action), request.user)
            else rules.refusal_reason(tranche_request, action, request.user),
        },
        status=400 if acting else 200,
    )


def _selected_pks(request) -> list[int]:
    try:
        return sorted({int(pk) for pk in request.POST.getlist("pk")})
    except ValueError:
        return []


@require_POST
def bulk_validate(request):
    """Validate each selected request through the service: one transaction and audit event each.

    The first POST (from the queue) shows the selection with its total for confirmation.
    """
    _require(request.user, VIEW_REQUESTS_PERM)
    default = reverse("workflows_requesttoreview_modeladmin_index")
    pks = _selected_pks(request)
    if not pks:
        messages.error(request, _("Sélectionnez au moins une demande à valider."))
        return redirect(_next_url(request, default))
    if not _confirmed(request):
        selection = list(selectors.tranche_requests_for_desk(TrancheStatus.values).filter(pk__in=pks))
        return TemplateResponse(
            request,
            "agents/desk/bulk_validate_confirm.html",
            {
                "selection": selection,
                "total": sum((r.amount for r in selection), Decimal("0")),
                "next": _next_url(request, default),
            },
        )
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
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
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
        "agents/desk/delegation_create.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def delegation_detail(request, pk: int):
    """The delegation's tranches grouped by region (ARS), the candidates, exports and actions."""
    _require(request.user, VIEW_DELEGATIONS_PERM)
    delegation = get_object_or_404(Delegation.objects.select_related("paid_by"), pk=pk)
    is_draft = delegation.status == DelegationStatus.DRAFT
    can_operate = rules.is_budget_agent(delegation, request.user)
    return TemplateResponse(
        request,
        "agents/desk/delegation_detail.html",
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
            "timeline": selectors.delegation_timeline(delegation),
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
def delegation_remove(request, pk: int, request_pk: int):
    """Take a tranche added by mistake out of a draft delegation (it goes back to the queue)."""
    return _delegation_action(
        request,
        pk,
        lambda d: services.remove_from_delegation(
            actor=request.user, delegation=d, tranche_request=request_pk
        ),
        _("Tranche retirée de la délégation %(ref)s : elle attend à nouveau une délégation."),
    )


def _figures(delegation: Delegation) -> tuple[int, Decimal]:
    figures = delegation.tranche_requests.aggregate(n=Count("pk"), total=Sum("amount"))
    return figures["n"], figures["total"] or Decimal("0")


def _posted_figures(request) -> tuple[int, Decimal] | None:
    try:
        return int(request.POST["confirmed_count"]), Decimal(request.POST["confirmed_total"])
    except (KeyError, ValueError, InvalidOperation):
        return None


def _delegation_confirm(request, pk: int, *, action: str):
    """GET (or an unconfirmed POST): the confirmation page; confirmed POST: issue or record payment."""
    _require(request.user, DELEGATE_PERM)
    delegation = get_object_or_404(Delegation, pk=pk)
    detail = reverse("workflows_desk:delegation_detail", args=[pk])
    form = PaymentForm(request.POST if _confirmed(request) else None) if action == "pay" else None
    status = 200
    if _confirmed(request):
        confirmed = _posted_figures(request)
        if confirmed is None:
            messages.error(request, _("Confirmation incomplète : vérifiez la délégation et recommencez."))
            return redirect(detail)
        try:
            if action == "issue":
                services.issue_delegation(delegation=delegation, actor=request.user, confirmed=confirmed)
                done = _("Délégation %(ref)s émise : ses tranches sont déléguées.")
            elif form.is_valid():
                services.record_delegation_payment(
                    delegation=delegation, actor=request.user, confirmed=confirmed, **form.cleaned_data
                )
                done = _("Versement de la délégation %(ref)s enregistré : ses tranches sont versées.")
            else:
                done = None
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("Action non autorisée."))
            return redirect(detail)
        except ValidationError as exc:
            if form is not None and hasattr(exc, "error_dict"):
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
                done = None
            else:
                messages.error(request, _errors(exc))
                return redirect(detail)
        if done:
            messages.success(request, done % {"ref": delegation.reference})
            return redirect(detail)
        status = 400
    count, total = _figures(delegation)
    return TemplateResponse(
        request,
        "agents/desk/delegation_confirm.html",
        {
            "delegation": delegation,
            "action": action,
            "form": form,
            "count": count,
            "total": total,
            "groups": selectors.group_by_region(selectors.delegation_lines(delegation)),
            "detail_url": detail,
            "refusal": None
            if rules.user_may_fire(
                getattr(delegation, "issue" if action == "issue" else "record_payment"), request.user
            )
            else rules.refusal_reason(
                delegation, "issue" if action == "issue" else "record_payment", request.user
            ),
        },
        status=status,
    )


def delegation_issue(request, pk: int):
    return _delegation_confirm(request, pk, action="issue")


def delegation_pay(request, pk: int):
    return _delegation_confirm(request, pk, action="pay")


@require_POST
def delegate_selection(request):
    """From « Validées à déléguer »: add the checked tranches to a draft delegation or a new one."""
    _require(request.user, DELEGATE_PERM)
    queue = reverse("workflows_requesttodelegate_modeladmin_index")
    back = _next_url(request, queue)
    pks = _selected_pks(request)
    form = SelectionToDelegationForm(request.POST)
    if not pks:
        messages.error(request, _("Sélectionnez au moins une tranche validée."))
        return redirect(back)
    if not form.is_valid():
        errors = " ".join(str(e) for field_errors in form.errors.values() for e in field_errors)
        messages.error(request, errors)
        return redirect(back)
    data = form.cleaned_data
    try:
        if data["target"] == NEW_DELEGATION:
            delegation = services.create_delegation(
                actor=request.user, reference=data["reference"], circular_date=data["circular_date"]
            )
        else:
            delegation = get_object_or_404(Delegation, pk=int(data["target"]))
        added = services.add_to_delegation(actor=request.user, delegation=delegation, tranche_requests=pks)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Action non autorisée."))
        return redirect(back)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect(back)
    messages.success(
        request,
        _("%(count)s tranche(s) ajoutée(s) à la délégation %(ref)s.")
        % {"count": added, "ref": delegation.reference},
    )
    return redirect("workflows_desk:delegation_detail", pk=delegation.pk)


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
