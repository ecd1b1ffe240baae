"""Realm settings → Client policies of the Admin Console in headless Chromium against a real Doorkeep server: an
administrator creates a profile, gives it the PKCE executor from its form, creates a policy applying it to public
clients, then disables the policy; the Admin REST API answers what was saved. Screenshots go to
``admin_console_support.OUTPUT``."""

from __future__ import annotations

import pytest
import requests
from admin_console_support import master_token, shot, sign_in
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.interop]


def test_an_administrator_builds_a_pkce_profile_and_a_policy_for_public_clients(server: str, page: Page) -> None:
    sign_in(page, server, "demo", "realmadmin")
    page.get_by_role("link", name="Realm settings").click()
    page.get_by_role("link", name="Client policies").click()
    expect(page.get_by_role("link", name="fapi-1-baseline")).to_be_visible()
    page.get_by_role("link", name="Create client profile").click()
    page.get_by_label("Name").fill("pkce-s256")
    page.get_by_label("Description").fill("S256 PKCE everywhere")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("status")).to_contain_text("New client profile created")
    page.get_by_label("Add executor").select_option("pkce-enforcer")
    page.get_by_role("button", name="Add executor").click()
    page.get_by_label("Auto-configure").check()
    shot(page, "50-client-profile-executor")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Executor added")
    page.get_by_role("link", name="Policies", exact=True).click()
    page.get_by_role("link", name="Create client policy").click()
    page.get_by_label("Name").fill("public clients")
    page.get_by_label("pkce-s256").check()
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("status")).to_contain_text("New client policy created")
    page.get_by_label("Add condition").select_option("client-access-type")
    page.get_by_role("button", name="Add condition").click()
    page.get_by_label("confidential").uncheck()
    page.get_by_label("public", exact=True).check()
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Condition added")
    shot(page, "51-client-policy")
    rest = f"{server}/admin/realms/demo/client-policies"
    (profile,) = requests.get(f"{rest}/profiles", headers=master_token(server), timeout=10).json()["profiles"]
    assert profile["executors"] == [{"executor": "pkce-enforcer", "configuration": {"auto-configure": True}}]
    (policy,) = requests.get(f"{rest}/policies", headers=master_token(server), timeout=10).json()["policies"]
    assert policy["profiles"] == ["pkce-s256"] and policy["conditions"][0]["configuration"]["type"] == ["public"]
    page.get_by_role("link", name="Policies", exact=True).click()
    page.get_by_role("button", name="Disable public clients").click()
    expect(page.get_by_role("status")).to_contain_text("Client policy updated")
    (policy,) = requests.get(f"{rest}/policies", headers=master_token(server), timeout=10).json()["policies"]
    assert policy["enabled"] is False
