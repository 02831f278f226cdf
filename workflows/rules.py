"""Small predicates used by the state machines' `permission=` and `conditions=`.

Permissions take (instance, user); conditions take the instance only. `unmet_conditions` turns a
failed condition, and `refusal_reason` a failed permission, into the French sentence the UI shows.

Separation of duties: instructing, delegating and paying are granted by a role (a group's
permission, or a permission given to the user), never by `is_superuser`; the agent who validated a
tranche never records its payment.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workflows import money

REVIEW_PERM = "workflows.review_trancherequest"
DELEGATE_PERM = "workflows.delegate_trancherequest"


# Who: permission predicates (instance, user) -> bool


def is_member_of(user, establishment_id: int) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cache = getattr(user, "_establishment_ids", None)
    if cache is None:
        cache = set(user.memberships.values_list("establishment_id", flat=True))
        user._establishment_ids = cache
    return establishment_id in cache


def is_establishment_member(instance, user) -> bool:
    """The acting user belongs to the project's coordinating establishment."""
    return is_member_of(user, instance.milestone.project.establishment_id)


def holds_permission(user, perm: str) -> bool:
    """`user` holds `perm` through a role (group) or an explicit grant.

    Unlike `user.has_perm`, superuser status grants nothing here: a technical administrator does
    not instruct, delegate or pay unless given the role. One query per user object (cached on it).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    granted = getattr(user, "_granted_permissions", None)
    if granted is None:
        rows = (
            Permission.objects.filter(Q(group__user=user) | Q(user=user))
            .values_list("content_type__app_label", "codename")
            .distinct()
        )
        granted = {f"{app_label}.{codename}" for app_label, codename in rows}
        user._granted_permissions = granted
    return perm in granted


def is_instructing_agent(instance, user) -> bool:
    """A DGOS instructing agent (role granting `review_trancherequest`)."""
    return holds_permission(user, REVIEW_PERM)


def is_budget_agent(instance, user) -> bool:
    """A DGOS budget agent (role granting `delegate_trancherequest`)."""
    return holds_permission(user, DELEGATE_PERM)


def validated_by(request, user) -> bool:
    """`user` validated this tranche request."""
    return bool(request.validated_by_id) and request.validated_by_id == getattr(user, "pk", None)


def validated_any_of(delegation, user) -> bool:
    """`user` validated at least one tranche of this delegation."""
    return delegation.tranche_requests.filter(validated_by_id=getattr(user, "pk", None)).exists()


def is_paying_agent(request, user) -> bool:
    """A budget agent who did not validate this tranche records its payment."""
    return is_budget_agent(request, user) and not validated_by(request, user)


def is_delegation_paying_agent(delegation, user) -> bool:
    """A budget agent who validated none of the delegation's tranches records its payment."""
    return is_budget_agent(delegation, user) and not validated_any_of(delegation, user)


def user_may_fire(bound_method, user) -> bool:
    """The transition exists from the current state and its `permission=` accepts `user`.

    django-fsm's module-level `has_transition_perm` also requires the conditions, which would turn
    « comment missing » or « over the award » into « not allowed »; the FSM meta's
    `has_transition_perm` checks the permission alone, so refusals can be explained precisely.
    """
    meta = bound_method._django_fsm
    instance = bound_method.__self__
    state = meta.field.get_state(instance)
    return meta.has_transition(state) and meta.has_transition_perm(instance, state, user)


# What: condition predicates (instance) -> bool


def milestone_declared(request) -> bool:
    return request.milestone.declared_on is not None


def missing_evidence(request) -> list:
    required = set(request.milestone.evidence_types.all())
    attached = {doc.evidence_type for doc in request.documents.all()}
    return sorted(required - attached, key=lambda evidence: evidence.label)


def evidence_complete(request) -> bool:
    return not missing_evidence(request)


def has_comment(request) -> bool:
    return bool((request.transition_comment or "").strip())


def within_award(request) -> bool:
    """Validated, delegated and paid tranches of a project never exceed its award.

    Lists may annotate `committed_elsewhere` (one subquery for the page); services never do, so
    the decision that counts is taken on fresh data under the project lock.
    """
    project = request.milestone.project
    committed = getattr(request, "committed_elsewhere", None)
    if committed is None:
        # The money selector's committed figure (`workflows.money`), the request itself aside;
        # through the request's own model: the models import this module.
        others = type(request).objects.filter(milestone__project_id=project.pk).exclude(pk=request.pk)
        committed = money.committed_total(others)
    return committed + request.amount <= project.award_amount


def results_posted_if_required(request) -> bool:
    """Since the 2024 campaign (when the schedule says so) the last tranche needs posted results."""
    milestone = request.milestone
    if not milestone.is_last:
        return True
    template = milestone.template
    if template is None or not template.schedule.results_required_for_last_tranche:
        return True
    return milestone.project.results_posted_on is not None


# Requestability: which milestone may still be declared and its tranche requested.

CLOSED_PROJECT_STATUSES = ("completed", "abandoned", "lapsed")


def project_accepts_requests(request) -> bool:
    """No tranche is requested, submitted or validated for an abandoned, lapsed or completed project."""
    return request.milestone.project.status not in CLOSED_PROJECT_STATUSES


def covering_tranche(milestone):
    """The committed tranche (historical or SIRANo) that already covers the milestone, if any.

    Reads `milestone.tranche_requests.all()`, so lists that prefetch them run no query.
    """
    return next((r for r in milestone.tranche_requests.all() if r.status in money.COMMITTED_STATES), None)


def milestone_closed(milestone) -> bool:
    """Declared, closed by the historical stock, or covered by a committed tranche."""
    return milestone.is_closed or covering_tranche(milestone) is not None


def milestone_refusal(milestone, siblings) -> str | None:
    """Why the establishment may not declare this milestone and request its tranche (French), or None.

    `siblings`: the project's milestones (with `tranche_requests` prefetched by lists). The rules,
    in order: the project is still open; the milestone is not covered by a committed tranche
    (historical included); the milestones before it are closed, unless an agent allowed an
    exception for this one. `services` enforce them; pages show the same sentence.
    """
    project = milestone.project
    if project.status in CLOSED_PROJECT_STATUSES:
        return str(
            _("Le projet est « %(status)s » : aucune tranche ne peut plus être demandée.")
            % {"status": project.get_status_display()}
        )
    covering = covering_tranche(milestone)
    if covering is not None:
        if covering.is_historical:
            return str(
                _(
                    "La tranche %(rank)s a déjà été déléguée avant SIRANo : elle ne peut pas être demandée à nouveau."
                )
                % {"rank": milestone.rank}
            )
        return str(
            _("La tranche %(rank)s est déjà engagée (%(state)s) : elle ne peut pas être demandée à nouveau.")
            % {"rank": milestone.rank, "state": covering.get_status_display()}
        )
    if milestone.order_exception_at is None:
        pending = [m for m in siblings if m.rank < milestone.rank and not milestone_closed(m)]
        if pending:
            return str(
                _(
                    "Déclarez d'abord le jalon %(rank)s : les jalons se déclarent dans l'ordre "
                    "(un agent de la DGOS peut autoriser une exception)."
                )
                % {"rank": min(m.rank for m in pending)}
            )
    return None


def in_delegation(request) -> bool:
    return request.delegation_id is not None


def delegation_not_empty(delegation) -> bool:
    return delegation.tranche_requests.exists()


CONDITION_MESSAGES = {
    milestone_declared: _("Le jalon doit d'abord être déclaré atteint."),
    evidence_complete: _("Il manque des justificatifs exigés."),
    has_comment: _("Un commentaire est obligatoire pour cette action."),
    within_award: _("Le total des tranches validées dépasserait le financement accordé."),
    results_posted_if_required: _(
        "La dernière tranche exige que les résultats soient postés dans le registre d'essais."
    ),
    in_delegation: _("La tranche doit d'abord être ajoutée à une délégation."),
    project_accepts_requests: _(
        "Le projet est abandonné, caduc ou terminé : aucune tranche ne peut plus être demandée ni validée."
    ),
    delegation_not_empty: _("La délégation ne contient aucune tranche."),
}


ROLE_REFUSALS = {
    is_instructing_agent: _(
        "Cette action est réservée aux agents instructeurs de la DGOS (rôle « Instructeur DGOS ») ; "
        "le statut de super-utilisateur ne la permet pas."
    ),
    is_budget_agent: _(
        "Cette action est réservée aux agents budgétaires de la DGOS (rôle « Agent budgétaire DGOS ») ; "
        "le statut de super-utilisateur ne la permet pas."
    ),
    is_establishment_member: _(
        "Seul un membre de l'établissement coordonnateur peut effectuer cette action."
    ),
}
SEPARATION_REFUSALS = {
    is_paying_agent: _(
        "Vous avez validé cette tranche : son versement doit être enregistré par un autre agent "
        "(séparation des tâches)."
    ),
    is_delegation_paying_agent: _(
        "Vous avez validé au moins une tranche de cette délégation : son versement doit être "
        "enregistré par un autre agent (séparation des tâches)."
    ),
}


def refusal_reason(instance, transition_name: str, user) -> str:
    """Why `user` may not fire this transition, in French (the role missing, or the duty to separate)."""
    method = getattr(instance, transition_name)
    meta = method._django_fsm
    transition = meta.get_transition(meta.field.get_state(instance))
    if transition is None:
        return str(_("Cette action n'est pas possible dans l'état actuel."))
    permission = transition.permission
    if permission in SEPARATION_REFUSALS:
        if not is_budget_agent(instance, user):
            return str(ROLE_REFUSALS[is_budget_agent])
        return str(SEPARATION_REFUSALS[permission])
    if permission in ROLE_REFUSALS:
        return str(ROLE_REFUSALS[permission])
    return str(_("Vous n'êtes pas autorisé à effectuer cette action."))


def unmet_conditions(instance, transition_name: str, ignore: tuple = ()) -> list[str]:
    """French reasons for every condition of the transition that does not hold now.

    `ignore` skips conditions a form will satisfy (e.g. `has_comment` before the comment is typed).
    """
    method = getattr(instance, transition_name)
    meta = method._django_fsm
    transition = meta.get_transition(meta.field.get_state(instance))
    if transition is None:
        return [str(_("Cette action n'est pas possible dans l'état actuel."))]
    reasons = []
    for condition in transition.conditions:
        if condition in ignore:
            continue
        if not condition(instance):
            message = CONDITION_MESSAGES.get(condition, _("Condition non remplie."))
            if condition is evidence_complete:
                labels = ", ".join(str(e) for e in missing_evidence(instance))
                message = _("Justificatifs manquants : %(labels)s.") % {"labels": labels}
            reasons.append(str(message))
    return reasons
