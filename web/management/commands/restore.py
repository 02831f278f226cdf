"""Restore an archive written by `backup` into an empty database and empty storages (folders or bucket)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from web.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restaure une sauvegarde dans une base neuve et des stockages vides (SIRANO_VAR_DIR ou bucket), puis la vérifie."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options):
        if not archive.is_file():
            raise CommandError(f"Archive introuvable : {archive}")
        try:
            manifest = restore_backup(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restauration vérifiée : {len(manifest['tables'])} tables et {len(manifest['files'])} fichiers "
            f"identiques à la sauvegarde du {manifest['created_at']}."
        )
