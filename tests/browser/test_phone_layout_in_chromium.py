"""Phone layout: every page at 360 px in headless Chromium, against one real server.

The sign-in tour (``login_tour_support.tour``) and both console crawls on a 360 px phone: no page may scroll
sideways; each is saved as a screenshot (tests/artifacts/screenshots/phone-360/), and a failure names the
elements past the edge.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from console_crawl_support import Crawler, Visit, crawl_server
from console_walks import crawl_account_console, crawl_admin_console
from login_tour_support import doors_realm, tour
from page_layout import page_width
from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.interop]
PHONE = 360
SHOTS = Path(__file__).parent.parent / "artifacts" / "screenshots" / f"phone-{PHONE}"


# The innermost elements reaching past the viewport's right edge, each as tag#id.class and its right edge.
PAST_THE_EDGE = """() => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
  .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > innerWidth + 1))
  .slice(0, 4)
  .map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${e.classList.length ? "." + [...e.classList].join(".") : ""}`
    + ` (${Math.round(e.getBoundingClientRect().right)}px)`)
  .join(", ")"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with crawl_server(tmp_path_factory.mktemp("accessibility"), doors_realm()) as base:
        yield base


class PhoneCrawler(Crawler):
    """A console crawl on a phone: each page's width once styled, and its screenshot."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.wide: list[str] = []

    def visit(self, url: str) -> Visit:
        visit = super().visit(url)
        self.wide += too_wide(self.page, visit.template or url)
        return visit


def too_wide(page: Page, name: str) -> list[str]:
    """The page, saved as a screenshot, if it is wider than the phone: its name, URL and width."""
    width = page_width(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + ".png")), full_page=True)
    if width <= PHONE:
        return []
    return [f"{name} at {page.url}: {width}px wide, past the edge: {page.evaluate(PAST_THE_EDGE)}"]


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": PHONE, "height": 740}, is_mobile=True, has_touch=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_no_page_scrolls_sideways_on_a_360px_phone(server: str, phone: Page) -> None:
    wide = [line for stop in tour(phone, server) for line in too_wide(phone, f"login-{stop}")]
    phone.context.clear_cookies()
    for crawl in (crawl_admin_console, crawl_account_console):
        walker = crawl(phone, server, PhoneCrawler)
        assert isinstance(walker, PhoneCrawler)
        wide += walker.wide
        phone.context.clear_cookies()
    assert not wide, f"pages wider than {PHONE}px (screenshots in {SHOTS}):\n" + "\n".join(wide)
