#!/bin/sh
# Back up the database and SIRANO_VAR_DIR (evidence files, releases, media) into one archive.
# Usage: DATABASE_URL=... SIRANO_VAR_DIR=... scripts/backup.sh [ARCHIVE]
set -eu
cd "$(dirname "$0")/.."
archive="${1:-sirano-backup-$(date -u +%Y%m%dT%H%M%SZ).tar.gz}"
exec "${PYTHON:-python}" manage.py backup "$archive"
