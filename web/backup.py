# ruff: noqa: S603, S607, S608 - runs pg_dump/pg_restore from PATH with arguments from settings; table names come from introspection
"""Backup and restore of one SIRANo instance: the database (pg_dump custom format, or a SQLite copy)
plus every file of every named storage (media; private evidence, legacy documents and pending
imports; open-data releases and their `latest` pointer; indicator reports), read through the
storage API so a bucket is covered as well as SIRANO_VAR_DIR, in one tar.gz archive with a
manifest of row counts per table and SHA-256 per file that the restore checks before it reports
success."""

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
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connection

from fileformats.storage import walk

#: Every storage whose files the archive carries (aliases of `settings.STORAGES`).
STORED = ("default", "private", "releases", "reports")
#: Format 1 archives held SIRANO_VAR_DIR's folders; the storage each one became.
FORMAT_1_PARTS = {"media": "default", "private": "private", "releases": "releases", "reports": "reports"}
MANIFEST = "manifest.json"
FORMAT = 2
RELEASE_POINTER = "latest"


class BackupError(Exception):
    pass


def sha256_of(handle) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def _is_legacy_link(store: Storage, name: str) -> bool:
    """A `latest` symlink from before the pointer object: not a file of its own."""
    try:
        return Path(store.path(name)).is_symlink() or Path(store.path(name)).parent.is_symlink()
    except NotImplementedError:  # object storage: no local path, no symlink
        return False


def stored_files(alias: str) -> list[str]:
    store = storages[alias]
    return [name for name in walk(store) if not _is_legacy_link(store, name)]


def file_checksums() -> dict[str, str]:
    """SHA-256 of every stored file, keyed `<storage alias>/<name>`."""
    found = {}
    for alias in STORED:
        store = storages[alias]
        for name in stored_files(alias):
            with store.open(name, "rb") as handle:
                found[f"{alias}/{name}"] = sha256_of(handle)
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
    with tempfile.TemporaryDirectory() as tmp:
        database_file, counts = _dump_database(Path(tmp))
        files = file_checksums()
        manifest = {
            "format": FORMAT,
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
            for key in files:
                alias, _sep, name = key.partition("/")
                store = storages[alias]
                info = tarfile.TarInfo(f"storage/{key}")
                info.size = store.size(name)
                with store.open(name, "rb") as handle:
                    tar.addfile(info, handle)
        partial.replace(archive)
    return manifest


def _archived(manifest: dict) -> dict[str, tuple[str, str, str]]:
    """`<alias>/<name>` → (alias, name, member of the archive), for both archive formats."""
    found = {}
    for key in manifest["files"]:
        if manifest.get("format", 1) >= 2:
            alias, _sep, name = key.partition("/")
            found[key] = (alias, name, f"storage/{key}")
        else:  # format 1: SIRANO_VAR_DIR's folders
            part, _sep, name = key.partition("/")
            alias = FORMAT_1_PARTS[part]
            found[f"{alias}/{name}"] = (alias, name, f"var/{key}")
    return found


def _restore_release_pointer(restored: dict[str, tuple[str, str, str]]) -> None:
    """Archives from before the pointer object kept `latest` as a symlink, which they skipped:
    point it again at the newest release restored, so `/donnees/latest/` answers."""
    names = {name for alias, name, _member in restored.values() if alias == "releases"}
    if RELEASE_POINTER in names:
        return
    folders = {name.partition("/")[0] for name in names if name.endswith("/SHA256SUMS")}
    if folders:
        newest = max(folders, key=lambda f: (f[:10], int(f[11:] or 1)))
        storages["releases"].save(RELEASE_POINTER, File(io.BytesIO(f"{newest}\n".encode())))


def restore_backup(archive: Path) -> dict:
    """Restore into the (empty) configured database and (empty) storages, then verify."""
    for alias in STORED:
        if stored_files(alias):
            raise BackupError(
                f"Le stockage « {alias} » n'est pas vide : restaurez dans un répertoire "
                "SIRANO_VAR_DIR (ou un bucket) neuf."
            )
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
        restored = _archived(manifest)
        for alias, name, member in restored.values():
            with (Path(tmp) / member).open("rb") as handle:
                saved = storages[alias].save(name, File(handle))
            if saved != name:
                raise BackupError(f"{alias}/{name} : restauré sous un autre nom ({saved}).")
        _restore_release_pointer(restored)
    with connection.cursor() as cursor:
        counts = row_counts(cursor)
    problems = [
        f"{table}: {counts.get(table)} ≠ {count}"
        for table, count in manifest["tables"].items()
        if counts.get(table) != count
    ]
    now = file_checksums()
    expected = {
        key: manifest["files"][member.partition("/")[2]] for key, (_a, _n, member) in restored.items()
    }
    problems += [f"{key}: empreinte différente" for key, digest in expected.items() if now.get(key) != digest]
    if problems:
        raise BackupError("Restauration incomplète : " + "; ".join(problems))
    return manifest
