"""E-mails open formally in French (« Madame, Monsieur, »), Wagtail's moderation ones included,
never « Salut Alice, » or « Hello » (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.template import engines
from django.template.loader import get_template

ROOT = Path(settings.BASE_DIR)
INFORMAL = ("Salut", "Hello", "Bonjour", "Hi ")


@pytest.mark.parametrize("extension", ["txt", "html"])
def test_wagtail_notifications_are_formal(extension):
    child = engines["django"].from_string(
        f'{{% extends "wagtailadmin/notifications/base.{extension}" %}}'
        "{% block content %}Une page attend votre relecture.{% endblock %}"
    )
    text = child.render({"user": User(username="alice", first_name="Alice")})
    assert "Madame, Monsieur," in text
    assert not any(word in text for word in INFORMAL), text
    assert "salutations distinguées" in text


def test_wagtail_moderation_templates_use_the_formal_base():
    """Each Wagtail notification extends the base overridden here."""
    for name in ("workflow_state_submitted", "task_state_submitted", "approved", "rejected"):
        source = get_template(f"wagtailadmin/notifications/{name}.txt").template.source
        assert "wagtailadmin/notifications/base.txt" in source.splitlines()[0]


def test_project_e_mails_are_formal():
    folders = [ROOT / "workflows/templates/workflows/email", ROOT / "portal/templates/portal/email"]
    bodies = [p for folder in folders for p in folder.glob("*.txt") if "subject" not in p.name]
    assert len(bodies) >= 5
    for path in bodies:
        text = path.read_text()
        assert "Madame, Monsieur," in text, path.name
        assert not any(word in text for word in INFORMAL), path.name
