"""Issue 22 point 5: the SQLite demo runs its server, its worker and a seed side by side.

`make demo` answered `database is locked` when the worker or `seed_demo` wrote beside the server:
SQLite's default (rollback journal, deferred transactions, 5 s wait) fails a transaction that read
before writing while another one writes, and any writer that waits more than 5 s.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

from django.conf import settings

WRITER = """
import json, sys, time
from django.db import connection, transaction  # the settings' DATABASES; no app needs loading
role, count = sys.argv[1], int(sys.argv[2])
errors = []
if role == "seed":
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO hits (who) VALUES ('seed')")
        print("holding", flush=True)
        time.sleep(6)  # a seed or an import holds its transaction longer than the old 5 s wait
else:
    sys.stdin.readline()
    for _ in range(count):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM hits")  # a view reads, then writes
                time.sleep(0.002)
                cursor.execute("INSERT INTO hits (who) VALUES (%s)", [role])
        except Exception as error:
            errors.append(str(error))
print(json.dumps(errors), flush=True)
"""


def test_concurrent_writers_to_a_file_database_are_not_locked_out(tmp_path):
    path = tmp_path / "demo.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE hits (id INTEGER PRIMARY KEY, who TEXT NOT NULL)")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "DJANGO_SETTINGS_MODULE": "sirano.settings",
        "DEBUG": "true",
    }

    def start(role: str, count: int) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-c", WRITER, role, str(count)],
            cwd=settings.BASE_DIR,
            env=env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    seed = start("seed", 1)
    server, worker = start("server", 60), start("worker", 60)
    assert seed.stdout.readline().strip() == "holding"
    for process in (server, worker):
        process.stdin.write("go\n")
        process.stdin.flush()
    errors = {
        name: json.loads(p.communicate(timeout=120)[0])
        for name, p in (("seed", seed), ("server", server), ("worker", worker))
    }

    assert errors == {"seed": [], "server": [], "worker": []}
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM hits").fetchone()[0] == 121
        # Readers never wait for a writer: the file is in write-ahead-log mode.
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
