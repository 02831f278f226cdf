"""A document import's report and the review queue count the same documents (issue 27, item 6):
the unmatched ones wait in the queue too, so « À vérifier » counts them; and the report names who
launched it by full name, as project imports do."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ingest.documents.services import import_documents
from workflows.models import LegacyDocument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_report_counts_what_the_queue_shows_and_names_the_agent(client, tmp_path, archive, instructing_agent):
    instructing_agent.first_name, instructing_agent.last_name = "Camille", "Durand"
    instructing_agent.save()
    path = tmp_path / "stock.zip"
    path.write_bytes(archive.data)
    run = import_documents(path=path, actor=instructing_agent)
    client.force_login(instructing_agent)
    page = client.get(reverse("documents_import_run", args=[run.pk])).content.decode()
    headers = re.findall(r'<th scope="col">([^<]+)</th>', page[page.index("Résultat") :])[:6]
    cells = re.findall(r"<td>([^<]*)</td>", page[page.index("Résultat") :])[:6]
    figures = dict(zip(headers, cells, strict=True))
    queue = LegacyDocument.objects.to_review().count()
    assert queue > 0
    assert figures["À vérifier"] == str(queue)
    assert "Lancé par</dt><dd>Camille Durand," in page


def test_report_names_document_types_in_french(client, tmp_path, archive, instructing_agent):
    path = tmp_path / "stock.zip"
    path.write_bytes(archive.data)
    run = import_documents(path=path, actor=instructing_agent)
    client.force_login(instructing_agent)
    page = client.get(reverse("documents_import_run", args=[run.pk])).content.decode()
    report = page[page.index("Rattachés automatiquement") :]
    assert "Rapport final" in report
    assert not re.search(r"<td>(final-report|regulatory-opinion|registry-record)</td>", report)
