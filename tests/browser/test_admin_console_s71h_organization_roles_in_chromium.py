"""An organization's Roles tab in headless Chromium against a real Doorkeep server (Keycloak's organization roles,
its main branch after 26.8.0): an administrator creates a role, nests a realm role in it, gives it to a member,
sees it on the member's role mapping with the default role inherited, and deletes it after confirming; the Admin
REST API then answers what was saved. A role named like markup shows as text. Every page visited is saved as a
screenshot (``admin_console_support.OUTPUT``).
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from admin_console_support import master_token, shot, sign_in
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.interop]
REALM = "/admin/realms/demo"
XSS = "<img src=x onerror=window.__pwned=1>"


def _rest(server: str, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(method, f"{server}{REALM}{path}", json=body, headers=master_token(server), timeout=10)


@pytest.fixture(scope="module")
def org(server: str) -> str:
    """Organizations on in the demo realm, ``Roles Co`` (alias ``rolesco``) with ``nobody`` as its member, and a
    realm role ``reader``; the organization's id."""
    assert _rest(server, "PUT", "", {"organizationsEnabled": True}).status_code == 204
    made = _rest(
        server,
        "POST",
        "/organizations",
        {"name": "Roles Co", "alias": "rolesco", "domains": [{"name": "rolesco.test"}]},
    )
    assert made.status_code == 201, made.text
    org_id = made.headers["location"].rsplit("/", 1)[1]
    [user] = _rest(server, "GET", "/users?username=nobody&exact=true").json()
    assert _rest(server, "POST", f"/organizations/{org_id}/members", user["id"]).status_code == 201
    assert _rest(server, "POST", "/roles", {"name": "reader", "description": "Reads"}).status_code == 201
    return org_id


def test_an_administrator_creates_nests_grants_and_deletes_an_organization_role(
    server: str, org: str, page: Page
) -> None:
    sign_in(page, server, "demo", "realmadmin")
    page.get_by_role("link", name="Organizations").click()
    page.get_by_role("link", name="Roles Co").click()
    page.get_by_role("link", name="Roles", exact=True).click()
    expect(page.get_by_role("row").filter(has_text="default-roles-org-rolesco")).to_contain_text("Default")
    expect(page.get_by_role("button", name="Delete default-roles-org-rolesco")).to_have_count(0)
    page.get_by_role("link", name="Create role").click()
    page.get_by_label("Role name *").fill("editor")
    page.get_by_label("Description").fill("Edits the catalogue")
    shot(page, "s71h-01-create-organization-role")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Role created")

    page.get_by_role("link", name="Associated roles").click()
    page.get_by_role("link", name="Add associated roles").click()
    page.get_by_role("link", name="Realm roles").click()
    expect(page.get_by_text("realm-admin")).to_have_count(0)
    page.get_by_label("Add reader").check()
    shot(page, "s71h-02-add-associated-roles")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_contain_text("Associated roles have been added")
    expect(page.get_by_role("row").filter(has_text="reader")).to_contain_text("Realm role")

    page.get_by_role("link", name="Users in role").click()
    page.get_by_role("link", name="Add users").click()
    page.get_by_label("Add nobody").check()
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_contain_text("Role editor given to nobody.")
    expect(page.get_by_role("row").filter(has_text="nobody")).to_be_visible()
    shot(page, "s71h-03-users-in-role")

    page.get_by_role("link", name="Members", exact=True).click()
    page.get_by_role("link", name="Role mapping of nobody").click()
    expect(page.get_by_role("row").filter(has_text="editor")).to_contain_text("False")
    page.get_by_label("Show inherited roles").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("row").filter(has_text="default-roles-org-rolesco")).to_contain_text("True")
    shot(page, "s71h-04-member-role-mapping")

    h = master_token(server)
    roles = requests.get(f"{server}{REALM}/organizations/{org}/roles", headers=h, timeout=10).json()
    editor = next(r for r in roles if r["name"] == "editor")
    assert (editor["description"], editor["composite"]) == ("Edits the catalogue", True)
    users = requests.get(f"{server}{REALM}/organizations/{org}/roles/{editor['id']}/users", headers=h, timeout=10)
    assert [u["username"] for u in users.json()] == ["nobody"]

    page.get_by_role("link", name="Roles", exact=True).click()
    page.get_by_role("button", name="Delete editor").click()
    expect(page.get_by_text("Delete the role editor of the organization Roles Co?")).to_be_visible()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The role has been deleted")
    left = requests.get(f"{server}{REALM}/organizations/{org}/roles", headers=h, timeout=10).json()
    assert [r["name"] for r in left] == ["default-roles-org-rolesco"]


def test_a_role_named_like_markup_is_shown_as_text(server: str, org: str, page: Page) -> None:
    made = _rest(server, "POST", f"/organizations/{org}/roles", {"name": XSS, "description": XSS})
    assert made.status_code == 201, made.text
    role_id = made.headers["location"].rsplit("/", 1)[1]
    sign_in(page, server, "demo", "realmadmin")
    page.goto(f"{server}/admin/demo/console/demo/organizations/{org}/roles")
    expect(page.get_by_role("link", name=XSS)).to_be_visible()
    page.get_by_role("link", name=XSS).click()
    expect(page.get_by_role("heading", name=XSS)).to_be_visible()
    shot(page, "s71h-05-markup-role-name")
    assert page.evaluate("() => window.__pwned === undefined")
    assert page.locator("img[src=x]").count() == 0
    assert _rest(server, "DELETE", f"/organizations/{org}/roles/{role_id}").status_code == 204
