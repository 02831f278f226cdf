"""The site's shell (header, footer, skip links, display settings) rendered once per content
version in each process, not on every page.

These fragments depend only on the site identity and its footer links (editorial content: the
content version moves when they change, `web.page_store.bump_content_version`), the host (each
Wagtail site has its own identity), the language and, for the header, which menu entry is the
current one. Rendering them took about a third of a cold page's template time (some 60
translated strings and five templates per page); a kept copy costs a dictionary lookup.

Anything a visitor may see of their own (the signed-in header with its CSRF token) is never
kept: the header is kept for anonymous visitors only (`base.html`).
"""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from web.process_memo import under_content_version

register = template.Library()

#: the main menu's entries: the first path segment that makes each one the current page
MENU_SECTIONS = {"projets": "projets", "indicateurs": "indicateurs", "donnees": "donnees"}


@register.filter
def menu_section(path: str) -> str:
    """Which main menu entry `path` belongs to: "accueil", "projets", "indicateurs", "donnees"
    or "" (none is the current page)."""
    if path == "/":
        return "accueil"
    first = path.strip("/").split("/", 1)[0]
    return MENU_SECTIONS.get(first, "") if path.startswith(f"/{first}/") else ""


class KeptNode(template.Node):
    def __init__(self, name: str, parts: list[template.base.FilterExpression], nodelist) -> None:
        self.name = name
        self.parts = parts
        self.nodelist = nodelist

    def render(self, context) -> str:
        request = context.get("request")
        host = request.get_host() if request is not None else ""
        parts = (host, get_language(), *(str(part.resolve(context)) for part in self.parts))
        return under_content_version(f"fragment:{self.name}", parts, lambda: self.nodelist.render(context))


@register.tag("kept_per_content_version")
def kept_per_content_version(parser, token):
    """{% kept_per_content_version "name" [vary…] %}…{% endkept_per_content_version %}: the
    enclosed markup rendered once per content version, host, language and `vary` values."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a quoted fragment name first")
    nodelist = parser.parse((f"end{bits[0]}",))
    parser.delete_first_token()
    return KeptNode(bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist)
