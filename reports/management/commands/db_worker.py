"""`manage.py db_worker` (Procfile `worker`): django-tasks' database worker, plus a heartbeat.

The heartbeat thread (`reports.worker.Heartbeat`) tells other workers this one is alive and, every
minute, resumes or fails the tasks of workers that died mid-task. This command takes the name of
django-tasks' own (the project's apps come first in INSTALLED_APPS), so the Procfile, `make demo`
and every deployment guide keep one command.
"""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as TasksDbWorker

from reports.worker import Heartbeat


class Command(TasksDbWorker):
    help = "Exécute les traitements en arrière-plan (imports, publications, rapports) et signale qu'il est en vie."

    def handle(self, *args, worker_id: str, **options) -> None:
        heartbeat = Heartbeat(worker_id)
        heartbeat.start()
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            heartbeat.stopping.set()
            heartbeat.join(timeout=10)
