"""The Admin Console's Organizations section in headless Chromium against a real Doorkeep server: an administrator
creates an organization, adds a realm user as a member and gives it an attribute; the Admin REST API then answers
what was saved. Every page visited is saved as a screenshot (``admin_console_support.OUTPUT``).
"""

from __future__ import annotations

import pytest
import requests
from admin_console_support import master_token, shot, sign_in
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.interop]


@pytest.fixture(scope="module")
def server(server: str) -> str:
    """The console test server (conftest.py) with organizations switched on in the demo realm."""
    on = requests.put(
        f"{server}/admin/realms/demo", json={"organizationsEnabled": True}, headers=master_token(server), timeout=10
    )
    assert on.status_code == 204, on.text
    return server


def test_an_administrator_creates_an_organization_adds_a_member_and_an_attribute(server: str, page: Page) -> None:
    sign_in(page, server, "demo", "realmadmin")
    page.get_by_role("link", name="Organizations").click()
    page.get_by_role("link", name="Create organization").click()
    page.get_by_label("Name *").fill("Acme Inc")
    page.get_by_label("Alias").fill("acme")
    page.get_by_label("Domains").fill("acme.example\nacme.test")
    shot(page, "60-create-organization")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Organization Acme Inc created.")
    page.get_by_role("link", name="Members").click()
    page.get_by_role("link", name="Add realm users").click()
    page.get_by_label("Add viewer").check()
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Added to Acme Inc: viewer.")
    expect(page.get_by_role("row").filter(has_text="viewer")).to_contain_text("Unmanaged")
    shot(page, "61-organization-members")
    page.get_by_role("link", name="Attributes").click()
    page.get_by_label("Key 1").fill("tier")
    page.get_by_label("Value 1").fill("gold")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("The attributes have been saved.")
    h = master_token(server)
    [org] = requests.get(
        f"{server}/admin/realms/demo/organizations?briefRepresentation=false", headers=h, timeout=10
    ).json()
    assert (org["alias"], sorted(d["name"] for d in org["domains"]), org["attributes"]) == (
        "acme",
        ["acme.example", "acme.test"],
        {"tier": ["gold"]},
    )
    members = requests.get(f"{server}/admin/realms/demo/organizations/{org['id']}/members", headers=h, timeout=10)
    assert [m["username"] for m in members.json()] == ["viewer"]


def test_an_administrator_reads_an_organization_s_groups_tab(server: str, page: Page) -> None:
    """The Groups tab (Keycloak 26.6) shows the tree the Admin REST made, with member counts, and searches it."""
    h = master_token(server)
    rest = f"{server}/admin/realms/demo/organizations"
    made = requests.post(rest, json={"name": "Beta", "domains": [{"name": "beta.example"}]}, headers=h, timeout=10)
    assert made.status_code == 201, made.text
    org = made.headers["location"].rsplit("/", 1)[1]
    top = requests.post(f"{rest}/{org}/groups", json={"name": "engineering"}, headers=h, timeout=10).json()["id"]
    child = requests.post(f"{rest}/{org}/groups/{top}/children", json={"name": "backend"}, headers=h, timeout=10)
    assert child.status_code == 201, child.text
    sign_in(page, server, "demo", "realmadmin")
    page.get_by_role("link", name="Organizations").click()
    page.get_by_role("link", name="Beta", exact=True).click()
    page.get_by_role("link", name="Groups", exact=True).click()
    expect(page.get_by_role("row").filter(has_text="/engineering/backend")).to_contain_text("backend")
    shot(page, "62-organization-groups")
    page.get_by_label("Search groups").fill("engin")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("row").filter(has_text="/engineering")).to_have_count(1)
