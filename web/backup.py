# ruff: noqa: S603, S607, S608 - runs pg_dump/pg_restore from PATH with arguments from settings; table names come from introspection
"""Backup and restore of one SIRANo instance: the database (pg_dump custom format, or a SQLite copy)
plus SIRANO_VAR_DIR (private evidence files, open-data releases, media) in one tar.gz archive, with a
manifest of row counts per table and SHA-256 per file that the restore checks before it reports success."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection

VAR_PARTS = ("private", "releases", "media")
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_checksums(var_dir: Path) -> dict[str, str]:
    """SHA-256 of every regular file under the backed-up parts of `var_dir`, by relative path."""
    found = {}
    for part in VAR_PARTS:
        root = var_dir / part
        for path in sorted(root.rglob("*")) if root.is_dir() else []:
            if path.is_file() and not path.is_symlink():
                found[path.relative_to(var_dir).as_posix()] = sha256_of(path)
    return found


def row_counts(cursor) -> dict[str, int]:
    tables = sorted(connection.introspection.table_names(cursor))
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "PGDATABASE": db["NAME"],
        "PGUSER": db.get("USER") or "",
        "PGHOST": db.get("HOST") or "",
    }
    env["PGPORT"] = str(db.get("PORT") or "5432")
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _dump_database(workdir: Path) -> tuple[str, dict[str, int]]:
    if connection.vendor == "postgresql":
        target = workdir / "database.dump"
        # Counts and dump read the same snapshot, so the manifest matches the dump exactly.
        with connection.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                counts = row_counts(cursor)
                subprocess.run(
                    [
                        "pg_dump",
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        "--no-owner",
                        "--no-privileges",
                        "--file",
                        str(target),
                    ],
                    env=_pg_env(),
                    check=True,
                    capture_output=True,
                )
            finally:
                cursor.execute("COMMIT")
        return target.name, counts
    if connection.vendor == "sqlite":
        target = workdir / "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        with destination:
            connection.connection.backup(destination)
        destination.close()
        with sqlite3.connect(target) as copy:
            names = [
                row[0]
                for row in copy.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            counts = {
                name: copy.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in sorted(names)
            }
        return target.name, counts
    raise BackupError(f"Base de données non prise en charge : {connection.vendor}")


def create_backup(archive: Path) -> dict:
    """Write the archive and return its manifest."""
    var_dir = Path(settings.VAR_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        database_file, counts = _dump_database(Path(tmp))
        files = file_checksums(var_dir)
        manifest = {
            "format": 1,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "engine": connection.vendor,
            "database_file": database_file,
            "tables": counts,
            "files": files,
        }
        archive.parent.mkdir(parents=True, exist_ok=True)
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(Path(tmp) / database_file, arcname=database_file)
            for relative in files:
                tar.add(var_dir / relative, arcname=f"var/{relative}")
        partial.replace(archive)
    return manifest


def restore_backup(archive: Path) -> dict:
    """Restore into the (empty) configured database and (empty) SIRANO_VAR_DIR, then verify."""
    var_dir = Path(settings.VAR_DIR)
    if var_dir.exists() and any(
        (var_dir / part).exists() and any((var_dir / part).iterdir()) for part in VAR_PARTS
    ):
        raise BackupError(f"Le répertoire {var_dir} n'est pas vide : restaurez dans un répertoire neuf.")
    with connection.cursor() as cursor:
        if connection.introspection.table_names(cursor):
            raise BackupError("La base de données cible n'est pas vide : restaurez dans une base neuve.")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r:gz") as tar:
        tar.extractall(tmp, filter="data")
        manifest = json.loads((Path(tmp) / MANIFEST).read_text())
        if manifest["engine"] != connection.vendor:
            raise BackupError(f"Archive {manifest['engine']} : la base cible est {connection.vendor}.")
        dump = Path(tmp) / manifest["database_file"]
        if connection.vendor == "postgresql":
            connection.close()
            result = subprocess.run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--dbname",
                    settings.DATABASES["default"]["NAME"],
                    str(dump),
                ],
                env=_pg_env(),
                capture_output=True,
                text=True,
            )
            if result.returncode:
                raise BackupError(f"pg_restore a échoué : {result.stderr.strip()}")
        else:
            connection.close()
            shutil.copyfile(dump, settings.DATABASES["default"]["NAME"])
        for relative in manifest["files"]:
            target = var_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(tmp) / "var" / relative, target)
    with connection.cursor() as cursor:
        counts = row_counts(cursor)
    problems = [
        f"{table}: {counts.get(table)} ≠ {count}"
        for table, count in manifest["tables"].items()
        if counts.get(table) != count
    ]
    restored = file_checksums(var_dir)
    problems += [
        f"{path}: empreinte différente"
        for path, digest in manifest["files"].items()
        if restored.get(path) != digest
    ]
    if problems:
        raise BackupError("Restauration incomplète : " + "; ".join(problems))
    return manifest
