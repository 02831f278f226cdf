"""Wagtail snippets for DGOS agents: the portfolio (projects, establishments, investigators) and
the catalogue (programmes, calls, funding schedules, evidence types, disciplines).

Listings select their relations up front so a page costs the same number of queries for 50 or
4,000 projects. Creating a project goes through `services.select_project` (milestones copied,
audited); editing a project, a funding schedule (with its milestones) or a membership goes
through `workflows.portfolio_services`, and every other record (programmes, calls, disciplines,
evidence types, investigators, trial registrations, establishments) through
`workflows.catalogue_services`: each writes one audit event with the old → new values. A
project's lifecycle status is read-only here because only services assign states.
"""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, ProtectedError
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.log_actions import log
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CopyView,
    CreateView,
    DeleteView,
    EditView,
    IndexView,
    InspectView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from fileformats.spreadsheet_export import FormulaSafeExportMixin
from formatting import format_date, format_euros, format_number
from search.query import RELEVANCE, search_projects
from workflows import catalogue_services, portfolio_services, selectors, services
from workflows.establishment_services import complete_establishment
from workflows.models import (
    Call,
    Discipline,
    Establishment,
    EstablishmentMembership,
    EstablishmentType,
    EvidenceType,
    FundingSchedule,
    Girci,
    Investigator,
    Programme,
    Project,
    ProjectMilestone,
    ProjectStatus,
    Region,
    TrialRegistration,
    Visibility,
)
from workflows.validators import normalise_finess, normalise_ror_id, validate_ror_id


def euros(value: Decimal | None) -> str:
    """Money as the desk shows it: 450 000,00 €."""
    return format_euros(value, places=2)


def _campaign_years() -> list[tuple[int, str]]:
    years = Call.objects.order_by("-year").values_list("year", flat=True).distinct()
    return [(year, str(year)) for year in years]


class GuardedDeleteView(DeleteView):
    """Records other records depend on (PROTECT) are kept, with a French explanation, not a 500."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError as error:
            kinds = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
            messages.error(
                self.request,
                _(
                    "« %(object)s » ne peut pas être supprimé : %(count)s enregistrement(s) en "
                    "dépendent (%(kinds)s)."
                )
                % {"object": self.object, "count": len(error.protected_objects), "kinds": ", ".join(kinds)},
            )
            return redirect(self.get_success_url())


class SafeExportIndexView(FormulaSafeExportMixin, IndexView):
    """Listings whose CSV/XLSX exports neutralise formulas (`fileformats`)."""


class AgentSnippetViewSet(SnippetViewSet):
    index_view_class = SafeExportIndexView
    delete_view_class = GuardedDeleteView
    #: the model name's indefinite article: « Ajouter un projet », « Ajouter une discipline »
    #: (Wagtail's French catalogue can only write « un(e) »)
    article = "un"

    def get_index_view_kwargs(self, **kwargs):
        label = _("Ajouter %(article)s %(name)s") % {
            "article": self.article,
            "name": self.model._meta.verbose_name,
        }
        return super().get_index_view_kwargs(add_item_label=label, **kwargs)


def add_service_errors(form, error: ValidationError) -> None:
    """A service's refusal shown on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error)


class ServiceSaveMixin:
    """Create/edit views whose `save_instance` calls a service: its refusal re-renders the form."""

    log_action = "wagtail.edit"

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            add_service_errors(form, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def saved(self, instance):
        log(instance=instance, action=self.log_action, user=self.request.user)
        return instance


class RecordSaveMixin(ServiceSaveMixin):
    """Create or edit a catalogue or reference record through `catalogue_services.save_record`."""

    def save_instance(self):
        data = self.form.cleaned_data
        fields = catalogue_services.EDITABLE_FIELDS[self.model]
        record = catalogue_services.save_record(
            actor=self.request.user,
            model=self.model,
            instance=None if self.log_action == "wagtail.create" else self.object,
            values={name: data[name] for name in fields if name in data},
        )
        return self.saved(record)


class RecordCreateView(RecordSaveMixin, CreateView):
    log_action = "wagtail.create"


class RecordEditView(RecordSaveMixin, EditView):
    pass


class RecordDeleteView(GuardedDeleteView):
    def delete_action(self):
        log(instance=self.object, action="wagtail.delete", user=self.request.user)
        catalogue_services.delete_record(actor=self.request.user, instance=self.object)


class AuditedRecordViewSet(AgentSnippetViewSet):
    """Records whose every create, edit and delete is an audited service call."""

    add_view_class = RecordCreateView
    edit_view_class = RecordEditView
    delete_view_class = RecordDeleteView


# Projects


class ProjectFilterSet(WagtailFilterSet):
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), field_name="call__programme", queryset=Programme.objects.all()
    )
    year = django_filters.ChoiceFilter(
        label=_("Année de sélection"), field_name="call__year", choices=_campaign_years
    )
    region = django_filters.ChoiceFilter(
        label=_("Région"), field_name="establishment__region", choices=Region.choices
    )
    establishment_type = django_filters.ChoiceFilter(
        label=_("Type d'établissement"), field_name="establishment__type", choices=EstablishmentType.choices
    )
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=ProjectStatus.choices)
    visibility = django_filters.ChoiceFilter(label=_("Visibilité"), choices=Visibility.choices)

    class Meta:
        model = Project
        fields = ["programme", "year", "region", "establishment_type", "status", "visibility"]


class ProjectForm(WagtailAdminModelForm):
    """The call fixes the public id: it can be chosen once, never changed afterwards."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "call" in self.fields:
            self.fields["call"].disabled = True
            self.fields["call"].help_text = _("L'appel ne change plus une fois l'identifiant attribué.")


class ProjectCreateView(CreateView):
    """Record a selected project through the service, which copies the call's schedule."""

    def save_instance(self):
        data = self.form.cleaned_data
        optional = {
            name: data[name]
            for name in (
                "summary",
                "discipline_raw",
                "discipline",
                "visibility",
                "budget_breakdown",
                "results_posted_on",
                "results_url",
            )
            if name in data
        }
        project = services.select_project(
            actor=self.request.user,
            call=data["call"],
            acronym=data["acronym"],
            title=data["title"],
            establishment=data["establishment"],
            investigator=data["investigator"],
            award_amount=data["award_amount"],
            selected_on=data["selected_on"],
            **optional,
        )
        log(instance=project, action="wagtail.create", user=self.request.user)
        return project


class ProjectEditView(ServiceSaveMixin, EditView):
    """Award, visibility, results… change through `update_project` (audited old → new values)."""

    def save_instance(self):
        data = self.form.cleaned_data
        values = {name: data[name] for name in portfolio_services.PROJECT_EDITABLE_FIELDS if name in data}
        project = portfolio_services.update_project(
            actor=self.request.user, project=self.object.pk, values=values
        )
        return self.saved(project)


class ProjectIndexView(SafeExportIndexView):
    """The agents' project listing searches with the one project search, most relevant first."""

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        queryset = search_projects(queryset, self.search_query)
        if self.is_explicitly_ordered:
            return queryset
        return queryset.order_by(f"-{RELEVANCE}", "public_id")


class ProjectInspectView(InspectView):
    extra_labels = {"milestones": _("jalons"), "registrations": _("registres d'essais")}

    def get_field_label(self, field_name, field):
        if field_name in self.extra_labels:
            return capfirst(self.extra_labels[field_name])
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return "—" if value is None or value == "" else value

    def get_award_amount_display_value(self):
        return euros(self.object.award_amount)

    def get_registrations_display_value(self):
        rows = self.object.registrations.order_by("identifier")
        html = format_html_join(
            ", ",
            '<a href="{}" rel="noopener">{}</a> ({})',
            ((r.url, r.identifier, r.get_registry_display()) for r in rows),
        )
        return html or "—"

    def get_milestones_display_value(self):
        rows = self.object.milestones.order_by("rank")
        items = format_html_join(
            "",
            "<li>{}. {} — {} % — {} {}{}</li>",
            (
                (
                    m.rank,
                    m.label,
                    format_number(m.share_percent, 2),
                    _("prévu le"),
                    format_date(m.planned_date),
                    format_html(", {} {}", _("atteint le"), format_date(m.declared_on))
                    if m.declared_on
                    else "",
                )
                for m in rows
            ),
        )
        return format_html("<ul>{}</ul>", items) if items else "—"


class ProjectViewSet(AgentSnippetViewSet):
    model = Project
    icon = "folder-open-inverse"
    menu_label = _("Projets")
    add_view_class = ProjectCreateView
    edit_view_class = ProjectEditView
    index_view_class = ProjectIndexView
    inspect_view_class = ProjectInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = ProjectFilterSet
    # Searching goes through `ProjectIndexView.search_queryset`; the field list only turns the box on.
    search_fields = ["acronym"]
    search_backend_name = None
    list_per_page = 50
    list_display = [
        "public_id",
        Column("acronym", label=_("Acronyme"), sort_key="acronym"),
        Column("call", label=_("Appel"), accessor="call"),
        Column("establishment", label=_("Établissement coordonnateur"), accessor="establishment.name"),
        Column("region", label=_("Région"), accessor="establishment.get_region_display"),
        Column("investigator", label=_("Porteur"), accessor="investigator.full_name"),
        Column(
            "award_amount",
            label=_("Financement"),
            accessor=lambda p: euros(p.award_amount),
            sort_key="award_amount",
        ),
        Column("status", label=_("Statut"), accessor="get_status_display", sort_key="status"),
    ]
    list_export = [
        "public_id",
        "acronym",
        "title",
        "call",
        "establishment",
        "investigator",
        "award_amount",
        "amount_delegated",
        "amount_paid",
        "amount_validated",
        "amount_remaining",
        "tranche_number",
        "get_status_display",
        "get_visibility_display",
        "selected_on",
    ]
    export_headings = {
        "public_id": _("Identifiant"),
        "acronym": _("Acronyme"),
        "title": _("Titre"),
        "call": _("Appel"),
        "establishment": _("Établissement coordonnateur"),
        "investigator": _("Porteur"),
        "award_amount": _("Financement total (€)"),
        "amount_delegated": _("Délégué, historique inclus (€)"),
        "amount_paid": _("Versé (€)"),
        "amount_validated": _("Validé à déléguer (€)"),
        "amount_remaining": _("Reste à engager (€)"),
        "tranche_number": _("Dernière tranche déléguée"),
        "get_status_display": _("Statut"),
        "get_visibility_display": _("Visibilité"),
        "selected_on": _("Date de sélection"),
    }
    inspect_view_fields = [
        "public_id",
        "call",
        "acronym",
        "title",
        "summary",
        "discipline",
        "discipline_raw",
        "establishment",
        "investigator",
        "award_amount",
        "budget_breakdown",
        "registrations",
        "milestones",
        "status",
        "visibility",
        "selected_on",
        "results_posted_on",
        "results_url",
        "source_file",
        "source_row",
    ]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("call"), FieldPanel("acronym"), FieldPanel("title"), FieldPanel("summary")],
                heading=_("Projet"),
            ),
            MultiFieldPanel(
                [FieldPanel("establishment"), FieldPanel("investigator")],
                heading=_("Établissement et porteur"),
            ),
            MultiFieldPanel(
                [FieldPanel("discipline"), FieldPanel("discipline_raw")],
                heading=_("Discipline"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("award_amount"), FieldPanel("selected_on")]),
                    FieldPanel("budget_breakdown"),
                ],
                heading=_("Financement"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("status", read_only=True),
                    FieldPanel("visibility"),
                    FieldRowPanel([FieldPanel("results_posted_on"), FieldPanel("results_url")]),
                ],
                heading=_("Suivi et publication"),
            ),
        ],
        base_form_class=ProjectForm,
    )

    def get_queryset(self, request):
        # The money columns of the list and its exports come from the one money selector.
        return selectors.with_funding_figures(
            Project.objects.select_related("call__programme", "establishment", "investigator")
        )


# Establishments


class EstablishmentFilterSet(WagtailFilterSet):
    to_complete = django_filters.BooleanFilter(label=_("À compléter"))
    type = django_filters.ChoiceFilter(label=_("Type"), choices=EstablishmentType.choices)
    region = django_filters.ChoiceFilter(label=_("Région"), choices=Region.choices)
    girci = django_filters.ChoiceFilter(label=_("GIRCI"), choices=Girci.choices)

    class Meta:
        model = Establishment
        fields = ["to_complete", "type", "region", "girci"]


class EstablishmentForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only imports may leave them blank ("à compléter"); an agent always gives both.
        for name in ("type", "region"):
            if name in self.fields:
                self.fields[name].required = True

    def clean_finess(self) -> str:
        """Accept what people paste (lost leading zero, spaces) and store the 9-character form."""
        return normalise_finess(self.cleaned_data.get("finess"))

    def clean_ror_id(self) -> str:
        """Accept the ror.org address or upper case, store the bare 9-character id."""
        value = normalise_ror_id(self.cleaned_data.get("ror_id"))
        if value:
            validate_ror_id(value)
        return value


class EstablishmentEditView(RecordEditView):
    """Saving an establishment "à compléter" completes it first (its own audited service); the
    other fields then change through `save_record`, audited like any edit."""

    def save_instance(self):
        if Establishment.objects.filter(pk=self.object.pk, to_complete=True).exists():
            data = self.form.cleaned_data
            complete_establishment(
                establishment=self.object,
                actor=self.request.user,
                name=data.get("name", ""),
                type=data.get("type", ""),
                region=data.get("region", ""),
            )
        return super().save_instance()


class EstablishmentViewSet(AuditedRecordViewSet):
    model = Establishment
    icon = "site"
    menu_label = _("Établissements")
    edit_view_class = EstablishmentEditView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = EstablishmentFilterSet
    search_fields = ["name", "finess"]
    search_backend_name = None
    list_per_page = 50
    list_display = [
        "name",
        Column("finess", label=_("FINESS"), sort_key="finess"),
        Column("type", label=_("Type"), accessor="get_type_display", sort_key="type"),
        Column("region", label=_("Région"), accessor="get_region_display", sort_key="region"),
        Column(
            "to_complete",
            label=_("À compléter"),
            accessor=lambda e: _("oui") if e.to_complete else "",
            sort_key="to_complete",
        ),
        Column("project_count", label=_("Projets"), sort_key="project_count"),
    ]
    inspect_view_fields = [
        "finess",
        "name",
        "type",
        "region",
        "girci",
        "contact_email",
        "ror_id",
        "to_complete",
        "source_file",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("finess"),
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("type"), FieldPanel("region"), FieldPanel("girci")]),
            FieldRowPanel([FieldPanel("contact_email"), FieldPanel("ror_id")]),
        ],
        base_form_class=EstablishmentForm,
    )

    def get_queryset(self, request):
        return Establishment.objects.annotate(project_count=Count("projects"))


class InvestigatorViewSet(AuditedRecordViewSet):
    model = Investigator
    icon = "user"
    menu_label = _("Porteurs")
    inspect_view_enabled = True
    copy_view_enabled = False
    search_fields = ["last_name", "first_name"]
    search_backend_name = None
    list_per_page = 50
    list_display = [
        "last_name",
        Column("first_name", label=_("Prénom"), sort_key="first_name"),
        Column("title", label=_("Titre")),
        Column("project_count", label=_("Projets"), sort_key="project_count"),
    ]
    panels = [
        FieldRowPanel([FieldPanel("title"), FieldPanel("last_name"), FieldPanel("first_name")]),
        FieldPanel("email"),
    ]

    def get_queryset(self, request):
        return Investigator.objects.annotate(project_count=Count("projects"))


class MembershipFilterSet(WagtailFilterSet):
    establishment__region = django_filters.ChoiceFilter(label=_("Région"), choices=Region.choices)

    class Meta:
        model = EstablishmentMembership
        fields = ["establishment__region"]


class MembershipCreateView(ServiceSaveMixin, CreateView):
    log_action = "wagtail.create"

    def save_instance(self):
        data = self.form.cleaned_data
        membership = portfolio_services.create_membership(
            actor=self.request.user, user=data["user"], establishment=data["establishment"]
        )
        return self.saved(membership)


class MembershipEditView(ServiceSaveMixin, EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        membership = portfolio_services.update_membership(
            actor=self.request.user,
            membership=self.object,
            user=data["user"],
            establishment=data["establishment"],
        )
        return self.saved(membership)


class MembershipDeleteView(GuardedDeleteView):
    def delete_action(self):
        log(instance=self.object, action="wagtail.delete", user=self.request.user)
        portfolio_services.delete_membership(actor=self.request.user, membership=self.object)


class EstablishmentMembershipViewSet(AgentSnippetViewSet):
    model = EstablishmentMembership
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView
    icon = "group"
    menu_label = _("Rattachements")
    copy_view_enabled = False
    filterset_class = MembershipFilterSet
    search_fields = ["user__username", "user__last_name", "establishment__name", "establishment__finess"]
    search_backend_name = None
    list_display = [
        "__str__",
        Column("user", label=_("Utilisateur"), accessor="user.get_username"),
        Column("establishment", label=_("Établissement"), accessor="establishment.name"),
    ]
    panels = [FieldPanel("user"), FieldPanel("establishment")]

    def get_queryset(self, request):
        return EstablishmentMembership.objects.select_related("user", "establishment")


class PortfolioGroup(SnippetViewSetGroup):
    menu_label = _("Portefeuille")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (ProjectViewSet, EstablishmentViewSet, InvestigatorViewSet, EstablishmentMembershipViewSet)


# Catalogue: programmes, calls and their funding schedules


class ProgrammeViewSet(AuditedRecordViewSet):
    model = Programme
    icon = "tag"
    menu_label = _("Programmes")
    copy_view_enabled = False
    search_fields = ["code", "name"]
    search_backend_name = None
    list_display = [
        "code",
        Column("name", label=_("Nom"), sort_key="name"),
        Column("operator", label=_("Opérateur")),
    ]
    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("operator"), FieldPanel("description")]


class CallFilterSet(WagtailFilterSet):
    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=Programme.objects.all())
    year = django_filters.ChoiceFilter(label=_("Année de sélection"), choices=_campaign_years)

    class Meta:
        model = Call
        fields = ["programme", "year"]


class CallViewSet(AuditedRecordViewSet):
    model = Call
    icon = "calendar"
    menu_label = _("Appels à projets")
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = CallFilterSet
    search_fields = ["code", "title"]
    search_backend_name = None
    list_per_page = 50
    list_display = [
        "__str__",
        Column("programme", label=_("Programme"), accessor="programme.code"),
        Column("title", label=_("Intitulé")),
        Column("project_count", label=_("Projets"), sort_key="project_count"),
    ]
    inspect_view_fields = ["programme", "code", "year", "title"]
    panels = [
        FieldPanel("programme"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("year")]),
        FieldPanel("title"),
    ]

    def get_queryset(self, request):
        return Call.objects.select_related("programme").annotate(project_count=Count("projects"))


class FundingScheduleForm(WagtailAdminModelForm):
    """A schedule is saved only if its milestones' shares sum to 100 % and ranks are distinct."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("milestone_templates")
        if formset is None:
            return cleaned
        formset.is_valid()  # cleans every row; rows with their own errors are left out below
        kept = [
            form
            for form in formset.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        shares = [form.cleaned_data.get("share_percent") for form in kept]
        if None not in shares:  # a row with an invalid share already carries its own error
            try:
                FundingSchedule.check_shares(shares)
            except ValidationError as error:
                self.add_error(None, error)
        # The formset's unique check drops duplicated ranks from cleaned_data: read what was typed.
        ranks = [form.cleaned_data.get("rank", form["rank"].value()) for form in kept]
        ranks = [str(rank).strip() for rank in ranks if rank not in (None, "")]
        duplicates = sorted({rank for rank in ranks if ranks.count(rank) > 1}, key=lambda r: (len(r), r))
        if duplicates:
            self.add_error(
                None,
                ValidationError(
                    _("Deux jalons ne peuvent pas avoir le même rang (%(ranks)s)."),
                    code="duplicate_rank",
                    params={"ranks": ", ".join(duplicates)},
                ),
            )
        self._refuse_removing_copied_milestones(formset)
        return cleaned

    def _refuse_removing_copied_milestones(self, formset) -> None:
        """Projects keep their copy of a milestone: a copied one is replaced by a new version."""
        removed = [
            form.instance.pk
            for form in formset.forms
            if form.instance.pk and getattr(form, "cleaned_data", None) and form.cleaned_data.get("DELETE")
        ]
        if not removed:
            return
        copies = ProjectMilestone.objects.filter(template_id__in=removed)
        if copies.exists():
            self.add_error(
                None,
                ValidationError(
                    _(
                        "Un jalon supprimé est déjà recopié sur %(count)s projet(s) : créez plutôt une "
                        "nouvelle version de l'échéancier."
                    ),
                    code="milestone_in_use",
                    params={"count": copies.values("project_id").distinct().count()},
                ),
            )


class FundingScheduleSaveMixin(ServiceSaveMixin):
    """The schedule and its milestones (inline formset) are saved by one audited service call."""

    def save_instance(self):
        data = self.form.cleaned_data
        values = {name: data[name] for name in portfolio_services.SCHEDULE_FIELDS if name in data}
        creating = self.log_action == "wagtail.create"
        rows = []
        for form in self.form.formsets["milestone_templates"].forms:
            cleaned = getattr(form, "cleaned_data", None) or {}
            pk = None if creating else form.instance.pk  # a copy's rows are new milestones
            if not cleaned or (pk is None and cleaned.get("DELETE")):
                continue  # an empty extra row, or a new row removed before saving
            rows.append(
                portfolio_services.MilestoneRow(
                    pk=pk,
                    delete=bool(cleaned.get("DELETE")),
                    values={name: cleaned.get(name) for name in portfolio_services.TEMPLATE_FIELDS},
                    evidence_types=list(cleaned.get("evidence_types") or []),
                )
            )
        schedule = portfolio_services.save_funding_schedule(
            actor=self.request.user,
            schedule=None if creating else self.object,
            values=values,
            milestones=rows,
        )
        return self.saved(schedule)


class FundingScheduleCreateView(FundingScheduleSaveMixin, CreateView):
    log_action = "wagtail.create"


class FundingScheduleCopyView(FundingScheduleSaveMixin, CopyView):
    log_action = "wagtail.create"


class FundingScheduleEditView(FundingScheduleSaveMixin, EditView):
    pass


class FundingScheduleFilterSet(WagtailFilterSet):
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), field_name="call__programme", queryset=Programme.objects.all()
    )
    year = django_filters.ChoiceFilter(
        label=_("Année de sélection"), field_name="call__year", choices=_campaign_years
    )
    is_active = django_filters.BooleanFilter(label=_("En vigueur"))

    class Meta:
        model = FundingSchedule
        fields = ["programme", "year", "is_active"]


class FundingScheduleViewSet(AgentSnippetViewSet):
    model = FundingSchedule
    add_view_class = FundingScheduleCreateView
    copy_view_class = FundingScheduleCopyView
    edit_view_class = FundingScheduleEditView
    icon = "list-ol"
    menu_label = _("Échéanciers de financement")
    inspect_view_enabled = True
    filterset_class = FundingScheduleFilterSet
    search_fields = ["call__code", "notes"]
    search_backend_name = None
    list_per_page = 50
    list_display = [
        "__str__",
        Column("is_active", label=_("En vigueur"), accessor=lambda s: _("oui") if s.is_active else _("non")),
        Column("milestone_count", label=_("Jalons"), sort_key="milestone_count"),
        Column(
            "results_required_for_last_tranche",
            label=_("Résultats exigés"),
            accessor=lambda s: _("oui") if s.results_required_for_last_tranche else _("non"),
        ),
    ]
    inspect_view_fields = [
        "call",
        "version",
        "is_active",
        "results_required_for_last_tranche",
        "lapse_after_months",
        "notes",
    ]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("call"), FieldPanel("version"), FieldPanel("is_active")]),
                    FieldPanel("results_required_for_last_tranche"),
                    FieldPanel("lapse_after_months"),
                    FieldPanel("notes"),
                ],
                heading=_("Échéancier"),
            ),
            InlinePanel(
                "milestone_templates",
                heading=_("Jalons et tranches"),
                label=_("Jalon"),
                min_num=1,
                panels=[
                    FieldRowPanel([FieldPanel("rank"), FieldPanel("label")]),
                    FieldRowPanel([FieldPanel("share_percent"), FieldPanel("planned_delay_months")]),
                    FieldPanel("evidence_types", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("is_results_milestone"),
                ],
            ),
        ],
        base_form_class=FundingScheduleForm,
    )

    def get_queryset(self, request):
        return FundingSchedule.objects.select_related("call").annotate(
            milestone_count=Count("milestone_templates")
        )


class EvidenceTypeViewSet(AuditedRecordViewSet):
    model = EvidenceType
    icon = "doc-full"
    menu_label = _("Types de justificatif")
    copy_view_enabled = False
    search_fields = ["code", "label"]
    search_backend_name = None
    list_display = ["label", Column("code", label=_("Code"), sort_key="code")]
    panels = [FieldPanel("code"), FieldPanel("label"), FieldPanel("description")]


class DisciplineViewSet(AuditedRecordViewSet):
    model = Discipline
    article = "une"
    icon = "tag"
    menu_label = _("Disciplines")
    copy_view_enabled = False
    search_fields = ["code", "label"]
    search_backend_name = None
    list_display = ["label", Column("code", label=_("Code"), sort_key="code")]
    panels = [FieldPanel("code"), FieldPanel("label")]


class TrialRegistrationViewSet(AuditedRecordViewSet):
    model = TrialRegistration
    icon = "link"
    menu_label = _("Registres d'essais")
    copy_view_enabled = False
    search_fields = ["identifier"]
    search_backend_name = None
    list_per_page = 50
    list_display = ["identifier", Column("registry", label=_("Registre"), accessor="get_registry_display")]
    panels = [FieldPanel("registry"), FieldPanel("identifier")]


class CatalogueGroup(SnippetViewSetGroup):
    menu_label = _("Appels et échéanciers")
    menu_icon = "calendar"
    menu_order = 210
    items = (
        CallViewSet,
        FundingScheduleViewSet,
        ProgrammeViewSet,
        EvidenceTypeViewSet,
        DisciplineViewSet,
        TrialRegistrationViewSet,
    )


register_snippet(PortfolioGroup)
register_snippet(CatalogueGroup)

__all__ = ["CatalogueGroup", "PortfolioGroup", "euros"]
