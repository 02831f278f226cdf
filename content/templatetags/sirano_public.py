"""Template helpers of the public site: query strings, breadcrumbs (French formats: `french`)."""

from __future__ import annotations

from django import template

register = template.Library()


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
