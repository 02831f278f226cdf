"""Template filters of the agents' desk."""

from django import template

from workflows import rules

register = template.Library()


@register.filter
def is_budget_agent(user) -> bool:
    """The user holds the budget agent's role (superuser status alone does not count)."""
    return rules.is_budget_agent(None, user)
