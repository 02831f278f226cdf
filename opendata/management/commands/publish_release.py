"""Publish an immutable, dated open-data release and move `latest` to it.

Runs at once, through the same job service as the admin's « Publier les données ouvertes »: the
job is recorded and audited, and refused while another release is queued or running.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from opendata import releases
from reports import jobs
from reports.models import BackgroundJob


class Command(BaseCommand):
    help = "Publie une version datée et immuable des données ouvertes (CSV, XLSX, datapackage, CHANGELOG)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help="Date de la publication AAAA-MM-JJ (par défaut : aujourd'hui).",
        )

    def handle(self, *args, date, **options):
        try:
            job = jobs.request_job(
                kind=BackgroundJob.Kind.RELEASE,
                actor=None,
                parameters={"date": date.isoformat()} if date else {},
                enqueue=False,
            )
        except jobs.JobAlreadyActive as already:
            raise CommandError(
                f"Une publication est déjà en attente ou en cours (n° {already.job.pk}) : attendez sa fin."
            )
        try:
            job = jobs.run_job(job_id=job.pk)
        except Exception as error:
            raise CommandError(str(jobs.FAILURE_MESSAGES[BackgroundJob.Kind.RELEASE])) from error
        release = releases.load_release(job.result["release"])
        self.stdout.write(self.style.SUCCESS(f"Publication {release.name} écrite (stockage « releases »)"))
        for item in release.files:
            self.stdout.write(f"  {item.name:<18} {item.size:>12} octets  sha256 {item.sha256 or '—'}")
