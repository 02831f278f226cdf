"""Remove import dry runs nobody confirmed within IMPORT_DRY_RUN_TTL_HOURS (run it from cron)."""

from django.core.management.base import BaseCommand

from ingest.projects.services import expire_dry_runs


class Command(BaseCommand):
    help = "Supprime les simulations d'import non confirmées et expirées, avec leur fichier."

    def handle(self, *args, **options):
        removed = expire_dry_runs()
        self.stdout.write(f"{removed} simulation(s) d'import expirée(s) supprimée(s).")
