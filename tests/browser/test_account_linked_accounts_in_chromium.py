"""Account Console → Linked accounts in headless Chromium against a real ``doorkeep start-dev``: user1 of the demo
realm links their account to an upstream OpenID Connect provider (realm ``upstream`` of the same server, whose
user ``alice`` signs in there), comes back to the page with the provider linked, then unlinks it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from signing_in_support import DemoAdmin, demo_admin, demo_browser, password_form

pytestmark = [pytest.mark.browser, pytest.mark.interop]
ALIAS = "upstream"


def upstream(admin: DemoAdmin, base: str) -> None:
    """Realm ``upstream`` (client ``demo-broker``, user ``alice``) and demo's provider of it."""
    endpoint = f"{base}/realms/demo/broker/{ALIAS}/endpoint"
    realm = {
        "realm": "upstream",
        "enabled": True,
        "clients": [{"clientId": "demo-broker", "secret": "broker-secret", "redirectUris": [endpoint]}],
        "users": [
            {
                "username": "alice",
                "enabled": True,
                "email": "alice@example.org",
                "firstName": "Alice",
                "lastName": "Upstream",
                "credentials": [{"type": "password", "value": "password", "temporary": False}],
            }
        ],
    }
    created = admin.http.post("/admin/realms", json=realm, headers=admin.headers)
    assert created.status_code == 201, created.text
    oidc = f"{base}/realms/upstream/protocol/openid-connect"
    config = {
        "clientId": "demo-broker",
        "clientSecret": "broker-secret",
        "clientAuthMethod": "client_secret_post",
        "authorizationUrl": f"{oidc}/auth",
        "tokenUrl": f"{oidc}/token",
        "jwksUrl": f"{oidc}/certs",
        "issuer": f"{base}/realms/upstream",
        "validateSignature": "true",
        "useJwksUrl": "true",
        "syncMode": "IMPORT",
    }
    rep = {"alias": ALIAS, "displayName": "Upstream Corp", "providerId": "keycloak-oidc", "config": config}
    admin.call("POST", "/identity-provider/instances", rep, 201)


def test_a_user_links_an_upstream_provider_from_the_account_console_and_unlinks_it(tmp_path: Path) -> None:
    with demo_browser(tmp_path) as demo, demo_admin(demo.server) as admin:
        base = f"http://localhost:{demo.server.port}"
        upstream(admin, base)
        page = demo.page
        page.goto(f"{base}/realms/demo/account/account-security/linked-accounts")
        password_form(page)
        expect(page.get_by_role("heading", name="Unlinked login providers")).to_be_visible()
        expect(page.locator("#upstream-idp-name")).to_have_text("Upstream Corp")
        page.locator("#upstream-idp-link").click()
        expect(page.locator("#kc-link-text")).to_contain_text("Do you want to link your account with Upstream Corp?")
        page.locator("#kc-continue").click()
        page.wait_for_url(f"{base}/realms/upstream/**", timeout=15000)
        page.wait_for_selector("#username", timeout=15000)
        page.fill("#username", "alice")
        page.fill("#password", "password")
        page.click("#kc-login")
        page.wait_for_url("**/account-security/linked-accounts", timeout=15000)
        expect(page.get_by_role("status")).to_contain_text("Account linked.")
        expect(page.locator("#linked-idps #upstream-idp-username")).to_have_text("alice")
        [user] = admin.call("GET", "/users?username=user1&exact=true", None, 200).json()
        links = admin.call("GET", f"/users/{user['id']}/federated-identity", None, 200).json()
        assert [(link["identityProvider"], link["userName"]) for link in links] == [(ALIAS, "alice")]
        page.locator("#upstream-idp-unlink").click()
        expect(page.get_by_text("Unlink your account from upstream?")).to_be_visible()
        page.get_by_role("button", name="Unlink account").click()
        page.wait_for_url("**/account-security/linked-accounts", timeout=15000)
        expect(page.get_by_role("status")).to_contain_text("Successfully unlinked account")
        expect(page.locator("#unlinked-idps #upstream-idp-link")).to_be_visible()
        assert admin.call("GET", f"/users/{user['id']}/federated-identity", None, 200).json() == []
