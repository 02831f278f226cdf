"""Time `seed_demo --projects N` on a throw-away SQLite database and print the figures.

Usage: .venv/bin/python bench/seed_demo.py [N]   (default 4000; the target is under a minute)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]


def main() -> None:
    projects = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}
        manage = [sys.executable, str(BASE_DIR / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
        subprocess.run([*manage, "createcachetable"], env=env, check=True)
        start = time.monotonic()
        subprocess.run([*manage, "seed_demo", "--projects", str(projects)], env=env, check=True)
        elapsed = time.monotonic() - start
    print(f"seed_demo --projects {projects}: {elapsed:.1f} s ({projects / elapsed:.0f} projects/s)")


if __name__ == "__main__":
    main()
