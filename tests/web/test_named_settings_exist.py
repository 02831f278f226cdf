"""Every setting the code reads exists: a renamed or removed setting named in a module (as
`web/rate_limits.py` once named `CACHE_DIR`) fails here, not in production."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGES = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
#: `settings.NAME`, in code, docstrings and comments alike
READ = re.compile(r"\bsettings\.([A-Z][A-Z0-9_]+)\b")
#: read with a default on purpose (optional settings)
OPTIONAL = re.compile(r"getattr\(\s*settings,\s*\"([A-Z][A-Z0-9_]+)\"")


def test_every_setting_read_in_the_code_is_defined():
    missing = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            for name in set(READ.findall(text)) - set(OPTIONAL.findall(text)):
                if not hasattr(settings, name):
                    missing.setdefault(name, []).append(str(path.relative_to(ROOT)))
    assert not missing, f"Settings read but never defined: {missing}"
