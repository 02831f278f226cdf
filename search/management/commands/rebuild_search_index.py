"""Rebuild every project's search document and the vocabulary (the index is kept current
automatically; this is for a restored database or a change of the text pipeline)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from search import index


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche des projets (documents et vocabulaire)."

    def handle(self, *args, **options):
        count = index.rebuild()
        self.stdout.write(self.style.SUCCESS(f"{count} projets indexés."))
