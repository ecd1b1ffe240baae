"""The Admin Console's Identity providers page and WebAuthn policy tab in headless Chromium against a real Doorkeep
server: an administrator adds an OpenID Connect provider and a mapper of it, disables and deletes the provider,
and saves the Webauthn Policy and the passkeys mediation of the Webauthn Passwordless Policy; the Admin REST API
then answers what was saved.

Every page visited is saved as a screenshot into the test output folder (``admin_console_support.OUTPUT``).
"""

from __future__ import annotations

import pytest
import requests
from admin_console_support import master_token, shot, sign_in
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.interop]


def test_an_administrator_adds_a_provider_and_a_mapper_then_disables_and_deletes_it(server: str, page: Page) -> None:
    sign_in(page, server, "demo", "realmadmin")
    page.get_by_role("link", name="Identity providers").click()
    page.get_by_role("link", name="Add OpenID Connect provider").click()
    page.get_by_label("Alias *").fill("corp")
    page.get_by_label("Display name").fill("Corp SSO")
    page.get_by_label("Authorization URL").fill("http://localhost/auth")
    page.get_by_label("Token URL").fill("http://localhost/token")
    page.get_by_label("Client ID").fill("demo-broker")
    page.get_by_label("Client Secret").fill("broker-secret")
    shot(page, "40-add-identity-provider")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Identity provider corp added.")
    page.get_by_role("link", name="Mappers").click()
    page.get_by_role("link", name="Hardcoded Attribute").click()
    page.get_by_label("Name *").fill("dept")
    page.get_by_label("User Attribute", exact=True).fill("department")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Mapper dept added.")
    expect(page.get_by_role("row").filter(has_text="dept")).to_contain_text("Hardcoded Attribute")
    shot(page, "41-identity-provider-mappers")
    rest = f"{server}/admin/realms/demo/identity-provider/instances/corp"
    mappers = requests.get(f"{rest}/mappers", headers=master_token(server), timeout=10).json()
    assert [(m["name"], m["config"]["attribute"]) for m in mappers] == [("dept", "department")]
    page.get_by_role("link", name="Identity providers").click()
    page.get_by_role("button", name="Disable corp").click()
    expect(page.get_by_role("status")).to_contain_text("Identity provider corp disabled.")
    assert requests.get(rest, headers=master_token(server), timeout=10).json()["enabled"] is False
    page.get_by_role("button", name="Delete corp").click()
    expect(page.get_by_text("Delete the identity provider corp?")).to_be_visible()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("status")).to_contain_text("Identity provider corp deleted.")
    assert requests.get(rest, headers=master_token(server), timeout=10).status_code == 404


def test_an_administrator_saves_the_webauthn_policy(server: str, page: Page) -> None:
    sign_in(page, server, "demo", "realmadmin")
    page.get_by_role("link", name="Authentication").click()
    page.get_by_role("link", name="Webauthn Policy", exact=True).click()
    page.get_by_label("Relying party entity name *").fill("Demo portal")
    page.get_by_label("ES384").check()
    page.get_by_label("User verification requirement").select_option("required")
    shot(page, "42-webauthn-policy")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Updated webauthn policies successfully")
    realm = requests.get(f"{server}/admin/realms/demo", headers=master_token(server), timeout=10).json()
    assert realm["webAuthnPolicyRpEntityName"] == "Demo portal"
    assert realm["webAuthnPolicySignatureAlgorithms"] == ["ES256", "ES384", "RS256"]
    assert realm["webAuthnPolicyUserVerificationRequirement"] == "required"


def test_an_administrator_sets_the_passkeys_mediation(server: str, page: Page) -> None:
    sign_in(page, server, "demo", "realmadmin")
    page.get_by_role("link", name="Authentication").click()
    page.get_by_role("link", name="Webauthn Passwordless Policy", exact=True).click()
    expect(page.get_by_label("Passkeys mediation")).to_have_value("conditional")
    page.get_by_label("Passkeys mediation").select_option("optional")
    shot(page, "43-webauthn-passwordless-policy")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Updated webauthn policies successfully")
    expect(page.get_by_label("Passkeys mediation")).to_have_value("optional")
    realm = requests.get(f"{server}/admin/realms/demo", headers=master_token(server), timeout=10).json()
    assert realm["webAuthnPolicyPasswordlessMediation"] == "optional"
