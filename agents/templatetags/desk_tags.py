"""Template filters of the agents' desk."""

from django import template

from workflows import audit_labels, rules

register = template.Library()


@register.filter
def is_budget_agent(user) -> bool:
    """The user holds the budget agent's role (superuser status alone does not count)."""
    return rules.is_budget_agent(None, user)


@register.filter
def audit_action(event) -> str:
    """The event's action in French (« Jalon déclaré atteint »), never its code."""
    return audit_labels.action_label(event.action)


@register.filter
def audit_transition(event) -> str:
    """« brouillon → soumise »: the states' French labels."""
    return audit_labels.transition_label(event)


@register.filter
def audit_actor(event) -> str:
    """The actor's full name and where they work: « Claire Martin (DGOS) »."""
    return audit_labels.actor_label(event)
