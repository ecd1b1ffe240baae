"""PolicyJsInjectionTest in headless Chromium against a real ``doorkeep start-dev`` process (relyingPartyEntityName
and injectUserLabel), with Chrome's virtual authenticator: the realm's two-factor policy names its Relying Party
with a script that would redirect the page, user1 registers a key labelled with a script that would open a
prompt, and signs in with it. Nothing of either runs: the only dialog is the page's own label prompt, the page
stays on the server, and the login page lists the label as text."""

from __future__ import annotations

import pytest
import signing_in_support
from playwright.sync_api import Dialog, expect
from signing_in_support import (
    DemoBrowser,
    credentials,
    demo_admin,
    password_form,
    sign_out,
    virtual_authenticator,
)

pytestmark = [pytest.mark.browser, pytest.mark.interop]
REDIRECT_SCRIPT = 'required"; window.location.href = "http://www.keycloak.org";"'
LABEL = "label'`;window.prompt(\"another\");'"


demo = signing_in_support.demo


def test_script_in_the_entity_name_and_the_label_never_runs(demo: DemoBrowser) -> None:
    page = demo.page
    with demo_admin(demo.server) as admin:
        admin.bind_browser_flow(
            "keys",
            ["auth-username-password-form", "webauthn-authenticator"],
            webAuthnPolicyRpEntityName=REDIRECT_SCRIPT,
        )
        assert admin.call("GET", "", None, 200).json()["webAuthnPolicyRpEntityName"] == REDIRECT_SCRIPT
    cdp, authenticator = virtual_authenticator(page, LABEL, transport="usb")
    dialogs: list[str] = []

    def seen(dialog: Dialog) -> None:
        dialogs.append(dialog.message)

    page.on("dialog", seen)
    page.goto(demo.signing_in)
    password_form(page)
    page.wait_for_selector("#registerWebAuthn", timeout=15000)
    page.click("#registerWebAuthn")
    expect(page.get_by_role("heading", name="Signing in", level=1)).to_be_visible(timeout=15000)
    assert dialogs == ["Please input your registered passkey's label"]
    assert len(credentials(cdp, authenticator)) == 1
    sign_out(page)
    page.goto(demo.signing_in)
    password_form(page)
    page.wait_for_selector("#authenticateWebAuthnButton", timeout=15000)
    assert page.locator("#kc-webauthn-authenticator-label-0").inner_text() == LABEL
    assert "keycloak.org" not in page.url
    page.click("#authenticateWebAuthnButton")
    expect(page.get_by_role("heading", name="Signing in", level=1)).to_be_visible(timeout=15000)
    assert len(dialogs) == 1 and "keycloak.org" not in page.url
