"""Matplotlib's SVG without inline CSS, so a strict Content-Security-Policy draws it.

Matplotlib writes every colour, stroke and font as a `style="…"` attribute plus one `<style>` block.
The public pages' policy (`style-src 'self' 'nonce-…'`) blocks both, and a browser then fills every
shape black. The same properties exist as SVG presentation attributes, which no policy governs: each
declaration is moved into its attribute, and the `<style>` block's defaults onto the root element,
from where they inherit. A property with no presentation attribute is an error, not a silent loss.
"""

from __future__ import annotations

import re

# SVG 1.1 presentation attributes that matplotlib's SVG backend writes.
PRESENTATION = frozenset(
    {
        "clip-path", "clip-rule", "color", "dominant-baseline", "fill", "fill-opacity", "fill-rule",
        "font-family", "font-size", "font-stretch", "font-style", "font-variant", "font-weight",
        "letter-spacing", "opacity", "stroke", "stroke-dasharray", "stroke-dashoffset",
        "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-opacity", "stroke-width",
        "text-anchor", "visibility", "white-space",
    }
)  # fmt: skip

STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
STYLE_BLOCK = re.compile(r"<style[^>]*>\s*\*\s*\{([^}]*)\}\s*</style>")


def _attributes(declarations: str) -> str:
    parts = []
    for declaration in declarations.split(";"):
        if not declaration.strip():
            continue
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name not in PRESENTATION:
            raise ValueError(f"CSS property without an SVG presentation attribute: {name}")
        # Values come from matplotlib; quotes inside (font names) must not end the attribute.
        parts.append(f' {name}="{value.replace(chr(34), chr(39))}"')
    return "".join(parts)


def without_inline_styles(svg: str) -> str:
    """The same drawing with presentation attributes instead of `style` attributes and `<style>`."""
    defaults = ""
    block = STYLE_BLOCK.search(svg)
    if block:
        defaults = _attributes(block.group(1))
        svg = svg[: block.start()] + svg[block.end() :]
    if "<style" in svg:
        raise ValueError("Unexpected <style> block in the SVG")
    svg = STYLE_ATTRIBUTE.sub(lambda match: _attributes(match.group(1)), svg)
    if defaults:
        svg = re.sub(r"<svg\b", lambda match: match.group(0) + defaults, svg, count=1)
    return svg
