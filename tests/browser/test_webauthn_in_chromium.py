"""WebAuthn in headless Chromium against a real ``doorkeep start-dev`` process, with Chrome's virtual
authenticator (the DevTools protocol's WebAuthn domain: CTAP2 over USB, user verification on): an admin binds a
browser flow with the WebAuthn authenticator REQUIRED after the password; user1, who has no key, is sent to the
webauthn-register required action and registers one with the page's own script; the next sign-in asks for the
password and then the key, which the virtual authenticator answers.

The origin is ``http://localhost:<port>``, a secure context as 127.0.0.1 is: Chrome refuses an IP address as a
WebAuthn Relying Party id, and the default Relying Party id is the server's host (WebAuthnRegister's rpId)."""

from __future__ import annotations

import pytest
import signing_in_support
from playwright.sync_api import expect
from signing_in_support import (
    DemoBrowser,
    credentials,
    demo_admin,
    password_form,
    sign_out,
    virtual_authenticator,
)

pytestmark = [pytest.mark.browser, pytest.mark.interop]


demo = signing_in_support.demo


def test_a_user_registers_a_security_key_and_signs_in_with_it(demo: DemoBrowser) -> None:
    page = demo.page
    with demo_admin(demo.server) as admin:  # Cookie, then the password form and the WebAuthn authenticator, REQUIRED
        admin.bind_browser_flow("keys", ["auth-username-password-form", "webauthn-authenticator"])
    cdp, authenticator = virtual_authenticator(page, "My key", transport="usb")
    signing_in = demo.signing_in
    page.goto(signing_in)
    password_form(page)
    page.wait_for_selector("#registerWebAuthn", timeout=15000)
    page.click("#registerWebAuthn")
    expect(page.get_by_role("heading", name="Signing in", level=1)).to_be_visible(timeout=15000)
    expect(page.get_by_text("My key")).to_be_visible()
    assert len(credentials(cdp, authenticator)) == 1

    sign_out(page)
    page.goto(signing_in)
    password_form(page)
    page.wait_for_selector("#authenticateWebAuthnButton", timeout=15000)
    page.click("#authenticateWebAuthnButton")
    expect(page.get_by_role("heading", name="Signing in", level=1)).to_be_visible(timeout=15000)
    assert credentials(cdp, authenticator)[0]["signCount"] >= 1
