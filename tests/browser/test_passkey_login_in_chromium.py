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


class Admin:
    """The Admin REST API of realm ``demo``, as the master realm's admin."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=15)
        token = self.http.post(
            "/realms/master/protocol/openid-connect/token",
            data={"grant_type": "password", "client_id": "admin-cli", "username": ADMIN_USERNAME,
                  "password": ADMIN_PASSWORD},
        ).json()["access_token"]  # fmt: skip
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, body: Any, status: int) -> httpx.Response:
        response = self.http.request(method, f"/admin/realms/demo{path}", json=body, headers=self.headers)
        assert response.status_code == status, (path, response.status_code, response.text)
        return response

    def add(self, flow: str, body: dict[str, str], requirement: str, kind: str = "execution") -> None:
        auth = "/authentication"
        self.call("POST", f"{auth}/flows/{quote(flow)}/executions/{kind}", body, 201)
        rows = self.call("GET", f"{auth}/flows/{quote(flow)}/executions", None, 200).json()
        row = [r for r in rows if r.get("providerId") == body.get("provider") or r["displayName"] == body.get("alias")]
        self.call("PUT", f"{auth}/flows/{quote(flow)}/executions", {**row[-1], "requirement": requirement}, 202)

    def bind_passwordless_flow(self) -> None:
        flow = {"alias": "passkeys", "providerId": "basic-flow", "topLevel": True, "builtIn": False}
        self.call("POST", "/authentication/flows", {**flow, "description": "passkeys"}, 201)
        self.add("passkeys", {"provider": "auth-cookie"}, "ALTERNATIVE")
        forms = {"alias": "passkeys forms", "type": "basic-flow", "provider": "registration-page-form"}
        self.add("passkeys", {**forms, "description": ""}, "ALTERNATIVE", "flow")
        self.add("passkeys forms", {"provider": "auth-username-form"}, "REQUIRED")
        self.add("passkeys forms", {"provider": "webauthn-authenticator-passwordless"}, "REQUIRED")
        policy = {
            "webAuthnPolicyPasswordlessRequireResidentKey": "Yes",
            "webAuthnPolicyPasswordlessUserVerificationRequirement": "required",
        }
        self.call("PUT", "", {"browserFlow": "passkeys", **policy}, 204)

    def close(self) -> None:
        self.http.close()

    def credential_types(self, username: str) -> list[str]:
        [user] = self.call("GET", f"/users?username={username}&exact=true", None, 200).json()
        return [c["type"] for c in self.call("GET", f"/users/{user['id']}/credentials", None, 200).json()]


def username_page(page: Page) -> None:
    page.wait_for_selector("#username", timeout=15000)
    assert page.locator("#password").count() == 0  # login-username.ftl: no password field
    page.fill("#username", "user1")
    page.click("#kc-login")


@pytest.fixture
def admin(server: DoorkeepProcess) -> Iterator[Admin]:
    opened = Admin(f"http://localhost:{server.port}")
    yield opened
    opened.close()


def test_a_user_registers_a_passkey_and_signs_in_without_a_password(
    page: Page, server: DoorkeepProcess, admin: Admin
) -> None:
    base = f"http://localhost:{server.port}"
    admin.bind_passwordless_flow()
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})

    def label(dialog: Dialog) -> None:
        dialog.accept("My passkey")  # the page asks for the passkey's label (window.prompt)

    page.on("dialog", label)
    signing_in = f"{base}/realms/demo/account/account-security/signing-in"
    page.goto(signing_in)
    username_page(page)
    page.wait_for_selector("#registerWebAuthn", timeout=15000)  # webauthn-register-passwordless
    page.click("#registerWebAuthn")
    expect(page.get_by_role("heading", name="Signing in", level=1)).to_be_visible(timeout=15000)
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": added["authenticatorId"]})
    [credential] = stored["credentials"]
    assert credential["isResidentCredential"] and credential["userHandle"]
    assert "webauthn-passwordless" in admin.credential_types("user1")

    page.get_by_role("button", name="Sign out").click()
    page.goto(signing_in)
    username_page(page)
    page.wait_for_selector("#authenticateWebAuthnButton", timeout=15000)
    assert page.locator("#kc-webauthn-authenticators").count() == 0  # passkeys are not listed
    page.click("#authenticateWebAuthnButton")
    expect(page.get_by_role("heading", name="Signing in", level=1)).to_be_visible(timeout=15000)
    after = cdp.send("WebAuthn.getCredentials", {"authenticatorId": added["authenticatorId"]})
    assert after["credentials"][0]["signCount"] >= 1
