"""Repository hygiene: no unresolved merge conflict reaches a template, module or document."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^(<{7} |={7}$|>{7} )", re.MULTILINE)


def test_no_merge_conflict_markers_in_tracked_files():
    files = subprocess.run(
        ["git", "ls-files", "*.py", "*.html", "*.txt", "*.md", "*.css", "*.js", "*.json", "*.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert files, "git ls-files listed nothing: the test would prove nothing"
    offenders = [
        name for name in files if MARKER.search((ROOT / name).read_text(encoding="utf-8", errors="replace"))
    ]
    assert offenders == []
