"""Issue 13 item 12: a backup (pg_dump custom format + SIRANO_VAR_DIR) restores into a new database and
a new var dir with the same row count in every table and the same files, byte for byte."""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.security.test_backup_storages import point_storages_at
from workflows.models import AuditEvent

pytestmark = pytest.mark.postgres
BASE_DIR = Path(__file__).resolve().parents[2]


def checksums(var_dir: Path) -> dict[str, str]:
    return {
        path.relative_to(var_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(var_dir.rglob("*"))
        if path.is_file()
    }


def counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    found = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        found[table] = cursor.fetchone()[0]
    return found


@pytest.fixture
def new_database(transactional_db):
    name = f"sirano_restore_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_backup_restores_into_a_new_database_and_var_dir(
    settings, tmp_path, new_database, project_a, instructing_agent
):
    AuditEvent.objects.create(
        actor=instructing_agent, action="validate", project=project_a, created_at=timezone.now()
    )
    source_var = tmp_path / "var"
    point_storages_at(settings, source_var)
    (source_var / "private" / "evidence" / "2026").mkdir(parents=True)
    (source_var / "private" / "evidence" / "2026" / "rapport.pdf").write_bytes(
        b"%PDF-1.7\n" + os.urandom(2048)
    )
    (source_var / "releases" / "2026-12-01").mkdir(parents=True)
    (source_var / "releases" / "2026-12-01" / "sirano.csv").write_bytes(
        "appel_a_projets;titre\nPHRCN;Étude\n".encode("cp1252")
    )
    archive = tmp_path / "sauvegarde.tar.gz"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))  # noqa: SIM115

    db = connection.settings_dict
    target_url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{new_database}"
    restored_var = tmp_path / "restored-var"
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": target_url, "SIRANO_VAR_DIR": str(restored_var)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Restauration vérifiée" in result.stdout

    with connection.cursor() as cursor:
        source_counts = counts(cursor)
    with psycopg.connect(target_url) as restored, restored.cursor() as cursor:
        restored_counts = counts(cursor)
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'workflows_auditevent'::regclass AND NOT tgisinternal"
        )
        triggers = {row[0] for row in cursor.fetchall()}
    assert restored_counts == source_counts
    assert source_counts["workflows_auditevent"] == 1 and source_counts["workflows_project"] == 1
    assert triggers == {"workflows_auditevent_append_only", "workflows_auditevent_no_truncate"}
    assert checksums(restored_var) == checksums(source_var)
    assert len(checksums(source_var)) == 2

    # A second restore into the now-filled database is refused, not merged.
    again = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": target_url, "SIRANO_VAR_DIR": str(tmp_path / "other")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode != 0
    assert "n'est pas vide" in again.stderr
