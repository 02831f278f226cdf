"""`/donnees/sirano.csv` reads the way scanR and the Open Science Barometer read it today."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from django.http import StreamingHttpResponse

from opendata.compat_csv import COLUMNS, NO_TRANCHE
from tests.factories import ProjectFactory
from workflows import ledger
from workflows.models import TrialRegistration, Visibility
from workflows.validators import Registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(project_a, project_b):
    project_a.title = "Cœur et poumons – essai ‘pilote’"
    project_a.save()
    ledger.record_historical_tranches(entries=[ledger.HistoricalStock(project_id=project_a.pk, last_rank=2)])
    registration = TrialRegistration.objects.create(
        registry=Registry.CLINICALTRIALS, identifier="NCT01234567"
    )
    project_a.registrations.add(registration)
    ProjectFactory(acronym="CACHE", visibility=Visibility.INTERNAL)
    return project_a, project_b


def api_count(client) -> int:
    total, url = 0, "/api/v1/projects/?page_size=1000"
    while url:
        body = client.get(url).json()
        total += len(body["results"])
        url = body["next"]
    return total


def test_consumers_read_it_unchanged(client, projects):
    response = client.get("/donnees/sirano.csv")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=windows-1252"
    raw = b"".join(response.streaming_content)

    # What today's consumers do: latin-1, `;`, then turn the decimal comma into a point.
    frame = pd.read_csv(io.BytesIO(raw), sep=";", encoding="iso-8859-1", dtype=str)
    frame["financement_total"] = frame["financement_total"].str.replace(",", ".").astype(float)

    assert list(frame.columns) == COLUMNS and len(COLUMNS) == 14
    assert len(frame) == api_count(client) == 2
    row = frame.set_index("acronyme").loc["ALPHA"]
    assert row["financement_total"] == 100000.0
    assert row["finess"] == "690781810"
    assert row["numero_tranche"] == "2"
    assert row["numero_registre_essais"] == "NCT01234567"
    assert frame.set_index("acronyme").loc["BETA"]["numero_tranche"] == NO_TRANCHE
    # Bytes are cp1252 (œ, – and ‘ survive a proper decode) with CRLF line ends.
    decoded = raw.decode("cp1252")
    assert "Cœur et poumons – essai ‘pilote’" in decoded
    assert raw.count(b"\r\n") == 3
