"""WebAuthn in headless Chromium against a real ``doorkeep start-dev`` process, with Chrome's virtual
authenticator (the DevTools protocol's WebAuthn domain: CTAP2 over USB, user verification on): an admin binds a
browser flow with the WebAuthn authenticator REQUIRED after the password; user1, who has no key, is sent to the
webauthn-register required action and registers one with the page's own script; the next sign-in asks for the
password and then the key, which the virtual authenticator answers.

The origin is ``http://localhost:<port>``, a secure context as 127.0.0.1 is: Chrome refuses an IP address as a
WebAuthn Relying Party id, and the default Relying Party id is the server's host (WebAuthnRegister's rpId)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from chromium_support import chromium_page
from playwright.sync_api import Dialog, Page, expect

from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DoorkeepProcess

pytestmark = [pytest.mark.browser, pytest.mark.interop]
HERE = Path(__file__).parent
DEMO = HERE.parents[1] / "examples" / "demo-realm.json"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[DoorkeepProcess]:
    (tmp_path / "demo-realm.json").write_text(json.dumps(json.loads(DEMO.read_text())))
    process = DoorkeepProcess(tmp_path / "server", import_realms=[tmp_path / "demo-realm.json"])
    process.start()
    yield process
    process.stop()


@pytest.fixture
def page() -> Iterator[Page]:
    with chromium_page(1100, 800) as opened:
        yield opened


def bind_webauthn_flow(base: str) -> None:
    """The admin's browser flow: Cookie, then the password form and the WebAuthn authenticator, REQUIRED."""
    with httpx.Client(base_url=base, timeout=15) as http:
        token = http.post(
            "/realms/master/protocol/openid-connect/token",
            data={"grant_type": "password", "client_id": "admin-cli", "username": ADMIN_USERNAME,
                  "password": ADMIN_PASSWORD},
        ).json()["access_token"]  # fmt: skip
        headers = {"Authorization": f"Bearer {token}"}
        auth = "/admin/realms/demo/authentication"

        def call(method: str, path: str, body: Any, status: int) -> httpx.Response:
            response = http.request(method, path, json=body, headers=headers)
            assert response.status_code == status, (path, response.status_code, response.text)
            return response

        def add(flow: str, body: dict[str, str], requirement: str, kind: str = "execution") -> None:
            call("POST", f"{auth}/flows/{quote(flow)}/executions/{kind}", body, 201)
            rows = call("GET", f"{auth}/flows/{quote(flow)}/executions", None, 200).json()
            row = [
                r for r in rows if r.get("providerId") == body.get("provider") or r["displayName"] == body.get("alias")
            ]
            call("PUT", f"{auth}/flows/{quote(flow)}/executions", {**row[-1], "requirement": requirement}, 202)

        flow = {"alias": "keys", "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": "keys"}
        call("POST", f"{auth}/flows", flow, 201)
        add("keys", {"provider": "auth-cookie"}, "ALTERNATIVE")
        forms = {"alias": "keys forms", "type": "basic-flow", "provider": "registration-page-form", "description": ""}
        add("keys", forms, "ALTERNATIVE", "flow")
        add("keys forms", {"provider": "auth-username-password-form"}, "REQUIRED")
        add("keys forms", {"provider": "webauthn-authenticator"}, "REQUIRED")
        call("PUT", "/admin/realms/demo", {"browserFlow": "keys"}, 204)


def password_form(page: Page) -> None:
    page.wait_for_selector("#username", timeout=15000)
    page.fill("#username", "user1")
    page.fill("#password", "password")
    page.click("#kc-login")


def test_a_user_registers_a_security_key_and_signs_in_with_it(page: Page, server: DoorkeepProcess) -> None:
    base = f"http://localhost:{server.port}"
    bind_webauthn_flow(base)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {"protocol": "ctap2", "transport": "usb", "hasUserVerification": True, "isUserVerified": True}
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})

    def label(dialog: Dialog) -> None:
        dialog.accept("My key")  # the page asks for the key's label (window.prompt)

    page.on("dialog", label)
    signing_in = f"{base}/realms/demo/account/account-security/signing-in"
    page.goto(signing_in)
    password_form(page)
    page.wait_for_selector("#registerWebAuthn", timeout=15000)
    page.click("#registerWebAuthn")
    expect(page.get_by_role("heading", name="Signing in", level=1)).to_be_visible(timeout=15000)
    expect(page.get_by_text("My key")).to_be_visible()
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": added["authenticatorId"]})
    assert len(stored["credentials"]) == 1

    page.get_by_role("button", name="Sign out").click()
    page.goto(signing_in)
    password_form(page)
    page.wait_for_selector("#authenticateWebAuthnButton", timeout=15000)
    page.click("#authenticateWebAuthnButton")
    expect(page.get_by_role("heading", name="Signing in", level=1)).to_be_visible(timeout=15000)
    after = cdp.send("WebAuthn.getCredentials", {"authenticatorId": added["authenticatorId"]})
    assert after["credentials"][0]["signCount"] >= 1
