"""Template helpers of the public site: French numbers and euros, query strings, breadcrumbs."""

from __future__ import annotations

from django import template

from content.formatting import format_date, format_euros, format_int

register = template.Library()


@register.filter
def euros(value):
    return format_euros(value)


@register.filter
def euros_compact(value):
    return format_euros(value, compact=True)


@register.filter
def nombre(value):
    return "" if value in (None, "") else format_int(value)


@register.simple_tag(takes_context=True)
def page_query(context, number) -> str:
    """The current directory query with another page number."""
    query = context.get("query") or ""
    return f"?{query}&page={number}" if query else f"?page={number}"


@register.inclusion_tag("content/includes/breadcrumb.html")
def page_breadcrumb(page):
    """Ancestors below the tree root (the home page first) then the current page."""
    ancestors = [p for p in page.get_ancestors().specific() if p.depth > 1]
    links = [{"url": p.url, "title": p.title} for p in ancestors]
    return {"links": links, "current": page.title, "id": f"breadcrumb-{page.pk}"}


@register.filter
def date_fr(value) -> str:
    """Dates always in French whatever the browser asks (RGAA 8.7), "1er" for the first day:
    the one formatter, `content.formatting.format_date`."""
    return format_date(value or None)
