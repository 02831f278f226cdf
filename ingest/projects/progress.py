"""A dependency-free progress bar for long imports, written to stderr (stdout keeps the summary)."""

from __future__ import annotations

import time

from formatting import format_number

LONG_FILE_ROWS = 2000


class ProgressBar:
    """`[#####-----]  12 000 / 40 000 lignes  1 850 l/s`, redrawn at most every 1 %."""

    def __init__(
        self, stream, *, width: int = 30, min_rows: int = LONG_FILE_ROWS, unit: str = "lignes"
    ) -> None:
        self.stream = stream
        self.unit = unit
        self.width = width
        self.min_rows = min_rows
        self.started = time.monotonic()
        self.last_drawn = -1
        self.active = False

    def __call__(self, done: int, total: int | None) -> None:
        if not total or total < self.min_rows:
            return
        step = max(total // 100, 1)
        if done // step == self.last_drawn and done < total:
            return
        self.last_drawn = done // step
        self.active = True
        filled = min(self.width, int(self.width * done / total))
        rate = done / max(time.monotonic() - self.started, 1e-6)
        self.stream.write(
            f"\r[{'#' * filled}{'-' * (self.width - filled)}] {done:>7}/{total} {self.unit}"
            f"  {format_number(rate)} {self.unit[0]}/s",
            ending="",
        )
        self.stream.flush()

    def close(self) -> None:
        if self.active:
            self.stream.write("", ending="\n")


class RunProgress:
    """Progress of a background import, saved on its `ImportRun` (`done`, `total`) for the
    page that polls it from any web host, at most every 1 % of the rows and every half second.

    The import runs in one transaction (a dry run is rolled back), so the counts go through a
    connection of their own, committed at once, that other hosts read. The run row is saved before
    that transaction starts, so the import holds no lock on it. SQLite (the single-host demo)
    allows one writer at a time: there the counts go through the import's own connection and
    show when it commits.
    """

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last_step = -1
        self.last_at = 0.0
        self._side = None

    def __call__(self, done: int, total: int | None) -> None:
        step = done * 100 // total if total else done // 1000
        now = time.monotonic()
        if (step == self.last_step and (done != total)) or (now - self.last_at < 0.5 and done != total):
            return
        self.last_step, self.last_at = step, now
        self._save(done, total)

    def _save(self, done: int, total: int | None) -> None:
        from django.db import DEFAULT_DB_ALIAS, connection, connections

        from workflows.models import ImportRun

        if connection.vendor != "postgresql" or not connection.in_atomic_block:
            ImportRun.objects.filter(pk=self.run_id).update(done=done, total=total)
            return
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)  # autocommit
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportRun._meta.db_table} SET done = %s, total = %s WHERE id = %s",  # noqa: S608 — table name from the model
                [done, total, self.run_id],
            )

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
