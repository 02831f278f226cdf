"""Template helpers of the public site: query strings, breadcrumbs (French formats: `french`)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from content.directory.cards import card_of, cards_html

register = template.Library()


@register.filter
def project_cards(projects) -> list:
    """`{% for card in projects|project_cards %}{{ card }}{% endfor %}`: each project's card
    (`content.directory.cards`), written in Python with one `reverse` for the list."""
    return cards_html([card_of(project) for project in projects])


@register.simple_tag(takes_context=True)
def page_query(context, number) -> str:
    """The current directory query with another page number."""
    query = context.get("query") or ""
    return f"?{query}&page={number}" if query else f"?page={number}"


@register.inclusion_tag("content/includes/breadcrumb.html")
def page_breadcrumb(page):
    """Ancestors below the tree root (the home page first) then the current page."""
    ancestors = [p for p in page.get_ancestors().specific() if p.depth > 1]
    # The home page's title is the site's whole promise; in a trail it is simply « Accueil ».
    links = [{"url": p.url, "title": _("Accueil") if p.depth == 2 else p.title} for p in ancestors]
    return {"links": links, "current": page.title, "id": f"breadcrumb-{page.pk}"}
