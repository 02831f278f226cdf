"""Which transitions a desk user may fire on a request, why the others are refused, and firing them.

Buttons follow django-fsm exactly: shown when the transition exists from the current state and
its permission holds (`rules.user_may_fire`, the FSM meta's `has_transition_perm`); enabled when
`can_proceed` holds (the comment a form will collect is not required to show the button); otherwise
disabled with `rules.unmet_conditions` as reason.

Every action but « Prendre en instruction » opens a confirmation page that restates the project,
the tranche and the amount before anything changes. A tranche is delegated and paid only with its
delegation (issue, payment), never on its own from the desk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from workflows import rules, services
from workflows.models import TrancheRequest


@dataclass(frozen=True)
class ActionSpec:
    name: str
    label: str
    needs_comment: bool
    service: object
    done: str
    confirm: bool = True


#: Agents' transitions, in button order.
DESK_ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in (
        ActionSpec(
            "start_review",
            _("Prendre en instruction"),
            False,
            services.start_review,
            _("prise en instruction"),
            confirm=False,
        ),
        ActionSpec(
            "request_changes",
            _("Demander des compléments"),
            True,
            services.request_changes,
            _("compléments demandés"),
        ),
        ActionSpec("validate", _("Valider"), False, services.validate_tranche_request, _("validée")),
        ActionSpec("reject", _("Rejeter"), True, services.reject_tranche_request, _("rejetée")),
    )
}


@dataclass
class DeskAction:
    spec: ActionSpec
    enabled: bool
    reasons: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def label(self) -> str:
        return str(self.spec.label)

    @property
    def needs_comment(self) -> bool:
        return self.spec.needs_comment

    @property
    def confirm(self) -> bool:
        return self.spec.confirm

    @property
    def reason_text(self) -> str:
        return " ".join(self.reasons)


def actions_for(tranche_request: TrancheRequest, user) -> list[DeskAction]:
    """The buttons to show `user` for this request (no query beyond what the row already holds)."""
    actions = []
    for spec in DESK_ACTIONS.values():
        method = getattr(tranche_request, spec.name)
        if not can_proceed(method, check_conditions=False) or not rules.user_may_fire(method, user):
            continue
        reasons = rules.unmet_conditions(tranche_request, spec.name, ignore=(rules.has_comment,))
        actions.append(DeskAction(spec=spec, enabled=not reasons, reasons=reasons))
    return actions


def fire(*, name: str, tranche_request: TrancheRequest | int, actor, comment: str = "") -> TrancheRequest:
    """Call the service of one desk action (raises ValidationError / PermissionDenied)."""
    return DESK_ACTIONS[name].service(tranche_request=tranche_request, actor=actor, comment=comment)
