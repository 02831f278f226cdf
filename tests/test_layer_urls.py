"""Couplings import-linter cannot see: a package never names a URL of a package above it in the
layers of pyproject.toml, neither by namespace (`{% url 'portal:…' %}`, `reverse("opendata:…")`,
a `"portal:logout"` string) nor by path (`/portail/…`, `/admin/…`, `/donnees/…`). Faces hand their
addresses down instead (`workflows/links.py`, filled from their AppConfig.ready).

Python is read through its syntax tree (string constants, docstrings left out: prose may say where
a page lives); templates without their `{# … #}` and `{% comment %}` parts.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: where each face mounts its pages (sirano/urls.py, and the admin that agents own)
PATH_OWNERS = {
    "/portail/": "portal",
    "/admin/": "agents",
    "/donnees/": "opendata",
    "/api/v1/": "opendata",
    "/projets/": "content",
}
#: a path at the start of an address: after a quote, a space, `}}` or `(`, never inside a longer path
PATH = re.compile(r"(?<![\w/.-])(" + "|".join(re.escape(p) for p in PATH_OWNERS) + r")")
TEMPLATE_URL = re.compile(r"""\{%\s*url\s+['"]([a-z_]+):""")
NAMESPACED = re.compile(r"^([a-z_]+):([a-z_]+)$")
TEMPLATE_COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)


def layers() -> dict[str, int]:
    """Package → rank (0: the top) from the import-linter contract."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = config["tool"]["importlinter"]["contracts"][0]
    assert contract["type"] == "layers"
    return {
        package.strip(): rank for rank, layer in enumerate(contract["layers"]) for package in layer.split("|")
    }


def url_names() -> dict[str, tuple[str, set[str]]]:
    """URL namespace → (the top-level package whose urls module declares it, its URL names)."""
    found = {}
    for package in layers():
        for urls in (ROOT / package).rglob("urls.py"):
            text = urls.read_text()
            match = re.search(r"""^app_name\s*=\s*['"]([a-z_]+)['"]""", text, re.MULTILINE)
            if match:
                found[match[1]] = (package, set(re.findall(r"""name=['"]([a-z_]+)['"]""", text)))
    return found


def namespace_owners() -> dict[str, str]:
    return {namespace: package for namespace, (package, _names) in url_names().items()}


def source_files(package: str):
    for path in sorted((ROOT / package).rglob("*")):
        if "migrations" in path.parts or "__pycache__" in path.parts or not path.is_file():
            continue
        if path.suffix in {".py", ".html", ".txt"}:
            yield path


def python_strings(text: str) -> list[str]:
    tree = ast.parse(text)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def named_urls(path: Path) -> list[tuple[str, str]]:
    """(kind, what) for every namespace and path the file names: kind is "namespace" or "path"."""
    text = path.read_text(encoding="utf-8")
    found = []
    if path.suffix == ".py":
        names = url_names()
        for value in python_strings(text):
            match = NAMESPACED.match(value)
            # `namespace:name` of a real URL (a cache key such as "projects:all" is not one)
            if match and match[1] in names and match[2] in names[match[1]][1]:
                found.append(("namespace", match[1]))
            found += [("path", p) for p in PATH.findall(value)]
    else:
        text = TEMPLATE_COMMENTS.sub("", text)
        found += [("namespace", ns) for ns in TEMPLATE_URL.findall(text)]
        found += [("path", p) for p in PATH.findall(text)]
    return found


def violations(package: str) -> list[str]:
    rank = layers()
    namespaces = namespace_owners()
    wrong = []
    for path in source_files(package):
        for kind, what in named_urls(path):
            owner = namespaces.get(what) if kind == "namespace" else PATH_OWNERS[what]
            if owner is not None and rank[owner] < rank[package]:
                wrong.append(f"{path.relative_to(ROOT)} names {kind} {what!r} of {owner}")
    return wrong


@pytest.mark.parametrize("package", sorted(layers()))
def test_no_package_names_a_url_of_a_package_above_it(package):
    assert violations(package) == []


def test_the_check_sees_what_it_must_refuse(tmp_path, monkeypatch):
    """The scanner finds each form it forbids (so an empty result above means something)."""
    template = tmp_path / "t.html"
    template.write_text(
        "{# {% url 'portal:logout' %} #}<a href=\"{% url 'portal:logout' %}\">x</a> {{ site_url }}/admin/bureau/"
    )
    module = tmp_path / "m.py"
    module.write_text(
        '"""Lives under /portail/."""\nNAMES = ("portal:two_factor_verify", "projects:all")\n'
        'URL = f"{root}/donnees/latest/"\n'
    )
    assert sorted(named_urls(template)) == [("namespace", "portal"), ("path", "/admin/")]
    assert sorted(named_urls(module)) == [("namespace", "portal"), ("path", "/donnees/")]
    assert namespace_owners()["portal"] == "portal"
    assert namespace_owners()["workflows_desk"] == "agents"
    assert layers()["workflows"] > layers()["web"] > layers()["portal"]
