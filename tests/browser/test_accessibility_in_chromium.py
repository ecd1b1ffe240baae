"""Accessibility and phone layout of every page in headless Chromium, against one real server.

axe-core (``axe_support``) audits each page of the realm's Admin Console the master administrator opens (the
console crawl's pages), each page of the Account Console a user opens, and the sign-in, registration, reset,
consent, authenticator app, error, logout and device pages (``login_tour_support.tour``): a serious or critical
violation fails, named with its page, rule and elements. The same pages at 360 px must not scroll sideways; each
is saved as a screenshot (tests/artifacts/screenshots/phone-360/). The main forms are submitted with the keyboard
alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_support import AuditingCrawler, Violation, audit, blocking
from console_crawl_support import PASSWORD, REALM, Crawler, Visit, crawl_server, log_in, report, unlinked_pages
from login_tour_support import DOORS, authorize_url, doors_realm, tour
from page_layout import page_width
from playwright.sync_api import Browser, Page, expect

from doorkeep.web.admin_console.routes import routes as admin_routes
from doorkeep.web.console.account import ROUTES as ACCOUNT_ROUTES
from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME

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


def crawl_admin_console(page: Page, server: str, crawler: type[Crawler]) -> Crawler:
    """The master administrator's crawl of the realm's Admin Console, from the realm list on."""
    base = f"{server}/admin/master/console"
    log_in(page, f"{base}/", ADMIN_USERNAME, ADMIN_PASSWORD, r".*/admin/master/console/.*")
    inside = f"{base}/{REALM}"
    walker = crawler(page, admin_routes(), inside)
    walker.crawl([f"{base}/", f"{inside}/"], always=unlinked_pages(server, inside))
    assert not report(walker.visits), "\n".join(report(walker.visits))
    return walker


def crawl_account_console(page: Page, server: str, crawler: type[Crawler]) -> Crawler:
    """A user's crawl of the Account Console."""
    base = f"{server}/realms/{REALM}/account"
    log_in(page, f"{base}/", "crawler01", PASSWORD, rf".*/realms/{REALM}/account/.*")
    walker = crawler(page, ACCOUNT_ROUTES, base)
    walker.crawl([f"{base}/"])
    assert not report(walker.visits), "\n".join(report(walker.visits))
    return walker


def violations_of(walker: Crawler) -> list[Violation]:
    assert isinstance(walker, AuditingCrawler)
    return walker.violations


def test_every_admin_console_page_has_no_serious_accessibility_violation(server: str, page: Page) -> None:
    walker = crawl_admin_console(page, server, AuditingCrawler)
    problems = blocking(violations_of(walker))
    assert not problems, f"{len(problems)} violations on {len(walker.visits)} pages:\n" + "\n".join(problems)


def test_every_account_console_page_has_no_serious_accessibility_violation(server: str, page: Page) -> None:
    walker = crawl_account_console(page, server, AuditingCrawler)
    problems = blocking(violations_of(walker))
    assert not problems, f"{len(problems)} violations on {len(walker.visits)} pages:\n" + "\n".join(problems)


def test_the_sign_in_and_device_pages_have_no_serious_accessibility_violation(server: str, page: Page) -> None:
    problems = [f"{stop}: {line}" for stop in tour(page, server) for line in blocking(audit(page))]
    assert not problems, "\n".join(problems)


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


def test_the_sign_in_and_registration_forms_are_submitted_with_the_keyboard_alone(server: str, page: Page) -> None:
    """Tab from the top of the page to each field, type, and press Enter: no click, no focus set by script."""
    page.goto(authorize_url(server))
    page.wait_for_selector("#kc-form-login")
    expect(page.locator("#username")).to_be_focused()  # the page starts on its first field
    page.keyboard.type("door-user")
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type("wrong")
    page.keyboard.press("Enter")
    expect(page.locator("#input-error")).to_contain_text("Invalid username or password.")
    tabs = 0
    while page.evaluate("document.activeElement && document.activeElement.textContent") != "Register" and tabs < 12:
        page.keyboard.press("Tab")
        tabs += 1
    page.keyboard.press("Enter")
    page.wait_for_selector("#kc-register-form")  # a new page: Tab goes through its fields in the profile's order
    values = {
        "username": "ada-keys",
        "password": "Typed-Pass-1",
        "password-confirm": "Typed-Pass-1",
        "email": "ada@example.com",
        "firstName": "Ada",
        "lastName": "Keys",
    }
    for _ in range(12):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id")
        if focused in values:
            page.keyboard.type(values.pop(focused))
        if not values:
            break
    assert not values, f"Tab never reached {sorted(values)}"
    page.keyboard.press("Enter")
    page.wait_for_selector("#kc-oauth")  # registered and signed in: the client asks for consent
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "kc-login", "Yes is not the consent form's first stop"
    assert DOORS in page.url


def test_a_field_error_is_the_description_of_its_field(server: str, page: Page) -> None:
    """The client Advanced tab and the events filters, sent with values they refuse: each refused field is marked
    invalid and its error message is its accessible description; axe and Doorkeep's field-error rule pass."""
    base = f"{server}/admin/master/console"
    log_in(page, f"{base}/", ADMIN_USERNAME, ADMIN_PASSWORD, r".*/admin/master/console/.*")
    inside = f"{base}/{REALM}"
    client = next(url for url in unlinked_pages(server, inside) if "/clients/" in url)
    page.goto(f"{client}/advanced")
    page.fill("#f-grace", "500")
    page.fill("#f-offline-cap", "-1")
    page.get_by_role("button", name="Save", exact=True).click()
    for field in ("#f-grace", "#f-offline-cap"):
        expect(page.locator(field)).to_have_attribute("aria-invalid", "true")
        error = page.locator(f"{field} ~ .field-error").inner_text()  # the message shown under the field
        expect(page.locator(field)).to_have_accessible_description(re.compile(re.escape(error)))
    problems = blocking(audit(page))
    page.goto(f"{inside}/events?dateFrom=yesterday")
    error = page.locator("#f-dateFrom ~ .field-error").inner_text()
    expect(page.locator("#f-dateFrom")).to_have_accessible_description(re.compile(re.escape(error)))
    problems += blocking(audit(page))
    assert not problems, "\n".join(problems)
