"""Debian's chromium, driven by Playwright, for the browser journeys (tests/e2e) and the parity stage
(tests/parity): one set of launch flags, no browser download."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the network flags chromium keeps calling hosts this machine cannot reach.
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"]


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
