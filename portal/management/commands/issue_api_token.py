"""Issue (or rotate) the API token of an expert or DGOS account; the key is printed once."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from workflows.visibility import Tier, tier_for


class Command(BaseCommand):
    help = "Crée ou renouvelle le jeton d'API d'un compte expert (ou DGOS) et l'affiche."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Remplace le jeton existant.")

    def handle(self, *args, username: str, rotate: bool, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Aucun compte actif « {username} ».")
        if tier_for(user) < Tier.EXPERT:
            raise CommandError(
                f"« {username} » n'a pas le rôle Expert (ni un rôle DGOS) : un jeton ne lui donnerait "
                "accès qu'aux champs publics. Ajoutez-le d'abord au groupe « Expert »."
            )
        if rotate:
            Token.objects.filter(user=user).delete()
        token, created = Token.objects.get_or_create(user=user)
        state = "créé" if created else "existant"
        self.stdout.write(f"Jeton {state} pour {username} (niveau {tier_for(user).name.lower()}) :")
        self.stdout.write(token.key)
