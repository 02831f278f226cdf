"""The establishment's home: its projects and where its money stands."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import ListView

from workflows import selectors


class DashboardView(LoginRequiredMixin, ListView):
    template_name = "portal/dashboard.html"
    context_object_name = "projects"
    paginate_by = 50

    def get_queryset(self):
        return (
            selectors.with_funding_figures(selectors.projects_for_user(self.request.user))
            .select_related("call", "establishment")
            .order_by("-call__year", "public_id")
        )
