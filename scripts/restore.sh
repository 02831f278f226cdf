#!/bin/sh
# Restore an archive into an EMPTY database (DATABASE_URL) and an EMPTY SIRANO_VAR_DIR, then check
# row counts per table and file checksums against the archive's manifest. Run migrations-free: the dump
# holds the schema. Usage: DATABASE_URL=... SIRANO_VAR_DIR=... scripts/restore.sh ARCHIVE
set -eu
cd "$(dirname "$0")/.."
exec "${PYTHON:-python}" manage.py restore "$1"
