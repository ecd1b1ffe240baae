"""Keycloak 26.7's "Discoverable credential" (``webAuthnPolicyPasswordlessResidentKey``) in headless Chromium, with
Chrome's virtual authenticator (CTAP2, resident keys, user verification on): the registration page's
``authenticatorSelection.residentKey``, as webauthnRegister.js builds it, decides what the authenticator creates,
and a specified ``residentKey`` decides over the deprecated ``requireResidentKey`` (keycloak#42513, PR #49687).

user1 gives the username in Keycloak's passwordless browser flow (as test_passkey_login_in_chromium.py) and is sent
to webauthn-register-passwordless; the virtual authenticator then holds a discoverable credential when the policy
asks for one ("required", over a deprecated "No") and a server-side one when it discourages one (over a deprecated
"Yes")."""

from __future__ import annotations

import pytest
import signing_in_support
from playwright.sync_api import Page, expect
from signing_in_support import DemoAdmin, DemoBrowser, credentials, virtual_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.interop]

demo = signing_in_support.demo
admin = signing_in_support.admin


def username_page(page: Page) -> None:
    page.wait_for_selector("#username", timeout=15000)
    page.fill("#username", "user1")
    page.click("#kc-login")


@pytest.mark.parametrize(
    ("resident_key", "deprecated", "discoverable"),
    [("required", "No", True), ("discouraged", "Yes", False)],
    ids=["required-over-no", "discouraged-over-yes"],
)
def test_the_discoverable_credential_decides_what_the_authenticator_creates(
    demo: DemoBrowser, admin: DemoAdmin, resident_key: str, deprecated: str, discoverable: bool
) -> None:
    page = demo.page
    policy = {
        "webAuthnPolicyPasswordlessRpEntityName": "keycloak",  # an update rebuilds the policy only when naming it
        "webAuthnPolicyPasswordlessResidentKey": resident_key,
        "webAuthnPolicyPasswordlessRequireResidentKey": deprecated,
        "webAuthnPolicyPasswordlessUserVerificationRequirement": "required",
    }
    admin.bind_browser_flow("passkeys", ["auth-username-form", "webauthn-authenticator-passwordless"], **policy)
    cdp, authenticator = virtual_authenticator(page, "My passkey", transport="internal", hasResidentKey=True)
    page.goto(demo.signing_in)
    username_page(page)
    page.wait_for_selector("#registerWebAuthn", timeout=15000)  # webauthn-register-passwordless
    page.click("#registerWebAuthn")
    expect(page.get_by_role("heading", name="Signing in", level=1)).to_be_visible(timeout=15000)
    [credential] = credentials(cdp, authenticator)
    assert credential["isResidentCredential"] is discoverable
    assert "webauthn-passwordless" in admin.credential_types("user1")
