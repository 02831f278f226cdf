"""Daily: mark late milestones (days past the planned date) and send the digests once a day."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from formatting import format_date
from workflows import notifications, services
from workflows.models import AuditEvent


class Command(BaseCommand):
    help = "Marque les jalons en retard et envoie les résumés (établissements, agents) une fois par jour."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Date de référence AAAA-MM-JJ (par défaut : aujourd'hui).",
        )
        parser.add_argument(
            "--no-mail", action="store_true", help="Met à jour les retards sans envoyer de résumé."
        )
        parser.add_argument(
            "--force-mail",
            action="store_true",
            help="Renvoie les résumés même s'ils sont déjà partis aujourd'hui.",
        )

    def handle(self, *args, today, no_mail: bool, force_mail: bool, **options):
        today = today or timezone.localdate()
        counts = services.mark_late_milestones(today=today)
        self.stdout.write(
            f"Jalons en retard au {format_date(today)} : {counts['late']} "
            f"(nouveaux : {counts['newly_late']}, retards mis à jour : {counts['updated']}, "
            f"remis à zéro : {counts['cleared']})."
        )
        if no_mail:
            return
        already = AuditEvent.objects.filter(
            action=services.DIGEST_ACTION, comment__startswith=today.isoformat()
        ).exists()
        if already and not force_mail:
            self.stdout.write("Résumés déjà envoyés aujourd'hui : aucun nouvel envoi.")
            return
        sent = notifications.late_milestone_digests(today=today)
        services.record_digest_sent(
            today=today, comment=f"{sent['establishments']} établissement(s), {sent['agents']} agents"
        )
        self.stdout.write(
            f"Résumés envoyés : {sent['establishments']} établissement(s), {sent['agents']} aux agents."
        )
