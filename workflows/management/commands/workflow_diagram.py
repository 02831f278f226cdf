"""Print or write the state diagrams and the permission table generated from the FSM metadata."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from workflows import diagram


class Command(BaseCommand):
    help = "Diagramme d'états (Mermaid) et table des droits, générés depuis le code."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--write", action="store_true", help="Met à jour README.md.")
        group.add_argument("--check", action="store_true", help="Échoue si README.md est périmé.")

    def handle(self, *args, write: bool, check: bool, **options):
        path = diagram.DOC_PATH
        if not (write or check):
            self.stdout.write(diagram.render_block())
            return
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        wanted = diagram.replace_block(current)
        if check:
            if current != wanted:
                raise CommandError(f"{path} est périmé : lancez `python manage.py workflow_diagram --write`.")
            self.stdout.write(f"{path} est à jour.")
            return
        path.write_text(wanted, encoding="utf-8")
        self.stdout.write(f"{path} mis à jour.")
