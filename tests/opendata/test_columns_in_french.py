"""/donnees/ documents the files' columns in French: each column's identifier and Table Schema
type stay written (`integer`), but the type reads « entier », every coded value is followed by its
French label (« in_progress (en cours) ») and booleans read oui / non (issue 27, item 8)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from opendata.release_schema import PROJECT_COLUMNS, TRANCHE_COLUMNS
from workflows.models import EstablishmentType, ProjectStatus, TrancheStatus

pytestmark = pytest.mark.django_db

ROW = re.compile(
    r'<td data-label="Colonne"><code>([^<]+)</code></td><td data-label="Type">(.*?)</td>'
    r'<td data-label="Description">(.*?)</td>',
    re.S,
)
LABELS = {
    **{code: str(label) for code, label in ProjectStatus.choices},
    **{code: str(label) for code, label in TrancheStatus.choices},
    **{code: str(label).lower() for code, label in EstablishmentType.choices},
}


def text(html: str) -> str:
    return unescape(" ".join(re.sub(r"<[^>]+>", "", html).split()))


def test_types_and_values_are_described_in_french(client, releases_root):
    html = client.get("/donnees/").content.decode()
    rows = ROW.findall(html)
    columns = PROJECT_COLUMNS + TRANCHE_COLUMNS  # the page lists projects.csv then tranches.csv
    assert [name for name, _kind, _description in rows] == [column.name for column in columns]
    french_types = ("texte", "entier", "nombre décimal", "booléen", "date")
    for column, (_name, kind, description) in zip(columns, rows, strict=True):
        kind, description = text(kind), text(description)
        # the identifier stays, after the French words
        assert kind.startswith(french_types) and kind.endswith(f"({column.type})"), (column.name, kind)
        for code in column.constraints.get("enum", []):
            assert f"{code} ({LABELS[code]})" in description, (column.name, code, description)
        if column.type == "boolean":
            assert "true (oui)" in description and "false (non)" in description, description
        assert not re.search(r"\b(true|false)\b(?! \((oui|non)\))", description), description
