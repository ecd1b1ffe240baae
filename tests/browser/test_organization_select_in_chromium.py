"""The organization-select page in headless Chromium against a real ``doorkeep start-dev``: in the demo realm, user1
a member of ``acme`` and ``beta`` asks for the ``organization`` scope, types the username, picks Beta on
select-organization.ftl, signs in with the password, and the access token's ``organization`` claim names beta."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect
from signing_in_support import demo_admin, demo_browser

from support import claims

pytestmark = [pytest.mark.browser, pytest.mark.interop]


def test_a_member_of_two_organizations_picks_one_and_the_token_names_it(tmp_path: Path) -> None:
    with demo_browser(tmp_path) as demo, demo_admin(demo.server) as admin:
        base = f"http://localhost:{demo.server.port}"
        back = f"{base}/realms/demo/.well-known/openid-configuration"
        admin.call("PUT", "", {"organizationsEnabled": True}, 204)
        [user1] = admin.call("GET", "/users?username=user1&exact=true", None, 200).json()
        for name in ("Acme", "Beta"):
            body = {"name": name, "alias": name.lower(), "domains": [{"name": f"{name.lower()}.org"}]}
            org = admin.call("POST", "/organizations", body, 201).headers["location"].rsplit("/", 1)[1]
            joined = admin.http.post(
                f"/admin/realms/demo/organizations/{org}/members", content=user1["id"], headers=admin.headers
            )
            assert joined.status_code == 201, joined.text
        client = {"clientId": "orgs-app", "secret": "orgs-secret", "redirectUris": [back], "publicClient": False}
        admin.call("POST", "/clients", client, 201)
        query = {"client_id": "orgs-app", "redirect_uri": back, "response_type": "code", "scope": "openid organization"}
        page = demo.page
        page.goto(f"{base}/realms/demo/protocol/openid-connect/auth?{urlencode(query)}")
        page.wait_for_selector("#username", timeout=15000)
        page.fill("#username", "user1")
        page.click("#kc-login")
        expect(page.get_by_text("Select an organization to proceed:")).to_be_visible(timeout=15000)
        expect(page.locator("#organization-acme")).to_have_text("Acme")
        page.click("#organization-beta")
        page.wait_for_selector("#password", timeout=15000)
        page.fill("#password", "password")
        page.click("#kc-login")
        page.wait_for_url(f"{back}?**", timeout=15000)
        code = parse_qs(urlsplit(page.url).query)["code"][0]
        exchange = {"grant_type": "authorization_code", "code": code, "redirect_uri": back}
        token = admin.http.post(
            "/realms/demo/protocol/openid-connect/token",
            data={**exchange, "client_id": "orgs-app", "client_secret": "orgs-secret"},
        )
        assert token.status_code == 200, token.text
        assert claims(token.json()["access_token"])["organization"] == ["beta"]
