"""Figures cached by one worker process follow a write committed by another process.

Two real processes share the database and Django's database cache (the production default):
a long-lived *reader* (think: one gunicorn worker) views the key figures, a *writer* (another
worker, or a command) delegates a tranche through the services; the reader's next view shows it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

READER = """
import json, sys
import django
django.setup()
from django.core.cache import caches
from django.core.management import call_command
from content.figures import totals_for
from reports.cache import make_key
call_command("createcachetable", verbosity=0)  # every alias's table
for alias in caches:
    caches[alias].clear()  # the tables outlive a test run on PostgreSQL (flush leaves them)
print(json.dumps({"backend": caches["figures"].__class__.__name__}), flush=True)
for _line in sys.stdin:
    hit = caches["figures"].get(make_key("key-figures", "all")) is not None
    print(json.dumps({"hit": hit, "delegated": str(totals_for()["delegated"])}), flush=True)
"""

WRITER = """
import sys
import django
django.setup()
from django.contrib.auth import get_user_model
from tests.tranche_support import advance_tranche
from workflows.models import ProjectMilestone
milestone_pk, member_pk, agent_pk, budget_pk = map(int, sys.argv[1:5])
sys.stdin.readline()  # started with the reader (start-up in parallel), writes when told
users = get_user_model().objects.in_bulk([member_pk, agent_pk, budget_pk])
advance_tranche(ProjectMilestone.objects.get(pk=milestone_pk), until="delegated",
                member=users[member_pk], agent=users[agent_pk], budget=users[budget_pk])
"""


def _database_url(tmp_path) -> str:
    """The test database as a URL another process can open (SQLite: a file copy of it)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    connection.close()  # from here on, both processes use the file: this one does not write
    return f"sqlite:///{path}"


def test_a_delegation_committed_by_another_process_shows_at_the_readers_next_view(
    tmp_path, project_a, member_a, instructing_agent, budget_agent
):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(tmp_path),
        "DJANGO_SETTINGS_MODULE": "sirano.settings",
        "DEBUG": "false",
        "SIRANO_VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("CACHE_URL", None)  # the production default: the database cache
    run = {"cwd": settings.BASE_DIR, "env": env, "text": True}
    pks = [project_a.milestones.get(rank=1).pk, member_a.pk, instructing_agent.pk, budget_agent.pk]
    writer = subprocess.Popen([sys.executable, "-c", WRITER, *map(str, pks)], stdin=subprocess.PIPE, **run)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, **run
    )
    try:
        assert json.loads(reader.stdout.readline()) == {"backend": "DatabaseCache"}

        def view() -> dict:
            reader.stdin.write("view\n")
            reader.stdin.flush()
            answer = json.loads(reader.stdout.readline())
            return {"hit": answer["hit"], "delegated": Decimal(answer["delegated"])}

        assert view() == {"hit": False, "delegated": 0}
        assert view() == {"hit": True, "delegated": 0}  # the reader serves its figures from the cache
        writer.communicate("write\n", timeout=120)
        assert writer.returncode == 0
        assert view() == {"hit": False, "delegated": Decimal("30000")}  # 30 % of 100 000 €
    finally:
        for process in (reader, writer):
            if process.poll() is None:
                process.stdin.close()
                process.wait(timeout=60)
