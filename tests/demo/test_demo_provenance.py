"""The demo's historical tranches read « Tranche déléguée avant SIRANo (démonstration, stock
fictif) », not « (démonstration (stock fictif)) » (issue 27, item 10)."""

from __future__ import annotations

from demo.portfolio import DEMO_SOURCE
from workflows.ledger import _Provenance


def test_demo_provenance_has_no_nested_parentheses():
    comment = str(_Provenance()(DEMO_SOURCE, None))
    assert comment == "Tranche déléguée avant SIRANo (démonstration, stock fictif)"
    assert "((" not in comment and "))" not in comment
