"""Shared set-up of the Chromium sign-in tests (a security key, a passkey, an authenticator app): a real
``doorkeep start-dev`` process with the demo realm, its sign-in pages filled in, Chrome's virtual authenticator
(the DevTools protocol's WebAuthn domain) and the realm's Admin REST API binding a browser flow."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from chromium_support import chromium_page
from playwright.sync_api import CDPSession, Dialog, Page, expect

from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DoorkeepProcess

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo-realm.json"
# Passkeys on the demo realm's login form, with a passwordless policy asking for a resident key and user verification
PASSKEYS = {
    "webAuthnPolicyPasswordlessRpEntityName": "keycloak",  # an update rebuilds the policy only when naming it
    "webAuthnPolicyPasswordlessPasskeysEnabled": True,
    "webAuthnPolicyPasswordlessRequireResidentKey": "Yes",
    "webAuthnPolicyPasswordlessUserVerificationRequirement": "required",
}
# A browser without conditional mediation: the login form's autofill request never starts (the virtual
# authenticator would answer it at once, as a user picking the passkey from the autofill)
NO_AUTOFILL = "PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);"


@contextmanager
def demo_server(tmp_path: Path) -> Iterator[DoorkeepProcess]:
    """A server with the demo realm (examples/demo-realm.json) imported at start, stopped after."""
    (tmp_path / "demo-realm.json").write_text(json.dumps(json.loads(DEMO.read_text())))
    process = DoorkeepProcess(tmp_path / "server", import_realms=[tmp_path / "demo-realm.json"])
    process.start()
    try:
        yield process
    finally:
        process.stop()


@dataclass(frozen=True)
class DemoBrowser:
    """The demo server and a page of a fresh Chromium (1100×800)."""

    server: DoorkeepProcess
    page: Page

    @property
    def signing_in(self) -> str:
        """The account console's Signing in page, on ``localhost`` (a secure context, and a host Chrome takes as
        a WebAuthn Relying Party id, where it refuses an IP address)."""
        return f"http://localhost:{self.server.port}/realms/demo/account/account-security/signing-in"


@contextmanager
def demo_browser(tmp_path: Path) -> Iterator[DemoBrowser]:
    with demo_server(tmp_path) as server, chromium_page(1100, 800) as page:
        yield DemoBrowser(server, page)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoBrowser]:
    """The demo server and a Chromium page for a test."""
    with demo_browser(tmp_path) as opened:
        yield opened


def password_form(page: Page) -> None:
    """user1's username and password on the login form."""
    page.wait_for_selector("#username", timeout=15000)
    page.fill("#username", "user1")
    page.fill("#password", "password")
    page.click("#kc-login")


def sign_out(page: Page) -> None:
    """The Account Console's "Sign out", waited for until the login form is back: a ``goto`` right after the click
    would cancel the logout's navigation and find the session still signed in."""
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_selector("#username", timeout=15000)


def virtual_authenticator(page: Page, label: str, **options: Any) -> tuple[CDPSession, str]:
    """Chrome's virtual authenticator (CTAP2, user verification on and given, then ``options``) on the page, which
    answers the registration's label prompt (window.prompt) with ``label``; the DevTools session and the
    authenticator's id, to read its credentials with ``WebAuthn.getCredentials``."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    chosen = {"protocol": "ctap2", "hasUserVerification": True, "isUserVerified": True, **options}
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": chosen})

    def name_it(dialog: Dialog) -> None:
        dialog.accept(label)

    page.on("dialog", name_it)
    return cdp, str(added["authenticatorId"])


def credentials(cdp: CDPSession, authenticator: str) -> list[dict[str, Any]]:
    """The credentials the virtual authenticator holds."""
    found: list[dict[str, Any]] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    return found


class DemoAdmin:
    """The Admin REST API of realm ``demo``, as the master realm's admin."""

    def __init__(self, server: DoorkeepProcess) -> None:
        self.http = httpx.Client(base_url=f"http://localhost:{server.port}", timeout=15)
        login = {"grant_type": "password", "client_id": "admin-cli", "username": ADMIN_USERNAME}
        token = self.http.post(
            "/realms/master/protocol/openid-connect/token", data={**login, "password": ADMIN_PASSWORD}
        ).json()["access_token"]
        self.headers = {"Authorization": f"Bearer {token}"}

    def close(self) -> None:
        self.http.close()

    def call(self, method: str, path: str, body: Any, status: int) -> httpx.Response:
        response = self.http.request(method, f"/admin/realms/demo{path}", json=body, headers=self.headers)
        assert response.status_code == status, (path, response.status_code, response.text)
        return response

    def add(self, flow: str, body: dict[str, str], requirement: str, kind: str = "execution") -> None:
        """An execution (or a sub-flow) added to ``flow`` with ``requirement``."""
        auth = "/authentication"
        self.call("POST", f"{auth}/flows/{quote(flow)}/executions/{kind}", body, 201)
        rows = self.call("GET", f"{auth}/flows/{quote(flow)}/executions", None, 200).json()
        row = [r for r in rows if r.get("providerId") == body.get("provider") or r["displayName"] == body.get("alias")]
        self.call("PUT", f"{auth}/flows/{quote(flow)}/executions", {**row[-1], "requirement": requirement}, 202)

    def bind_browser_flow(self, alias: str, steps: list[str], **realm: str) -> None:
        """A browser flow ``alias``: Cookie, else the sub-flow ``{alias} forms`` of ``steps`` (providers), each
        REQUIRED; bound as the realm's browser flow, with the ``realm`` settings given."""
        flow = {"alias": alias, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": alias}
        self.call("POST", "/authentication/flows", flow, 201)
        self.add(alias, {"provider": "auth-cookie"}, "ALTERNATIVE")
        forms = {"alias": f"{alias} forms", "type": "basic-flow", "provider": "registration-page-form"}
        self.add(alias, {**forms, "description": ""}, "ALTERNATIVE", "flow")
        for provider in steps:
            self.add(f"{alias} forms", {"provider": provider}, "REQUIRED")
        self.call("PUT", "", {"browserFlow": alias, **realm}, 204)

    def credential_types(self, username: str) -> list[str]:
        [user] = self.call("GET", f"/users?username={username}&exact=true", None, 200).json()
        return [c["type"] for c in self.call("GET", f"/users/{user['id']}/credentials", None, 200).json()]


@contextmanager
def demo_admin(server: DoorkeepProcess) -> Iterator[DemoAdmin]:
    admin = DemoAdmin(server)
    try:
        yield admin
    finally:
        admin.close()


@pytest.fixture
def admin(demo: DemoBrowser) -> Iterator[DemoAdmin]:
    """The demo server's admin API, for a test (a test module takes it as ``admin = signing_in_support.admin``)."""
    with demo_admin(demo.server) as opened:
        yield opened


def signed_in(page: Page) -> None:
    expect(page.get_by_role("heading", name="Signing in", level=1)).to_be_visible(timeout=15000)


def register_passkey(demo: DemoBrowser, admin: DemoAdmin, **policy: Any) -> None:
    """Passkeys on (with ``policy``'s other fields); user1 given webauthn-register-passwordless, signed in with the
    password, the passkey registered; then the browser forgets the session (its cookies cleared on a blank page).
    Not the console's "Sign out": the login form it returns to would start a conditional request that the virtual
    authenticator answers at once, signing user1 back in before the test looks."""
    admin.call("PUT", "", {**PASSKEYS, **policy}, 204)
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
