"""Browser tests: Debian's Chromium driven through Playwright against pytest-django's live server.

The demo ward is built in a *transactional* test database (`browser_world`), so the live server
thread sees the same records. axe-core (vendored under vendor/) checks WCAG 2.1 A/AA.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PROJECT_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_DIR / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One headless Chromium for all browser tests.

    Package scope rather than session scope on purpose: while Playwright's sync API is alive it
    keeps an asyncio loop running in the main thread, so Django's ORM needs
    DJANGO_ALLOW_ASYNC_UNSAFE. Both end with the last test under tests/browser, so neither leaks
    into other tests (nor into the subprocesses they start: `ainet check --deploy` fails with
    async.E001 when it inherits the variable).
    """
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh context (no cookies) and page per test, Japanese by default like the ward's PCs."""
    context = browser.new_context(viewport=VIEWPORT, locale="ja-JP")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def browser_world(transactional_db: None, live_server: Any, world: Any) -> Any:
    """The demo ward (see tests/conftest.py), built in the transactional DB the server sees.

    `transactional_db` comes before `world`, so pytest-django makes `world`'s `db` transactional.
    """
    return world


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
