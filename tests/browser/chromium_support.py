"""Headless Chromium for the browser tests: the one binary and its flags, and a page of a fresh browser."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page, Playwright, sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(pw: Playwright) -> Browser:
    """The system's Chromium, headless, with the flags that keep it off the network but for the pages."""
    return pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)


@contextmanager
def chromium_page(width: int | None = None, height: int | None = None) -> Iterator[Page]:
    """A page of a fresh headless Chromium, closed after: ``width``×``height`` when given, else Playwright's
    default viewport (1280×720)."""
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            if width is None or height is None:
                yield browser.new_page()
            else:
                yield browser.new_context(viewport={"width": width, "height": height}).new_page()
        finally:
            browser.close()


def wait_for_keycloak_js(page: Page) -> None:
    """Wait until the test app's keycloak-js has finished ``init`` after a redirect back to the app, and
    check it signed in. The app's title starts as 'loading' and ends 'ready' or 'error'; waiting for "not
    loading" would pass at once on the login page still shown while the browser posts the form."""
    page.wait_for_function("document.title === 'ready' || document.title === 'error'", timeout=15000)
    assert page.title() == "ready", page.inner_text("#out")
