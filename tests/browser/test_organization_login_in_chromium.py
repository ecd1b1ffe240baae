"""Organization identity-first login in headless Chromium against a real ``doorkeep start-dev``: in the demo realm
with an organization owning ``acme.org`` and the upstream provider (realm ``upstream`` of the same server) linked to
it, bound to that domain and set to redirect when the e-mail matches, the login asks for the username alone; the
address typed leads to the upstream login with that address filled in (``login_hint``); back from it, the review
refuses an e-mail of another domain, and the new user is the organization's member of the link's type (MANAGED)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from signing_in_support import demo_admin, demo_browser
from test_account_linked_accounts_in_chromium import ALIAS, upstream

pytestmark = [pytest.mark.browser, pytest.mark.interop]


def test_an_address_of_the_organization_s_domain_signs_in_through_its_provider(tmp_path: Path) -> None:
    with demo_browser(tmp_path) as demo, demo_admin(demo.server) as admin:
        base = f"http://localhost:{demo.server.port}"
        upstream(admin, base)
        admin.call("PUT", "", {"organizationsEnabled": True}, 204)
        made = admin.call(
            "POST", "/organizations", {"name": "Acme", "alias": "acme", "domains": [{"name": "acme.org"}]}, 201
        )
        org = made.headers["location"].rsplit("/", 1)[1]
        admin.call("POST", f"/organizations/{org}/identity-providers", ALIAS, 204)
        managed = {"autoMembership": True, "membershipType": "MANAGED"}  # Keycloak 26.8: a new link is UNMANAGED
        admin.call("PUT", f"/organizations/{org}/identity-providers/{ALIAS}", managed, 204)
        provider = admin.call("GET", f"/identity-provider/instances/{ALIAS}", None, 200).json()
        modes = {"kc.org.domain": "acme.org", "kc.org.broker.redirect.mode.email-matches": "true", "loginHint": "true"}
        provider["config"].update(modes)
        admin.call("PUT", f"/identity-provider/instances/{ALIAS}", provider, 204)
        page = demo.page
        page.goto(f"{base}/realms/demo/account/")
        page.wait_for_selector("#username", timeout=15000)
        expect(page.locator("#password")).to_have_count(0)
        page.fill("#username", "alice@acme.org")
        page.click("#kc-login")
        page.wait_for_url(f"{base}/realms/upstream/**", timeout=15000)
        expect(page.locator("#username")).to_have_value("alice@acme.org")
        page.fill("#username", "alice")
        page.fill("#password", "password")
        page.click("#kc-login")
        page.wait_for_selector("#kc-idp-review-profile-form", timeout=15000)  # alice@example.org is not acme.org's
        page.click("#kc-submit")
        expect(page.get_by_text("Email domain does not match any domain from the organization")).to_be_visible()
        page.fill("#email", "alice@acme.org")
        page.click("#kc-submit")
        page.wait_for_url(f"{base}/realms/demo/account/**", timeout=15000)
        members = admin.call("GET", f"/organizations/{org}/members", None, 200).json()
        assert [(m["username"], m["email"], m["membershipType"]) for m in members] == [
            ("alice", "alice@acme.org", "MANAGED")
        ]
