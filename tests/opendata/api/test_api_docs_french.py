"""The API's documentation speaks French: a French introduction, and a French summary and
description for every operation (issue 27, item 8: the docs page was entirely English)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

#: English words that give an English sentence away (whole words).
ENGLISH = re.compile(r"\b(the|and|with|are|from|which|this|of|to|is|for|published|answered)\b")


def test_introduction_and_every_operation_in_french(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    intro = schema["info"]["description"]
    assert len(intro) > 400 and ENGLISH.findall(intro) == [], intro
    for word in ("jeton", "curseur", "CSV", "Licence Ouverte"):
        assert word in intro
    operations = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) >= 5
    for path, method, operation in operations:
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), where
        assert len(operation.get("description", "")) > 60, where
        assert ENGLISH.findall(operation["summary"] + " " + operation["description"]) == [], where
        for parameter in operation.get("parameters", []):
            assert ENGLISH.findall(parameter.get("description", "")) == [], (where, parameter["name"])


def test_tranche_states_labelled_in_french(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    [status] = [p for p in schema["paths"]["/api/v1/tranches/"]["get"]["parameters"] if p["name"] == "status"]
    assert "`delegated` - déléguée" in status["description"]
