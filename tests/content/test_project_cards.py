"""A project's card, written in Python for every list (`content.directory.cards`): the same card
from a project instance and from a `values()` row named by the catalogue, every value escaped."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.directory.cards import CARD_COLUMNS, card_of, cards_html, cards_of_rows
from content.directory.queries import card_queryset
from tests.factories import ProjectFactory
from workflows.models import Project

pytestmark = pytest.mark.django_db


def test_a_card_from_a_row_is_the_card_from_the_instance(project_a, reference):
    ProjectFactory(acronym="SANS", discipline=None)
    ProjectFactory(acronym="LONG", title=" ".join(f"mot{n}" for n in range(40)))
    instances = list(card_queryset().order_by("public_id"))
    rows = list(Project.objects.public().order_by("public_id").values(*CARD_COLUMNS))
    assert len(instances) == 3
    assert cards_of_rows(rows) == [card_of(project) for project in instances]
    html = dict(zip((p.acronym for p in instances), cards_html([card_of(p) for p in instances]), strict=True))
    assert f'<a href="/projets/{project_a.public_id}/">ALPHA</a>' in html["ALPHA"]
    assert html["SANS"].count('class="fr-tag fr-tag--sm"') == 1  # the call, no discipline tag
    assert "mot29 …</p>" in html["LONG"] and "mot30" not in html["LONG"]
    assert (
        f"{project_a.establishment.name} · {project_a.establishment.get_region_display()} · " in html["ALPHA"]
    )


def test_a_card_escapes_what_it_shows(reference):
    project = ProjectFactory(acronym="<b>X</b>", title='Essai "A&B" <script>')
    (html,) = cards_html([card_of(card_queryset().get(pk=project.pk))])
    assert "&lt;b&gt;X&lt;/b&gt;" in html and "Essai &quot;A&amp;B&quot; &lt;script&gt;" in html
    assert "<script>" not in html and "<b>" not in html


def test_cards_from_rows_join_no_reference_table(project_a, project_b):
    rows = list(Project.objects.public().values(*CARD_COLUMNS))
    cards_of_rows(rows)  # the catalogue read once
    with CaptureQueriesContext(connection) as queries:
        cards = cards_of_rows(rows)
    assert len(cards) == 2 and len(queries) == 0
