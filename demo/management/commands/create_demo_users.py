"""Create the demo accounts of the README; refused unless DEBUG is on."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.portfolio import seed_establishments
from demo.users import DEMO_PASSWORD, DEMO_USERS, ensure_demo_users
from workflows.reference import ensure_reference_data


class Command(BaseCommand):
    help = "Crée les comptes de démonstration (mot de passe « sirano-demo »). Refusé sans DEBUG."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusé : les comptes de démonstration ne sont créés qu'avec DEBUG=true "
                "(jamais en production)."
            )
        ensure_reference_data()
        seed_establishments()
        ensure_demo_users()
        for username, *_rest in DEMO_USERS:
            self.stdout.write(f"{username} / {DEMO_PASSWORD}")
