"""Browser tests: Playwright driving the system Chromium against the live app.

Screenshots of each step go to test-output/browser/ (or $MISSIVE_TEST_OUTPUT/browser/).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import REPO

CHROMIUM = "/usr/bin/chromium"
# Chromium's background services try to reach Google; this machine has no such network.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def output_dir() -> Path:
    root = Path(os.environ.get("MISSIVE_TEST_OUTPUT") or REPO / "test-output")
    path = root / "browser"
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.png"):
        old.unlink()
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def page_errors(pg) -> list[str]:
    """The page's JavaScript errors as they happen, and what its Content-Security-Policy
    blocked (an inline script, style or handler)."""
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return errors


@pytest.fixture
def page(browser, request, output_dir):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    errors = page_errors(pg)
    step = {"n": 0}

    def shot(name: str) -> Path:
        step["n"] += 1
        slug = re.sub(r"[^a-z0-9]+", "-", f"{request.node.name}-{step['n']:02d}-{name}".lower())
        path = output_dir / f"{slug.strip('-')}.png"
        pg.screenshot(path=str(path), full_page=False)
        return path

    pg.shot = shot  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
