"""The agents' home: after sign-in, what waits for this person, with counts, links and the oldest items.

Each role sees its own work lists (an instructing agent: requests to review, late milestones,
imports to confirm…; a budget agent: tranches to delegate, delegations to pay; the communication
team: pages awaiting moderation). Counts come from `workflows.worklists`, the desk queues' querysets.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.admin.views.home import LockedPagesPanel, RecentEditsPanel
from wagtail.models import TaskState, WorkflowState

from ingest.projects.services import can_import_projects
from workflows import rules, worklists
from workflows.roles import Role, user_has_role


@dataclass
class HomeTile:
    """One work list on the home page: its count, where it is, and its oldest items."""

    title: str
    count: int
    url: str
    empty: str
    items: list[tuple[str, str, object, str]]  # (label, url, since, detail)
    tone: str = "info"


def _tile(title, work: worklists.WorkList, url: str, item_url, empty, tone="info") -> HomeTile:
    items = [(item.label, item_url(item), item.since, item.detail) for item in work.oldest]
    return HomeTile(title=title, count=work.count, url=url, empty=empty, items=items, tone=tone)


def _inspect(item) -> str:
    return reverse("workflows_desk:request_inspect", args=[item.pk])


def _delegation(item) -> str:
    return reverse("workflows_desk:delegation_detail", args=[item.pk])


def _index(model: str) -> str:
    return reverse(f"workflows_{model}_modeladmin_index")


def review_tiles() -> list[HomeTile]:
    return [
        _tile(
            _("Demandes à instruire"),
            worklists.to_review(),
            _index("requesttoreview"),
            _inspect,
            _("Aucune demande à instruire."),
            tone="warning",
        ),
        _tile(
            _("En attente de compléments"),
            worklists.awaiting_changes(),
            _index("requestawaitingchanges"),
            _inspect,
            _("Aucune demande en attente de compléments."),
        ),
        _tile(
            _("Jalons en retard"),
            worklists.late_milestones(),
            _index("latemilestone"),
            lambda item: f"{_index('latemilestone')}?{urlencode({'q': item.label.split(' ')[0]})}",
            _("Aucun jalon en retard."),
            tone="error",
        ),
        _tile(
            _("Projets sans activité à déclarer caducs"),
            worklists.dormant_projects(),
            reverse("workflows_desk:dormant_projects"),
            lambda item: lapse_offer_url(item.ref),
            _("Aucun projet sans activité depuis un an."),
            tone="warning",
        ),
    ]


def lapse_offer_url(public_id: str) -> str:
    """The project's status page with the lapse decision already chosen (the audited service)."""
    return (
        f"{reverse('workflows_desk:project_lifecycle', args=[public_id])}?{urlencode({'decision': 'lapse'})}"
    )


def import_tiles() -> list[HomeTile]:
    documents = worklists.legacy_documents_to_check()
    return [
        _tile(
            _("Imports de projets à confirmer"),
            worklists.imports_to_confirm(),
            reverse("ingest_import_history"),
            lambda item: reverse("ingest_import_detail", args=[item.pk]),
            _("Aucune simulation d’import en attente."),
        ),
        HomeTile(
            title=str(_("Documents historiques à vérifier")),
            count=documents.count,
            url=reverse("documents_import_documents"),
            empty=str(_("Aucun document historique à vérifier.")),
            items=[],
        ),
    ]


def budget_tiles() -> list[HomeTile]:
    return [
        _tile(
            _("Tranches validées à déléguer"),
            worklists.to_delegate(),
            _index("requesttodelegate"),
            _inspect,
            _("Aucune tranche validée en attente de délégation."),
            tone="warning",
        ),
        _tile(
            _("Délégations en préparation"),
            worklists.delegations_in_preparation(),
            f"{_index('delegation')}?status=draft",
            _delegation,
            _("Aucune délégation en préparation."),
        ),
        _tile(
            _("Délégations émises à verser"),
            worklists.delegations_to_pay(),
            f"{_index('delegation')}?status=issued",
            _delegation,
            _("Aucune délégation en attente de versement."),
        ),
    ]


def moderation_tiles(user) -> list[HomeTile]:
    """Pages waiting in a Wagtail workflow: to review (moderators), or submitted by this editor."""
    tiles = []
    if user_has_role(user, Role.MODERATOR) or user.is_superuser:
        states = TaskState.objects.reviewable_by(user).select_related("revision").order_by("started_at")
        tiles.append(
            HomeTile(
                title=str(_("Pages à relire et publier")),
                count=states.count(),
                url=reverse("wagtailadmin_reports:workflow"),
                empty=str(_("Aucune page en attente de modération.")),
                items=[
                    (
                        str(state.revision.object_str),
                        reverse("wagtailadmin_pages:edit", args=[state.revision.object_id]),
                        state.started_at,
                        "",
                    )
                    for state in states[: worklists.OLDEST]
                ],
                tone="warning",
            )
        )
    if user_has_role(user, Role.EDITOR):
        mine = WorkflowState.objects.active().filter(requested_by=user).order_by("created_at")
        tiles.append(
            HomeTile(
                title=str(_("Mes pages soumises à la modération")),
                count=mine.count(),
                url=reverse("wagtailadmin_reports:workflow"),
                empty=str(_("Aucune de vos pages n’attend la modération.")),
                items=[],
            )
        )
    return tiles


def sections_for(user) -> list[tuple[str, list[HomeTile]]]:
    """(section title, tiles) for each role this user holds, in the order of the day's work."""
    sections = []
    if rules.is_instructing_agent(None, user) or user.is_superuser:
        sections.append((str(_("Instruction")), review_tiles()))
    if can_import_projects(user):
        sections.append((str(_("Imports")), import_tiles()))
    if rules.is_budget_agent(None, user) or user.is_superuser:
        sections.append((str(_("Délégations de crédits")), budget_tiles()))
    moderation = moderation_tiles(user)
    if moderation:
        sections.append((str(_("Publication")), moderation))
    return sections


class AgentWorkPanel(Component):
    """First panel of the home page; empty roles show nothing rather than an empty frame."""

    name = "sirano_agent_work"
    template_name = "agents/desk/home_panel.html"
    order = 10

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        return {"sections": sections_for(self.user), "user": self.user}


def construct_homepage_panels(request, panels: list) -> None:
    """Our work panel first; Wagtail's page panels only for people who work on pages."""
    if not (user_has_role(request.user, Role.EDITOR) or user_has_role(request.user, Role.MODERATOR)):
        panels[:] = [p for p in panels if not isinstance(p, RecentEditsPanel | LockedPagesPanel)]
    panels.insert(0, AgentWorkPanel(request.user))
