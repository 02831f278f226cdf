"""One migrated PostgreSQL test database per schema, cloned by every pytest-xdist worker.

Running Django's and Wagtail's ~450 migrations costs each worker 25–35 s, and two workers doing it at
once on two cores cost both that much. Here the first worker migrates its database once and keeps a
copy as a template (`<name>_tpl_<digest>`); every other worker (and the next run, while the
migrations and pinned packages are the same) creates its database with `CREATE DATABASE … TEMPLATE`,
in about a second. The digest covers every migration of the project and the pinned requirements
(the packages' own migrations), so a new migration builds a new template and drops the old ones.
"""

from __future__ import annotations

import fcntl
import hashlib
import tempfile
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def schema_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    for name in ("requirements.txt", "requirements-dev.txt", "tests/pg_template.py"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:12]


def install() -> None:
    """Wrap the PostgreSQL backend's `create_test_db` (pytest-django calls it once per worker)."""
    from django.db.backends.postgresql.creation import DatabaseCreation

    migrate_and_create = DatabaseCreation.create_test_db

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        if keepdb:
            return migrate_and_create(self, verbosity, autoclobber, serialize, keepdb)
        base = self.connection.settings_dict["NAME"]
        template = f"{base}_tpl_{schema_digest()}"
        name = self._get_test_db_name()
        with open(Path(tempfile.gettempdir()) / f"sirano-{template}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            with self._nodb_cursor() as cursor:
                have_template = self._database_exists(cursor, template)
            if not have_template:
                migrate_and_create(self, verbosity, True, False, False)
                self.connection.close()
                with self._nodb_cursor() as cursor:
                    cursor.execute(
                        "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{base}\\_tpl\\_%"]
                    )
                    for (stale,) in cursor.fetchall():
                        cursor.execute(f'DROP DATABASE IF EXISTS "{stale}"')
                    cursor.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
            else:
                self.connection.close()
                with self._nodb_cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                    cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                settings.DATABASES[self.connection.alias]["NAME"] = name
                self.connection.settings_dict["NAME"] = name
        if serialize:
            self.connection._test_serialized_contents = self.serialize_db_to_string()
        self.connection.ensure_connection()
        return name

    DatabaseCreation.create_test_db = create_test_db
