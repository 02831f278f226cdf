"""The DGOS dashboard in the Wagtail admin: every indicator (internal ones first) with filters
and an as-of date; DGOS agents only. Figures are read from the reports cache.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from agents.reports.forms import DashboardFilterForm
from reports import indicators
from workflows.roles import is_dgos_agent

CONTENT_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _require_agent(request) -> None:
    if not is_dgos_agent(request.user):
        raise PermissionDenied(_("Tableau de bord réservé aux agents de la DGOS."))


def _bound_form(request) -> tuple[DashboardFilterForm, indicators.Filters, object]:
    form = DashboardFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.filters(), form.cleaned_data["as_of"]
    return form, indicators.Filters(), indicators.parse_as_of(None)


def dashboard(request):
    _require_agent(request)
    form, filters, as_of = _bound_form(request)
    query = urlencode(
        {
            "programme": filters.programme,
            "year": filters.year or "",
            "region": filters.region,
            "as_of": as_of.isoformat(),
        }
    )
    ordered = indicators.internal_indicators() + indicators.public_indicators()
    with indicators.shared_snapshot():
        sections = [
            {
                "indicator": ind,
                "table": indicators.table(ind.key, as_of, filters),
                "links": {fmt: f"{ind.key}/{fmt}/?{query}" for fmt in CONTENT_TYPES},
            }
            for ind in ordered
        ]
    return render(
        request,
        "agents/reports/dashboard.html",
        {
            "form": form,
            "sections": sections,
            "as_of": as_of,
            "filters": filters,
            "header_title": _("Indicateurs DGOS"),
            "report_url": f"{reverse('reports_job_report')}?{query}",
        },
    )


def dashboard_file(request, key: str, file_format: str):
    _require_agent(request)
    if key not in indicators.INDICATORS or file_format not in CONTENT_TYPES:
        raise Http404(_("Indicateur ou format inconnu."))
    _form, filters, as_of = _bound_form(request)
    try:
        if file_format in ("svg", "png"):
            data = indicators.chart(key, file_format, as_of, filters)
        else:
            data = indicators.download(key, file_format, as_of, filters)
    except ValidationError as error:
        raise Http404(error.messages[0])
    response = HttpResponse(data, content_type=CONTENT_TYPES[file_format])
    disposition = "inline" if file_format in ("svg", "png") else "attachment"
    response["Content-Disposition"] = (
        f'{disposition}; filename="{indicators.INDICATORS[key].file_stem}-{as_of.isoformat()}.{file_format}"'
    )
    response["Cache-Control"] = "private, no-cache"
    return response
