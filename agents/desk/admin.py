"""wagtail-modeladmin wiring of the agents' desk: one list per queue, plus delegations.

Lists are read-only: every change goes through the desk views, which call the services.
"""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.views import IndexView

from agents.desk.actions import actions_for
from agents.desk.filters import AgeFilter, DaysLateFilter
from agents.desk.forms import SelectionToDelegationForm
from formatting import format_date, format_euros
from workflows import rules, selectors
from workflows.models import (
    Delegation,
    DelegationStatus,
    LateMilestone,
    RequestAwaitingChanges,
    RequestToDelegate,
    RequestToReview,
    TrancheStatus,
)

VIEW_REQUESTS_PERM = "workflows.view_trancherequest"


def keep_tokens(text) -> str:
    """Escape `text`, keeping each hyphenated word on one line (« CLERMONT-FERRAND »,
    « Auvergne-Rhône-Alpes »): browsers otherwise break after a hyphen in a narrow column."""
    words = str(text).split(" ")
    return format_html_join(
        " ",
        "{}",
        ((format_html('<span class="sirano-token">{}</span>', w) if "-" in w else w,) for w in words),
    )


def state_tag(status: str, label) -> str:
    """A coloured tag for a state (colours in agents/static/agents/desk.css)."""
    return format_html('<span class="sirano-tag sirano-tag--{}">{}</span>', status, label)


def amount(value) -> str:
    return format_html('<span class="sirano-amount">{}</span>', format_euros(value, places=2))


def admin_column(label):
    def decorate(func):
        func.short_description = label
        return func

    return decorate


def render_action_buttons(obj, actions, csrf_token: str, next_url: str):
    """One POST form per enabled one-click action; the others link to their confirmation page."""
    parts = []
    for action in actions:
        url = reverse("workflows_desk:transition", args=[obj.pk, action.name])
        if not action.enabled:
            parts.append(
                format_html(
                    '<button type="button" class="button button-small button-secondary" disabled '
                    'title="{}" aria-describedby="refus-{}-{}">{}</button>'
                    '<span class="visuallyhidden" id="refus-{}-{}">{}</span>',
                    action.reason_text,
                    obj.pk,
                    action.name,
                    action.label,
                    obj.pk,
                    action.name,
                    action.reason_text,
                )
            )
        elif action.confirm:
            parts.append(
                format_html(
                    '<a class="button button-small button-secondary" href="{}?{}">{}</a>',
                    url,
                    urlencode({"next": next_url}),
                    action.label,
                )
            )
        else:
            parts.append(
                format_html(
                    '<form method="post" action="{}" class="desk-action">'
                    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                    '<input type="hidden" name="next" value="{}">'
                    '<button type="submit" class="button button-small">{}</button></form>',
                    url,
                    csrf_token,
                    next_url,
                    action.label,
                )
            )
    return format_html_join("", "{}", ((p,) for p in parts))


class ReadOnlyPermissionHelper(PermissionHelper):
    """Agents list and inspect; creation, edition and deletion happen only through services."""

    required_perm = VIEW_REQUESTS_PERM

    def user_can_list(self, user):
        return user.is_active and user.has_perm(self.required_perm)

    def user_can_inspect_obj(self, user, obj):
        return self.user_can_list(user)

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class DelegationPermissionHelper(ReadOnlyPermissionHelper):
    required_perm = "workflows.view_delegation"


class RequestButtonHelper(ButtonHelper):
    def get_primary_button(self, obj):
        return None  # the first cell holds a checkbox, which must not sit inside a link

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        return [
            {
                "url": reverse("workflows_desk:request_inspect", args=[obj.pk]),
                "label": _("Examiner"),
                "classname": "button button-small button-secondary",
                "title": _("Examiner la demande : projet, jalon, justificatifs, historique"),
            }
        ]


class DelegationButtonHelper(ButtonHelper):
    def get_primary_button(self, obj):
        return self.get_buttons_for_obj(obj)[0]

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        return [
            {
                "url": reverse("workflows_desk:delegation_detail", args=[obj.pk]),
                "label": _("Ouvrir"),
                "classname": "button button-small button-secondary",
                "title": _("Composer, exporter, émettre ou verser cette délégation"),
            }
        ]


class NoButtonHelper(ButtonHelper):
    """Late milestones are read here; the establishment acts on them from its portal."""

    def get_primary_button(self, obj):
        return None

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        return []


class DeskIndexView(IndexView):
    """Desk listings: how many filters are on (the filter panel folds above the table)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        active = [key for key in self.request.GET if key not in ("p", "q", "o")]
        context["desk_active_filters"] = len(active)
        context["desk_open_filters"] = bool(active)
        return context


class QueueIndexView(DeskIndexView):
    """Attaches each row's allowed actions (computed once, for this user) to the page's objects."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        token = get_token(self.request)
        can_review = rules.is_instructing_agent(None, user) and self.model_admin.bulk_validate
        can_delegate = rules.is_budget_agent(None, user) and self.model_admin.bulk_delegate
        here = self.request.get_full_path()
        for obj in context["object_list"]:
            obj.desk_actions = actions_for(obj, user)
            obj.desk_csrf = token
            obj.desk_next = here
            if can_review and obj.status == TrancheStatus.UNDER_REVIEW:
                obj.desk_select_form = "desk-bulk-validate"
            elif can_delegate and obj.status == TrancheStatus.VALIDATED and obj.delegation_id is None:
                obj.desk_select_form = "desk-delegate-selection"
        context["desk_can_bulk_validate"] = can_review
        if can_delegate:
            drafts = Delegation.objects.filter(status=DelegationStatus.DRAFT).order_by("-created_at")
            context["desk_delegation_form"] = SelectionToDelegationForm(drafts=drafts)
        return context


class RequestQueueAdmin(ModelAdmin):
    """A work queue of tranche requests in some states."""

    statuses: tuple = ()
    bulk_validate = False
    bulk_delegate = False
    menu_icon = "tasks"
    index_view_class = QueueIndexView
    index_template_name = "agents/desk/queue_index.html"
    permission_helper_class = ReadOnlyPermissionHelper
    button_helper_class = RequestButtonHelper
    inspect_view_enabled = False
    list_per_page = 50
    ordering = ("status_changed_at", "pk")
    list_display = (
        "request_label",
        "project_ledger",
        "establishment",
        "amount_display",
        "status_display",
        "age",
        "actions",
    )
    list_filter = (
        "milestone__project__call__programme",
        "milestone__project__call__year",
        "milestone__project__establishment__region",
        "milestone__project__establishment",
        AgeFilter,
    )
    search_fields = (
        "milestone__project__public_id",
        "milestone__project__acronym",
        "milestone__project__establishment__name",
        "milestone__project__establishment__finess",
    )

    def get_queryset(self, request):
        return selectors.tranche_requests_for_desk(self.statuses).order_by(*self.ordering)

    @admin_column(_("Demande"))
    def request_label(self, obj):
        """The selection checkbox (bulk validation, or delegation) sits before the label."""
        project = obj.milestone.project
        box = ""
        form_id = getattr(obj, "desk_select_form", None)
        if form_id:
            box = format_html(
                '<input type="checkbox" name="pk" value="{}" form="{}" aria-label="{}"> ',
                obj.pk,
                form_id,
                _("Sélectionner %(request)s") % {"request": obj},
            )
        return format_html(
            '{}<strong class="sirano-id">{}</strong> {}<br><small class="sirano-sub" title="{}">{} {} · {}</small>',
            box,
            project.public_id,
            keep_tokens(project.acronym),
            obj.milestone.label,
            _("tranche"),
            obj.milestone.rank,
            Truncator(obj.milestone.label).chars(48),
        )

    @admin_column(_("Projet"))
    def project_ledger(self, obj):
        """Project status, tranches delegated before SIRANo and remaining amount (money selector)."""
        project = obj.milestone.project
        return format_html(
            '{}<br><small class="sirano-sub">{}</small><br>{}<br><small class="sirano-sub">{} : {}</small>',
            state_tag(project.status, project.get_status_display()),
            _("reste à engager"),
            amount(obj.project_remaining),
            _("tranches historiques"),
            obj.project_historical,
        )

    @admin_column(_("Établissement"))
    def establishment(self, obj):
        est = obj.milestone.project.establishment
        return format_html(
            '{}<br><small class="sirano-sub"><span class="sirano-id">FINESS {}</span> · {}</small>',
            keep_tokens(est.name),
            est.finess,
            keep_tokens(est.get_region_display()),
        )

    @admin_column(_("Montant"))
    def amount_display(self, obj):
        return amount(obj.amount)

    @admin_column(_("État"))
    def status_display(self, obj):
        return state_tag(obj.status, obj.get_status_display())

    @admin_column(_("Depuis le"))
    def age(self, obj):
        days = (timezone.now() - obj.status_changed_at).days
        return format_html(
            '<span class="sirano-id">{}</span><br><small class="sirano-sub">{}</small>',
            format_date(timezone.localtime(obj.status_changed_at)),
            ngettext("%(days)d jour", "%(days)d jours", days) % {"days": days},
        )

    @admin_column(_("Actions"))
    def actions(self, obj):
        return render_action_buttons(obj, getattr(obj, "desk_actions", []), obj.desk_csrf, obj.desk_next)


class ReviewQueueAdmin(RequestQueueAdmin):
    model = RequestToReview
    menu_label = _("À instruire")
    menu_order = 100
    statuses = (TrancheStatus.SUBMITTED, TrancheStatus.UNDER_REVIEW)
    bulk_validate = True


class ChangesQueueAdmin(RequestQueueAdmin):
    model = RequestAwaitingChanges
    menu_label = _("En attente de compléments")
    menu_order = 200
    statuses = (TrancheStatus.CHANGES_REQUESTED,)


class DelegateQueueAdmin(RequestQueueAdmin):
    """Validated tranches: the budget agent checks some and adds them to a draft or new delegation."""

    model = RequestToDelegate
    menu_label = _("Validées à déléguer")
    menu_order = 300
    statuses = (TrancheStatus.VALIDATED,)
    bulk_delegate = True
    list_display = (
        "request_label",
        "establishment",
        "amount_display",
        "delegation_display",
        "age",
        "actions",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("delegation")

    @admin_column(_("Délégation"))
    def delegation_display(self, obj):
        if obj.delegation is None:
            return _("à déléguer")
        return format_html(
            '<a class="sirano-id" href="{}">{}</a><br>{}',
            reverse("workflows_desk:delegation_detail", args=[obj.delegation_id]),
            obj.delegation.reference,
            state_tag(obj.delegation.status, obj.delegation.get_status_display()),
        )


class LateMilestoneAdmin(ModelAdmin):
    model = LateMilestone
    menu_label = _("Jalons en retard")
    menu_icon = "warning"
    menu_order = 400
    index_view_class = DeskIndexView
    index_template_name = "agents/desk/listing_index.html"
    permission_helper_class = ReadOnlyPermissionHelper
    button_helper_class = NoButtonHelper
    inspect_view_enabled = False
    list_per_page = 50
    list_display = (
        "project_label",
        "establishment",
        "milestone_label",
        "planned",
        "late",
    )
    list_filter = (
        "project__call__programme",
        "project__call__year",
        "project__establishment__region",
        "project__establishment",
        DaysLateFilter,
    )
    search_fields = ("project__public_id", "project__acronym", "project__establishment__name")

    def get_queryset(self, request):
        return selectors.late_milestones().order_by("-days_late", "pk")

    @admin_column(_("Projet"))
    def project_label(self, obj):
        return format_html(
            '<strong class="sirano-id">{}</strong> {}',
            obj.project.public_id,
            keep_tokens(obj.project.acronym),
        )

    @admin_column(_("Établissement"))
    def establishment(self, obj):
        est = obj.project.establishment
        return format_html(
            '{}<br><small class="sirano-sub"><span class="sirano-id">FINESS {}</span> · {}</small>',
            keep_tokens(est.name),
            est.finess,
            keep_tokens(est.get_region_display()),
        )

    @admin_column(_("Jalon"))
    def milestone_label(self, obj):
        return format_html("{}. {}", obj.rank, keep_tokens(obj.label))

    @admin_column(_("Date prévue"))
    def planned(self, obj):
        return format_html('<span class="sirano-id">{}</span>', format_date(obj.planned_date))

    @admin_column(_("Retard"))
    def late(self, obj):
        return format_html(
            '<span class="sirano-amount">{}</span>',
            ngettext("%(days)d jour", "%(days)d jours", obj.days_late) % {"days": obj.days_late},
        )


class DelegationAdmin(ModelAdmin):
    model = Delegation
    menu_label = _("Délégations")
    menu_icon = "doc-full"
    menu_order = 500
    permission_helper_class = DelegationPermissionHelper
    button_helper_class = DelegationButtonHelper
    index_view_class = DeskIndexView
    index_template_name = "agents/desk/delegation_index.html"
    inspect_view_enabled = False
    list_display = ("reference_display", "circular", "status_display", "tranche_count", "total")
    list_filter = ("status",)
    search_fields = ("reference",)

    def get_queryset(self, request):
        return selectors.delegations_with_totals()

    @admin_column(_("Référence de la circulaire"))
    def reference_display(self, obj):
        return format_html('<span class="sirano-id">{}</span>', obj.reference)

    @admin_column(_("Date de la circulaire"))
    def circular(self, obj):
        return format_html('<span class="sirano-id">{}</span>', format_date(obj.circular_date))

    @admin_column(_("État"))
    def status_display(self, obj):
        return state_tag(obj.status, obj.get_status_display())

    @admin_column(_("Tranches"))
    def tranche_count(self, obj):
        return format_html('<span class="sirano-amount">{}</span>', obj.n_tranches)

    @admin_column(_("Montant total"))
    def total(self, obj):
        return amount(obj.total_amount)


class AgentsDeskGroup(ModelAdminGroup):
    menu_label = _("Bureau")  # the sidebar cuts longer labels ("Bureau des ag…")
    menu_icon = "folder-open-inverse"
    menu_order = 150
    items = (ReviewQueueAdmin, ChangesQueueAdmin, DelegateQueueAdmin, LateMilestoneAdmin, DelegationAdmin)
