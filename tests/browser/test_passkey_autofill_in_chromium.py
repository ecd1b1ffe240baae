"""Passkeys on the login form (Keycloak 26.4's conditional UI, oauth/login_passkeys.py) in headless Chromium
against a real ``doorkeep start-dev`` process, with Chrome's virtual authenticator holding a discoverable credential
(CTAP2, resident keys, user verification on), as PasskeysUsernamePasswordFormTest runs it. The demo realm keeps
its built-in browser flow (the username and password form) and turns passkeys on
(``webAuthnPolicyPasswordlessPasskeysEnabled``) with a passwordless policy asking for a resident key and user
verification. user1 signs in with the password and registers a passkey (the webauthn-register-passwordless
required action an admin gave); then the login form's username field asks for ``username webauthn`` and the
form's passkey (the conditional request the page starts, or its "Sign in with Passkey" button) signs user1 in
without a password. The password beside it still signs user1 in, and the passwordless policy's mediation
(``webAuthnPolicyPasswordlessMediation``) "optional" asks for the passkey with the browser's dialog as the page
loads."""

from __future__ import annotations

from typing import Any

import pytest
import signing_in_support
from playwright.sync_api import expect
from signing_in_support import (
    NO_AUTOFILL,
    DemoAdmin,
    DemoBrowser,
    credentials,
    password_form,
    register_passkey,
    signed_in,
    virtual_authenticator,
)

pytestmark = [pytest.mark.browser, pytest.mark.interop]


demo = signing_in_support.demo
admin = signing_in_support.admin


class Passkey:
    """user1's passkey in Chrome's virtual authenticator, registered; ``uses`` counts its signatures."""

    def __init__(self, demo: DemoBrowser, admin: DemoAdmin, *, autofill: bool = True, **policy: Any) -> None:
        self.cdp, self.authenticator = virtual_authenticator(
            demo.page, "My passkey", transport="internal", hasResidentKey=True
        )
        register_passkey(demo, admin, **policy)
        if not autofill:
            demo.page.add_init_script(NO_AUTOFILL)
        self.before = self.uses()

    def uses(self) -> int:
        count: int = credentials(self.cdp, self.authenticator)[0]["signCount"]
        return count

    def used(self) -> bool:
        return self.uses() > self.before


def test_the_browsers_autofill_offers_the_passkey_and_signs_in(demo: DemoBrowser, admin: DemoAdmin) -> None:
    """The login form starts a conditional request (``mediation: "conditional"``) on load; the virtual
    authenticator answers it as a user picking the passkey from the username field's autofill: signed in with no
    username or password typed."""
    page, passkey = demo.page, Passkey(demo, admin)
    page.goto(demo.signing_in)
    signed_in(page)
    assert passkey.used()


def test_the_passkey_button_signs_in_where_the_browser_has_no_autofill(demo: DemoBrowser, admin: DemoAdmin) -> None:
    """A browser without conditional mediation (isConditionalMediationAvailable false): the form stays, its
    username field still asks for ``username webauthn``, the password beside; "Sign in with Passkey" runs the
    modal request, which the passkey answers."""
    page, passkey = demo.page, Passkey(demo, admin, autofill=False)
    page.goto(demo.signing_in)
    page.wait_for_selector("#authenticateWebAuthnButton", timeout=15000)
    assert page.get_attribute("#username", "autocomplete") == "username webauthn"
    assert page.locator("#password").count() == 1
    page.click("#authenticateWebAuthnButton")
    signed_in(page)
    assert passkey.used()


def test_without_passkeys_the_login_form_is_as_before(demo: DemoBrowser) -> None:
    page = demo.page
    page.goto(demo.signing_in)
    page.wait_for_selector("#username", timeout=15000)
    assert page.get_attribute("#username", "autocomplete") == "username"
    assert page.locator("#authenticateWebAuthnButton").count() == 0


def test_a_user_holding_a_passkey_signs_in_with_the_password_instead(demo: DemoBrowser, admin: DemoAdmin) -> None:
    """The form offers both; the password typed signs user1 in and the passkey is not used (its count stays)."""
    page, passkey = demo.page, Passkey(demo, admin, autofill=False)
    page.goto(demo.signing_in)
    page.wait_for_selector("#authenticateWebAuthnButton", timeout=15000)
    password_form(page)
    signed_in(page)
    assert not passkey.used()


def test_after_a_wrong_password_the_passkey_signs_in(demo: DemoBrowser, admin: DemoAdmin) -> None:
    """The login form again with the error keeps its passkey (a new challenge): the button signs user1 in."""
    page, passkey = demo.page, Passkey(demo, admin, autofill=False)
    page.goto(demo.signing_in)
    page.wait_for_selector("#username", timeout=15000)
    page.fill("#username", "user1")
    page.fill("#password", "not-the-password")
    page.click("#kc-login")
    expect(page.get_by_text("Invalid username or password.")).to_be_visible(timeout=15000)
    page.click("#authenticateWebAuthnButton")
    signed_in(page)
    assert passkey.used()


def test_an_optional_mediation_asks_for_the_passkey_as_the_page_loads(demo: DemoBrowser, admin: DemoAdmin) -> None:
    """With ``optional`` the page's first request is the browser's dialog, not the autofill (which this browser
    lacks): the passkey answers it and user1 is signed in with nothing clicked."""
    page = demo.page
    passkey = Passkey(demo, admin, autofill=False, webAuthnPolicyPasswordlessMediation="optional")
    page.goto(demo.signing_in)
    signed_in(page)
    assert passkey.used()
