"""Demo step: publish a first open-data release so /donnees/ has something to list."""

from __future__ import annotations

from reports.releases import latest_name, publish_release


def publish_demo_release(*, rng, today, stdout) -> None:
    if latest_name() is not None:
        stdout.write(f"Données ouvertes : publication {latest_name()} déjà présente.")
        return
    release = publish_release(today=today)
    stdout.write(f"Données ouvertes : publication {release.name} écrite ({release.path}).")
