"""A real headless browser for the studio tests: Debian's chromium driven by playwright.

Never downloads a browser (`playwright install` is not used): without chromium or the
playwright package the tests that need one are skipped, saying why.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> Path | None:
    """Debian's chromium, if installed."""
    found = shutil.which("chromium") or "/usr/bin/chromium"
    return Path(found) if Path(found).is_file() else None


def launch_browser() -> Iterator[Any]:
    """A headless chromium for the module's tests, or a skip that says what is missing."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("no browser: install Debian's chromium (apt-get install chromium; "
                    "`make system-deps` does it as root)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.skip("no playwright: pip install playwright (the dev extra has it)")
    with sync_playwright() as driver:
        try:
            browser = driver.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        except Error as exc:
            pytest.skip(f"chromium at {executable} would not start: {exc}")
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Watched:
    """A page and what went wrong on it: script errors and requests off the service."""

    page: Any
    errors: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        """No script error, and nothing loaded from anywhere but the service."""
        assert not self.errors, self.errors
        assert not self.elsewhere, self.elsewhere


def open_page(browser: Any, url: str, width: int = 1280, height: int = 800) -> Watched:
    """A fresh page (own storage) at `url`, watched."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(20_000)
    watched = Watched(page)
    origin = url.split("/", 3)[:3]
    page.on("pageerror", lambda exc: watched.errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and watched.errors.append(msg.text))

    def note(request: Any) -> None:
        if request.url.split("/", 3)[:3] != origin and not request.url.startswith(
                ("data:", "blob:")):
            watched.elsewhere.append(request.url)

    page.on("request", note)
    page.goto(url)
    return watched
