"""Who sees what in the portal: the user's establishments, the current one, and agents' read-only view.

Every portal view reads through a `PortalScope`. The current establishment lives in the session and
is checked against the user's memberships on every request (a revoked membership takes effect at
once); agents of the DGOS see every establishment's data, read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from workflows import rules
from workflows.models import Establishment, EstablishmentMembership
from workflows.roles import is_dgos_agent

SESSION_KEY = "portal_establishment_id"


@dataclass
class PortalScope:
    user: object
    is_agent: bool
    establishments: list[Establishment] = field(default_factory=list)
    current: Establishment | None = None

    @cached_property
    def establishment_ids(self) -> set[int]:
        return {establishment.pk for establishment in self.establishments}

    def can_act_on(self, project) -> bool:
        """Only members of the coordinating establishment write; agents act from the desk."""
        return rules.is_member_of(self.user, project.establishment_id)


def scope_for(request) -> PortalScope:
    """Build the scope of the signed-in user and keep the session's current establishment valid."""
    user = request.user
    establishments = list(
        Establishment.objects.filter(
            pk__in=EstablishmentMembership.objects.filter(user=user).values("establishment_id")
        ).order_by("name")
    )
    # Prime the cache `rules.is_member_of` reads, so permission checks cost no further query.
    user._establishment_ids = {establishment.pk for establishment in establishments}
    wanted = request.session.get(SESSION_KEY)
    current = next((e for e in establishments if e.pk == wanted), None)
    if current is None and establishments:
        current = establishments[0]
    if current is None:
        request.session.pop(SESSION_KEY, None)
    elif wanted != current.pk:
        request.session[SESSION_KEY] = current.pk
    return PortalScope(
        user=user, is_agent=is_dgos_agent(user), establishments=establishments, current=current
    )


def switch_establishment(request, establishment_id: int) -> Establishment:
    """Make one of the user's establishments the current one; any other id is refused."""
    scope = scope_for(request)
    chosen = next((e for e in scope.establishments if e.pk == establishment_id), None)
    if chosen is None:
        raise PermissionDenied(_("Vous n'êtes pas rattaché à cet établissement."))
    request.session[SESSION_KEY] = chosen.pk
    return chosen


class PortalMixin(LoginRequiredMixin):
    """Signed-in users only; exposes `self.scope` and puts it in the template context."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.scope = scope_for(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["scope"] = self.scope
        return context


class MemberActionMixin(PortalMixin):
    """Write views: the object must be visible (else 404) and the user a member of its establishment.

    Agents see the object but are refused (403) with a French reason: they act from the desk.
    """

    def check_can_act(self, project) -> None:
        if not self.scope.can_act_on(project):
            raise PermissionDenied(
                _(
                    "Les agents de la DGOS consultent le portail en lecture seule et agissent depuis le bureau."
                )
            )
