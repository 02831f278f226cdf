"""The establishment's home: its projects and where its money stands, requests to act on first."""

from __future__ import annotations

from django.views.generic import ListView

from portal import selectors
from portal.access import PortalMixin
from portal.forms import DashboardFilterForm


class DashboardView(PortalMixin, ListView):
    template_name = "portal/project_list.html"
    context_object_name = "projects"
    paginate_by = 25

    def get_filter_form(self) -> DashboardFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = DashboardFilterForm(
                self.request.GET or None, years=selectors.dashboard_years(self.scope)
            )
        return self._filter_form

    def get_queryset(self):
        form = self.get_filter_form()
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        return selectors.dashboard_projects(
            self.scope,
            programme=filters.get("programme"),
            year=filters.get("year"),
            status=filters.get("status") or "",
            search=(filters.get("q") or "").strip(),
        )

    def paginate_queryset(self, queryset, page_size):
        """A page number out of range (after a narrower filter) shows the nearest page, not a 404."""
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.get_filter_form()
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_query"] = query.urlencode()
        return context
