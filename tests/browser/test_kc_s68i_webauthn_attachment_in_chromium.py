"""Keycloak's AuthAttachmentRegisterTest.authenticatorAttachmentCrossPlatform in headless Chromium, with Chrome's
virtual USB authenticator: under a policy that asks for a cross-platform authenticator the register page's script
posts the attachment the browser reports (webauthnRegister.js's ``authenticatorAttachment``), which
WebAuthnRegister.PolicyVerifier now requires, and the key is registered."""

from __future__ import annotations

import pytest
import signing_in_support
from playwright.sync_api import expect
from signing_in_support import DemoBrowser, credentials, demo_admin, password_form, virtual_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.interop]


demo = signing_in_support.demo


def test_a_cross_platform_policy_registers_a_usb_key(demo: DemoBrowser) -> None:
    page = demo.page
    policy = {"webAuthnPolicyRpEntityName": "keycloak", "webAuthnPolicyAuthenticatorAttachment": "cross-platform"}
    with demo_admin(demo.server) as admin:
        admin.bind_browser_flow("keys", ["auth-username-password-form", "webauthn-authenticator"], **policy)
    cdp, authenticator = virtual_authenticator(page, "My key", transport="usb")
    page.goto(demo.signing_in)
    password_form(page)
    page.wait_for_selector("#registerWebAuthn", timeout=15000)
    page.click("#registerWebAuthn")
    expect(page.get_by_role("heading", name="Signing in", level=1)).to_be_visible(timeout=15000)
    assert len(credentials(cdp, authenticator)) == 1
