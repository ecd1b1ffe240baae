"""Fixtures the Chromium tests share (conftest.py makes them theirs): one headless Chromium per module, a fresh page (its own context: cookies,
storage and cache of its own) per test, and the console test server with the demo realm and its console users.

A module overrides ``viewport`` for another page size, or ``server`` for a server of its own; a module that
needs ``server`` with more in it requests ``server`` in its own ``server`` fixture (pytest's override). The
browser is per module, not per session: a module that opens its own Playwright (``chromium_support.chromium_page``)
must not run while another Playwright of the same thread is still open.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from admin_console_support import console_server
from chromium_support import launch
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """The system's headless Chromium (chromium_support.launch), closed after the module."""
    with sync_playwright() as pw:
        chromium = launch(pw)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def viewport() -> ViewportSize:
    """The size of each test's page."""
    return {"width": 1200, "height": 800}


@pytest.fixture
def page(browser: Browser, viewport: ViewportSize) -> Iterator[Page]:
    """A page of a context of its own, closed after the test."""
    context = browser.new_context(viewport=viewport)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server with the console test realms (admin_console_support.console_server), one per module, as
    ``http://localhost:PORT``."""
    with console_server(tmp_path_factory.mktemp(request.module.__name__.removeprefix("test_"))) as base:
        yield base
