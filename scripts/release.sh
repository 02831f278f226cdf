#!/bin/sh
# Release step (Procfile): migrate as the tables' owner, then grant the application's role.
# DATABASE_URL is the application's connection; MIGRATE_DATABASE_URL, when set, the owner's.
# createcachetable makes the table of every cache alias (pages, figures…). Cached figures and
# pages need no clearing: their keys carry the code version (RELEASE_ID, library versions and a
# digest of the code, workflows/data_version.py), so the new release reads a fresh key space.
set -eu
cd "$(dirname "$0")/.."
PY="${PYTHON:-python}"
if [ -n "${MIGRATE_DATABASE_URL:-}" ]; then
  app_role=$("$PY" -c 'import os, dj_database_url; print(dj_database_url.parse(os.environ["DATABASE_URL"])["USER"])')
  DATABASE_URL="$MIGRATE_DATABASE_URL" "$PY" manage.py migrate --noinput
  DATABASE_URL="$MIGRATE_DATABASE_URL" "$PY" manage.py createcachetable
  DATABASE_URL="$MIGRATE_DATABASE_URL" "$PY" manage.py grant_app_role "$app_role"
else
  "$PY" manage.py migrate --noinput
  "$PY" manage.py createcachetable
fi
"$PY" manage.py collectstatic --noinput
