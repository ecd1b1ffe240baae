"""Passwordless WebAuthn (a passkey as the first factor) in headless Chromium against a real ``doorkeep start-dev``
process, with Chrome's virtual authenticator holding discoverable credentials (CTAP2, resident keys, user
verification on). An admin binds Keycloak's passwordless browser flow: Cookie, then a forms sub-flow with the
Username Form and the WebAuthn Passwordless Authenticator (``webauthn-authenticator-passwordless``), both
REQUIRED, and sets the realm's passwordless policy (``webAuthnPolicyPasswordless*``) to ask for a resident key and
user verification. user1, who has no passkey, gives the username and is sent to the webauthn-register-passwordless
required action (WebAuthnPasswordlessAuthenticator.setRequiredActions), which stores a ``webauthn-passwordless``
credential; the next sign-in asks for the username, then the passkey, which the virtual authenticator answers with
the user handle it registered (WebAuthnPasswordlessAuthenticatorTest / PasswordlessLoginTest's scenario).

As in test_webauthn_in_chromium.py, the origin is ``http://localhost:<port>``, the secure context Chrome accepts."""

from __future__ import annotations

import pytest
import signing_in_support
from playwright.sync_api import Page, expect
from signing_in_support import (
    DemoAdmin,
    DemoBrowser,
    credentials,
    sign_out,
    virtual_authenticator,
)

pytestmark = [pytest.mark.browser, pytest.mark.interop]
PASSWORDLESS_POLICY = {
    "webAuthnPolicyPasswordlessRpEntityName": "keycloak",  # an update rebuilds the policy only when naming it
    "webAuthnPolicyPasswordlessRequireResidentKey": "Yes",
    "webAuthnPolicyPasswordlessUserVerificationRequirement": "required",
}


demo = signing_in_support.demo
admin = signing_in_support.admin


def username_page(page: Page) -> None:
    page.wait_for_selector("#username", timeout=15000)
    assert page.locator("#password").count() == 0  # login-username.ftl: no password field
    page.fill("#username", "user1")
    page.click("#kc-login")


def test_a_user_registers_a_passkey_and_signs_in_without_a_password(demo: DemoBrowser, admin: DemoAdmin) -> None:
    page = demo.page
    steps = ["auth-username-form", "webauthn-authenticator-passwordless"]
    admin.bind_browser_flow("passkeys", steps, **PASSWORDLESS_POLICY)
    cdp, authenticator = virtual_authenticator(page, "My passkey", transport="internal", hasResidentKey=True)
    signing_in = demo.signing_in
    page.goto(signing_in)
    username_page(page)
    page.wait_for_selector("#registerWebAuthn", timeout=15000)  # webauthn-register-passwordless
    page.click("#registerWebAuthn")
    expect(page.get_by_role("heading", name="Signing in", level=1)).to_be_visible(timeout=15000)
    [credential] = credentials(cdp, authenticator)
    assert credential["isResidentCredential"] and credential["userHandle"]
    assert "webauthn-passwordless" in admin.credential_types("user1")

    sign_out(page)
    page.goto(signing_in)
    username_page(page)
    page.wait_for_selector("#authenticateWebAuthnButton", timeout=15000)
    assert page.locator("#kc-webauthn-authenticators").count() == 0  # passkeys are not listed
    page.click("#authenticateWebAuthnButton")
    expect(page.get_by_role("heading", name="Signing in", level=1)).to_be_visible(timeout=15000)
    assert credentials(cdp, authenticator)[0]["signCount"] >= 1
