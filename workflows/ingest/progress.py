"""A dependency-free progress bar for long imports, written to stderr (stdout keeps the summary)."""

from __future__ import annotations

import json
import time
from pathlib import Path

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


class ProgressFile:
    """Progress of a background import, for the page that polls it.

    The import runs in one transaction (a dry run is rolled back), so its own rows cannot tell
    other connections how far it is: a small JSON file beside the uploaded file does, rewritten
    at most every 1 % of the rows and every half second.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.last_step = -1
        self.last_at = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        step = done * 100 // total if total else done // 1000
        now = time.monotonic()
        if (step == self.last_step and (done != total)) or (now - self.last_at < 0.5 and done != total):
            return
        self.last_step, self.last_at = step, now
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"done": done, "total": total}))
        temporary.replace(self.path)

    @staticmethod
    def read(path: Path) -> dict:
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return {"done": 0, "total": None}
