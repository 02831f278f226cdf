"""One small RDF structure, written as JSON-LD and as Turtle.

rdflib is a development dependency (tests parse our output with it); at runtime the catalogue is
built once as `Node`s and each serialisation is a plain walk of that structure, so the two
formats can never say different things.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote

PREFIXES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "spdx": "http://spdx.org/rdf/terms#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


@dataclass(frozen=True)
class IRI:
    value: str


@dataclass(frozen=True)
class Literal:
    value: str
    datatype: str | None = None  # a CURIE such as "xsd:date"
    lang: str | None = None


@dataclass
class Node:
    """A subject: named when `id` is set, a blank node (written inline) otherwise."""

    id: str | None
    types: list[str]
    props: dict[str, list[IRI | Literal | Node]] = field(default_factory=dict)

    def add(self, predicate: str, *values: IRI | Literal | Node | None) -> Node:
        kept = [value for value in values if value is not None]
        if kept:
            self.props.setdefault(predicate, []).extend(kept)
        return self


def fr(text: str) -> Literal:
    return Literal(str(text), lang="fr")


def typed(value: object, datatype: str) -> Literal:
    return Literal(str(value), datatype=datatype)


def expand(curie: str) -> str:
    prefix, _sep, local = curie.partition(":")
    return PREFIXES[prefix] + local


# -- JSON-LD ----------------------------------------------------------------------------


def _jsonld_value(value: IRI | Literal | Node):
    if isinstance(value, IRI):
        return {"@id": value.value}
    if isinstance(value, Node):
        return _jsonld_node(value)
    if value.lang:
        return {"@value": value.value, "@language": value.lang}
    if value.datatype:
        return {"@value": value.value, "@type": value.datatype}
    return value.value


def _jsonld_node(node: Node) -> dict:
    out: dict = {}
    if node.id:
        out["@id"] = node.id
    out["@type"] = node.types if len(node.types) != 1 else node.types[0]
    for predicate, values in node.props.items():
        rendered = [_jsonld_value(v) for v in values]
        out[predicate] = rendered[0] if len(rendered) == 1 else rendered
    return out


def to_jsonld(nodes: list[Node]) -> str:
    """A self-contained document: the context is inline, so no reader fetches anything."""
    document = {"@context": dict(PREFIXES), "@graph": [_jsonld_node(n) for n in nodes]}
    return json.dumps(document, ensure_ascii=False, indent=2)


# -- Turtle -----------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_LANG_RE = re.compile(r"^[a-zA-Z]+(-[a-zA-Z0-9]+)*$")


def _iri(value: str) -> str:
    # Characters Turtle forbids inside <…> are percent-encoded; URLs we build contain none.
    return "<" + quote(value, safe=":/?#[]@!$&'()*+,;=%-._~") + ">"


def _string(text: str) -> str:
    escaped = "".join(_ESCAPES.get(char, char) for char in text)
    return f'"{escaped}"'


def _turtle_value(value: IRI | Literal | Node, indent: str) -> str:
    if isinstance(value, IRI):
        return _iri(value.value)
    if isinstance(value, Node):
        if value.id:
            return _iri(value.id)
        inner = _turtle_body(value, indent + "    ")
        return f"[\n{indent}    {inner}\n{indent}]"
    if value.lang:
        if not _LANG_RE.match(value.lang):
            raise ValueError(f"bad language tag {value.lang!r}")
        return f"{_string(value.value)}@{value.lang}"
    if value.datatype:
        return f"{_string(value.value)}^^{value.datatype}"
    return _string(value.value)


def _turtle_body(node: Node, indent: str) -> str:
    parts = [f"a {', '.join(node.types)}"]
    for predicate, values in node.props.items():
        rendered = ", ".join(_turtle_value(v, indent) for v in values)
        parts.append(f"{predicate} {rendered}")
    return f" ;\n{indent}".join(parts)


def _named(nodes: list[Node]) -> list[Node]:
    """Every named node once, top-level ones first, then those met as values (depth first)."""
    seen: dict[str, Node] = {}
    order: list[Node] = []

    def visit(node: Node) -> None:
        if node.id:
            if node.id in seen:
                return
            seen[node.id] = node
            order.append(node)
        for values in node.props.values():
            for value in values:
                if isinstance(value, Node):
                    visit(value)

    for node in nodes:
        visit(node)
    return order


def to_turtle(nodes: list[Node]) -> str:
    lines = [f"@prefix {prefix}: <{iri}> ." for prefix, iri in PREFIXES.items()]
    for node in _named(nodes):
        lines.append("")
        lines.append(f"{_iri(node.id)}\n    {_turtle_body(node, '    ')} .")
    return "\n".join(lines) + "\n"
