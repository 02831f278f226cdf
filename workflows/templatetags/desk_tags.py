"""Template filters of the agents' desk."""

from django import template

from workflows.desk.formatting import euros as _euros

register = template.Library()


@register.filter
def euros(amount) -> str:
    return _euros(amount)
