"""Field visibility in one place: which field each audience may see.

Three tiers, each including the ones before it: public (everyone), expert (logged-in research
actors and API token holders), internal (DGOS only). Public pages, the API and open-data files
read these lists; a field absent from a tier is never served to it.
"""

from __future__ import annotations

from enum import IntEnum

from workflows import money


class Tier(IntEnum):
    PUBLIC = 1
    EXPERT = 2
    INTERNAL = 3


P, E, I = Tier.PUBLIC, Tier.EXPERT, Tier.INTERNAL  # noqa: E741

#: model label -> field name (or dotted path used by serialisers) -> tier
FIELDS: dict[str, dict[str, Tier]] = {
    "project": {
        "public_id": P,
        # the project's address in the API (`/api/v1/projects/<public_id>/`): what a list row links to
        "url": P,
        "acronym": P,
        "title": P,
        "summary": P,
        "programme": P,
        "call": P,
        "year": P,
        "discipline": P,
        # The ministry's file has always published the free-text discipline (discipline_principale).
        "discipline_raw": P,
        "establishment": P,
        "establishment_finess": P,
        "establishment_ror_id": P,
        "establishment_type": P,
        "region": P,
        "investigator": P,
        "award_amount": P,
        "amount_delegated": P,
        "amount_paid": P,
        "tranche_number": P,
        "registrations": P,
        "status": P,
        "selected_on": P,
        "milestones": P,
        "results_url": P,
        "results_posted_on": P,
        "planned_dates": E,
        "amount_validated": E,
        "amount_remaining": E,
        "late_milestones": E,
        "source_file": I,
        "source_row": I,
        "budget_breakdown": I,
        "investigator_email": I,
        "visibility": I,
    },
    "milestone": {
        "rank": P,
        "label": P,
        "reached": P,
        "declared_on": P,
        "amount_delegated": P,
        "planned_date": E,
        "days_late": E,
        "declaration_comment": I,
        "declared_by": I,
        "verified_by": I,
    },
    "tranche": {
        "project": P,
        "rank": P,
        "amount": P,
        "status": P,
        "delegated_on": P,
        "paid_on": P,
        "is_historical": P,
        "amount_is_derived": P,
        "submitted_on": E,
        "validated_on": E,
        "comment": I,
        "documents": I,
        "audit": I,
        "created_by": I,
    },
    "establishment": {
        "finess": P,
        "name": P,
        "type": P,
        "region": P,
        "girci": P,
        "ars": P,
        "ror_id": P,
        "contact_email": I,
    },
    "call": {"code": P, "year": P, "programme": P, "title": P},
}

#: Tranche states shown outside DGOS (a request in instruction is internal business), and to experts.
PUBLIC_TRANCHE_STATES = money.PUBLIC_TRANCHE_STATES
EXPERT_TRANCHE_STATES = money.EXPERT_TRANCHE_STATES


def tier_for(user) -> Tier:
    """The audience a user belongs to."""
    from workflows.roles import Role, is_dgos_agent, user_has_role

    if user is None or not getattr(user, "is_authenticated", False):
        return Tier.PUBLIC
    if is_dgos_agent(user):
        return Tier.INTERNAL
    if user_has_role(user, Role.EXPERT) or user_has_role(user, Role.ESTABLISHMENT_MEMBER):
        return Tier.EXPERT
    return Tier.PUBLIC


def fields_for(model: str, tier: Tier) -> list[str]:
    """Names of the fields of `model` an audience of `tier` may see, in declaration order."""
    return [name for name, level in FIELDS[model].items() if level <= tier]


def is_visible(model: str, field: str, tier: Tier) -> bool:
    level = FIELDS[model].get(field)
    return level is not None and level <= tier
