"""Write the bundled, simplified regions geometry of the funding map from the source GeoJSON."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports import geo


class Command(BaseCommand):
    help = (
        "Simplifie les contours des régions (GeoJSON IGN via france-geojson) pour la carte des financements."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="GeoJSON des 18 régions (propriétés code INSEE et nom)")
        parser.add_argument(
            "--tolerance", type=float, default=0.02, help="tolérance en degrés (0,02 par défaut)"
        )

    def handle(self, *args, source: Path, tolerance: float, **options):
        try:
            data = json.loads(source.read_text(encoding="utf-8"))
            simplified = geo.simplify_collection(data, tolerance=tolerance)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Fichier de contours illisible : {error}") from error
        geo.BUNDLED.write_text(
            json.dumps(simplified, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
        )
        points = sum(len(p[0]) for f in simplified["features"] for p in f["geometry"]["coordinates"])
        self.stdout.write(f"{len(simplified['features'])} régions, {points} points : {geo.BUNDLED}")
