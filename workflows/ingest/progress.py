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
