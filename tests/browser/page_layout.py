"""The width a page lays out at, measured once its stylesheets apply.

A locator being visible does not mean the page's stylesheets have loaded: Chromium lays a page
out without them while they are still on the way, and on a busy machine a measure taken then sees
the unstyled page (a phone test once read 410px of unstyled HTML on a 390px screen).
"""

from __future__ import annotations

from playwright.sync_api import Page

STYLED = "[...document.querySelectorAll('link[rel=stylesheet]')].every((link) => link.sheet !== null)"


def page_width(page: Page) -> int:
    """``document.documentElement.scrollWidth`` once every stylesheet of the page has loaded."""
    page.wait_for_load_state("load")
    page.wait_for_function(STYLED, timeout=15000)
    return int(page.evaluate("document.documentElement.scrollWidth"))
