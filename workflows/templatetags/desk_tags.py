"""Template filters of the agents' desk."""

from django import template

from content.formatting import format_euros
from workflows import rules

register = template.Library()


@register.filter
def euros(amount) -> str:
    return format_euros(amount, places=2)


@register.filter
def is_budget_agent(user) -> bool:
    """The user holds the budget agent's role (superuser status alone does not count)."""
    return rules.is_budget_agent(None, user)
