"""Passkeys on the login form (Keycloak 26.4's conditional UI, oauth/login_passkeys.py) in headless Chromium
against a real ``doorkeep start-dev`` process, with Chrome's virtual authenticator holding a discoverable credential
(CTAP2, resident keys, user verification on), as PasskeysUsernamePasswordFormTest runs it. The demo realm keeps
its built-in browser flow (the username and password form) and turns passkeys on
(``webAuthnPolicyPasswordlessPasskeysEnabled``) with a passwordless policy asking for a resident key and user
verification. user1 signs in with the password and registers a passkey (the webauthn-register-passwordless
required action an admin gave); then the login form's username field asks for ``username webauthn`` and the
form's passkey (the conditional request the page starts, or its "Sign in with Passkey" button) signs user1 in
without a password."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from signing_in_support import (
    DemoAdmin,
    DemoBrowser,
    credentials,
    demo_admin,
    demo_browser,
    password_form,
    virtual_authenticator,
)

pytestmark = [pytest.mark.browser, pytest.mark.interop]
PASSKEYS = {
    "webAuthnPolicyPasswordlessPasskeysEnabled": True,
    "webAuthnPolicyPasswordlessRequireResidentKey": "Yes",
    "webAuthnPolicyPasswordlessUserVerificationRequirement": "required",
}


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoBrowser]:
    with demo_browser(tmp_path) as opened:
        yield opened


@pytest.fixture
def admin(demo: DemoBrowser) -> Iterator[DemoAdmin]:
    with demo_admin(demo.server) as opened:
        yield opened


def signed_in(page: Page) -> None:
    expect(page.get_by_role("heading", name="Signing in", level=1)).to_be_visible(timeout=15000)


def register_passkey(demo: DemoBrowser, admin: DemoAdmin) -> None:
    """user1 given webauthn-register-passwordless, signed in with the password, the passkey registered; then the
    browser forgets the session (its cookies cleared on a blank page). Not the console's "Sign out": the login form
    it returns to would start a conditional request that the virtual authenticator answers at once, signing user1
    back in before the test looks."""
    admin.call("PUT", "", PASSKEYS, 204)
    [user] = admin.call("GET", "/users?username=user1&exact=true", None, 200).json()
    admin.call("PUT", f"/users/{user['id']}", {"requiredActions": ["webauthn-register-passwordless"]}, 204)
    page = demo.page
    page.goto(demo.signing_in)
    password_form(page)
    page.wait_for_selector("#registerWebAuthn", timeout=15000)
    page.click("#registerWebAuthn")
    signed_in(page)
    assert "webauthn-passwordless" in admin.credential_types("user1")
    page.goto("about:blank")
    page.context.clear_cookies()


def test_the_browsers_autofill_offers_the_passkey_and_signs_in(demo: DemoBrowser, admin: DemoAdmin) -> None:
    """The login form starts a conditional request (``mediation: "conditional"``) on load; the virtual
    authenticator answers it as a user picking the passkey from the username field's autofill: signed in with no
    username or password typed."""
    page = demo.page
    cdp, authenticator = virtual_authenticator(page, "My passkey", transport="internal", hasResidentKey=True)
    register_passkey(demo, admin)
    signs = credentials(cdp, authenticator)[0]["signCount"]
    page.goto(demo.signing_in)
    signed_in(page)
    assert credentials(cdp, authenticator)[0]["signCount"] > signs


def test_the_passkey_button_signs_in_where_the_browser_has_no_autofill(demo: DemoBrowser, admin: DemoAdmin) -> None:
    """A browser without conditional mediation (isConditionalMediationAvailable false): the form stays, its
    username field still asks for ``username webauthn``, the password beside; "Sign in with Passkey" runs the
    modal request, which the passkey answers."""
    page = demo.page
    cdp, authenticator = virtual_authenticator(page, "My passkey", transport="internal", hasResidentKey=True)
    register_passkey(demo, admin)
    page.add_init_script("PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);")
    signs = credentials(cdp, authenticator)[0]["signCount"]
    page.goto(demo.signing_in)
    page.wait_for_selector("#authenticateWebAuthnButton", timeout=15000)
    assert page.get_attribute("#username", "autocomplete") == "username webauthn"
    assert page.locator("#password").count() == 1
    page.click("#authenticateWebAuthnButton")
    signed_in(page)
    assert credentials(cdp, authenticator)[0]["signCount"] > signs


def test_without_passkeys_the_login_form_is_as_before(demo: DemoBrowser) -> None:
    page = demo.page
    page.goto(demo.signing_in)
    page.wait_for_selector("#username", timeout=15000)
    assert page.get_attribute("#username", "autocomplete") == "username"
    assert page.locator("#authenticateWebAuthnButton").count() == 0
