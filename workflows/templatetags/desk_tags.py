"""Template filters of the agents' desk."""

from django import template

from content.formatting import format_euros

register = template.Library()


@register.filter
def euros(amount) -> str:
    return format_euros(amount, places=2)
