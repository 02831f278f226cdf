"""Back up the database and every stored file (local folders or the bucket) into one archive (see docs/security.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from web.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Sauvegarde la base de données et tous les fichiers stockés (justificatifs, documents, publications, rapports, médias) dans une archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="fichier .tar.gz à écrire")

    def handle(self, *args, archive: Path, **options):
        if archive.exists():
            raise CommandError(f"{archive} existe déjà : une sauvegarde n'écrase rien.")
        try:
            manifest = create_backup(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Sauvegarde écrite : {archive} ({len(manifest['tables'])} tables, {rows} lignes, {len(manifest['files'])} fichiers)."
        )
