"""Account Console → Signing in, in headless Chromium against a real ``doorkeep start-dev`` process: the user
sets up an authenticator app from the console (a sign-in with ``kc_action=CONFIGURE_TOTP``, the code computed
from the secret shown on the page), comes back to Signing in with the device listed, and the next sign-in
asks for the password and then the code."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import signing_in_support
from playwright.sync_api import Page, expect
from signing_in_support import DemoBrowser, password_form, sign_out

from totp_codes import key_from_shown, totp

pytestmark = [pytest.mark.browser, pytest.mark.interop]
HERE = Path(__file__).parent
SHOTS = HERE.parent / "artifacts" / "screenshots"


demo = signing_in_support.demo


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"account-{name}.png"), full_page=True)


def test_a_user_sets_up_an_authenticator_from_the_console_and_then_signs_in_with_it(demo: DemoBrowser) -> None:
    page = demo.page
    signing_in = demo.signing_in
    page.goto(signing_in)
    password_form(page)
    expect(page.get_by_role("heading", name="Signing in", level=1)).to_be_visible(timeout=15000)
    expect(page.get_by_text("Authenticator application is not set up.")).to_be_visible()
    expect(page.get_by_text("My password")).to_be_visible()
    shot(page, "signing-in")
    page.get_by_role("button", name="Set up Authenticator application").click()
    page.wait_for_selector("#mode-manual", timeout=15000)  # Keycloak's QR view first; "Unable to scan?" shows the key
    page.click("#mode-manual")
    page.wait_for_selector("#kc-totp-secret-key", timeout=15000)
    expect(page.locator("#cancelTOTPBtn")).to_be_visible()
    shot(page, "signing-in-totp-setup")
    key = key_from_shown(page.inner_text("#kc-totp-secret-key"))
    page.fill("#totp", totp(key))
    page.fill("#userLabel", "My phone")
    page.click("#saveTOTPBtn")
    expect(page.get_by_role("status")).to_have_text("Your authenticator application has been set up.", timeout=15000)
    expect(page.get_by_role("cell", name="My phone", exact=True)).to_be_visible()
    shot(page, "signing-in-totp-done")
    sign_out(page)
    page.goto(signing_in)
    password_form(page)
    page.wait_for_selector("#kc-otp-login-form", timeout=15000)
    page.fill("#otp", totp(key, time.time() + 30))  # the next period's code: the setup spent this one
    page.click("#kc-login")
    expect(page.get_by_role("heading", name="Signing in", level=1)).to_be_visible(timeout=15000)
    expect(page.get_by_role("button", name="Delete My phone")).to_be_visible()
