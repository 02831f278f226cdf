"""Print the query count and time of the public directory, CSV and a project page on the current
database (e.g. after `seed_demo --projects 4000`). Usage:

    DEBUG=true .venv/bin/python bench/public_directory.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sirano.settings")

import django

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from workflows.models import EstablishmentType, Project, ProjectStatus, Region  # noqa: E402


def every_facet_on() -> dict:
    from content.directory.filters import AWARD_RANGES, facet_choices

    choices = facet_choices()
    return {
        "q": "essai",
        "programme": [c for c, _ in choices["programme"]],
        "annee": [c for c, _ in choices["annee"]],
        "etablissement": [c for c, _ in choices["etablissement"]],
        "region": list(Region.values),
        "type": list(EstablishmentType.values),
        "discipline": [c for c, _ in choices["discipline"]],
        "statut": list(ProjectStatus.values),
        "montant": list(AWARD_RANGES),
        "tri": "-montant",
    }


def measure(client: Client, label: str, url: str, params: dict | None = None) -> None:
    client.get(url, params or {})  # warm caches
    reset_queries()
    start = time.perf_counter()
    response = client.get(url, params or {})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    elapsed = (time.perf_counter() - start) * 1000
    print(
        f"{label:<42} {response.status_code}  {len(connection.queries):>3} requêtes  {elapsed:7.0f} ms  {len(body):>9} octets"
    )


def main() -> None:
    print(f"Projets publics : {Project.objects.public().count()}")
    with override_settings(DEBUG=True, ALLOWED_HOSTS=["testserver"]):
        client = Client()
        measure(client, "/projets/ (sans filtre)", "/projets/")
        measure(client, "/projets/ (toutes les facettes actives)", "/projets/", every_facet_on())
        measure(
            client,
            "/projets/?q=cardiologie&programme=PHRCN&annee=2016",
            "/projets/",
            {"q": "cardiologie", "programme": "PHRCN", "annee": "2016"},
        )
        measure(client, "/projets/resultats.csv (tout)", "/projets/resultats.csv")
        first = Project.objects.public().order_by("public_id").values_list("public_id", flat=True).first()
        measure(client, f"/projets/{first}/", f"/projets/{first}/")
        measure(client, "/ (accueil, chiffres en cache)", "/")


if __name__ == "__main__":
    main()
