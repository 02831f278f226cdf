"""Issue, rotate or revoke the API token of an expert or DGOS account; the key is printed once and
only its digest is stored (opendata/api/tokens.py)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from formatting import format_date
from opendata.api.tokens import issue_api_token, revoke_api_tokens
from opendata.models import ApiToken
from workflows.visibility import Tier, tier_for


class Command(BaseCommand):
    help = "Crée, renouvelle ou révoque le jeton d'API d'un compte expert (ou DGOS) ; le jeton s'affiche une fois."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--rotate", action="store_true", help="Révoque le jeton actif et en crée un autre."
        )
        parser.add_argument("--revoke", action="store_true", help="Révoque le jeton actif sans en créer.")
        parser.add_argument("--days", type=int, default=None, help="Durée de validité en jours.")

    def handle(self, *args, username: str, rotate: bool, revoke: bool, days: int | None, **options):
        user = get_user_model().objects.filter(username=username).first()
        if revoke:
            if user is None:
                raise CommandError(f"Aucun compte « {username} ».")
            count = revoke_api_tokens(user=user)
            self.stdout.write(f"{count} jeton(s) révoqué(s) pour {username}.")
            return
        if user is None or not user.is_active:
            raise CommandError(f"Aucun compte actif « {username} ».")
        if tier_for(user) < Tier.EXPERT:
            raise CommandError(
                f"« {username} » n'a pas le rôle Expert (ni un rôle DGOS) : un jeton ne lui donnerait "
                "accès qu'aux champs publics. Ajoutez-le d'abord au groupe « Expert »."
            )
        if days is not None and days < 1:
            raise CommandError("--days doit être un entier positif.")
        active = ApiToken.objects.active().filter(user=user).first()
        if active and not rotate:
            raise CommandError(
                f"{username} a déjà un jeton actif ({active.prefix}…, expire le {format_date(active.expires_at)}) ; "
                "il n'est pas conservé en clair. Utilisez --rotate pour le remplacer."
            )
        if rotate:
            revoke_api_tokens(user=user)
        lifetime = datetime.timedelta(days=days) if days else None
        token, key = issue_api_token(user=user, lifetime=lifetime)
        self.stdout.write(
            f"Jeton créé pour {username} (niveau {tier_for(user).name.lower()}), "
            f"valable jusqu'au {format_date(token.expires_at)} ; il ne sera plus affiché :"
        )
        self.stdout.write(key)
