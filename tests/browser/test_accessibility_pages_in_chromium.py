"""Accessibility of the Account Console and the sign-in pages in headless Chromium, against one real server.

axe-core audits each page of the Account Console a user opens and the sign-in, registration, reset, consent,
authenticator app, error, logout and device pages (``login_tour_support.tour``): a serious or critical violation
fails. The main forms are submitted with the keyboard alone, and a refused field's error is its description.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from axe_support import AuditingCrawler, audit, blocking
from console_crawl_support import REALM, crawl_server, log_in, unlinked_pages
from console_walks import crawl_account_console
from login_tour_support import DOORS, authorize_url, doors_realm, terms_realm, tour
from playwright.sync_api import Page, expect

from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME

pytestmark = [pytest.mark.browser, pytest.mark.interop]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with crawl_server(tmp_path_factory.mktemp("accessibility"), doors_realm()) as base:
        yield base


def test_every_account_console_page_has_no_serious_accessibility_violation(server: str, page: Page) -> None:
    walker = crawl_account_console(page, server, AuditingCrawler)
    assert isinstance(walker, AuditingCrawler)
    problems = blocking(walker.violations)
    assert not problems, f"{len(problems)} violations on {len(walker.visits)} pages:\n" + "\n".join(problems)


def test_the_sign_in_and_device_pages_have_no_serious_accessibility_violation(server: str, page: Page) -> None:
    problems = [f"{stop}: {line}" for stop in tour(page, server) for line in blocking(audit(page))]
    assert not problems, "\n".join(problems)


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


def test_the_registration_terms_checkbox_is_labelled_described_by_its_error_and_ticked_by_keyboard(
    server: str, page: Page
) -> None:
    """A registration form that asks for the terms (RegistrationTermsAndConditions REQUIRED): the checkbox has its
    label; sent unticked, it is marked invalid with "You must agree to our terms and conditions." as its accessible
    description; Space ticks it from the keyboard and Enter registers. axe passes on both pages."""
    page.goto(terms_realm(server))
    page.wait_for_selector("#kc-form-login")
    page.click("#kc-registration a")
    page.wait_for_selector("#kc-register-form")
    box = page.get_by_role("checkbox", name="I agree to the terms and conditions")
    expect(box).not_to_be_checked()
    problems = blocking(audit(page))
    typed = {"username": "terms-keys", "email": "terms@example.com", "firstName": "Terms", "lastName": "Keys"}
    for field, value in {**typed, "password": "Typed-Pass-1", "password-confirm": "Typed-Pass-1"}.items():
        page.fill(f"#{field}", value)
    page.click("#kc-register")
    page.wait_for_selector("#termsAccepted[aria-invalid=true]")
    expect(box).to_have_accessible_description("You must agree to our terms and conditions.")
    expect(page.locator("#username")).to_have_value("terms-keys")
    problems += blocking(audit(page))
    page.fill("#password", "Typed-Pass-1")
    page.fill("#password-confirm", "Typed-Pass-1")
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    with page.expect_response(lambda r: r.status == 302 and "code=" in r.headers.get("location", "")) as sent:
        page.keyboard.press("Enter")  # registered: back to the client with a code
    assert sent.value.headers["location"].startswith("http://localhost:9/callback?")
    assert not problems, "\n".join(problems)


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
