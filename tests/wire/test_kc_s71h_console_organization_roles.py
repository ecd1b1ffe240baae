"""An organization's Roles tab and a member's organization role mapping in Doorkeep's Admin Console, over HTTP
against the real app, as Keycloak's admin UI offers them (its main branch after 26.8.0: OrganizationRoles,
CreateOrganizationRoleModal, OrganizationRoleDetails, OrganizationRoleComposites, OrganizationRoleUsers,
OrganizationRoleMapping). What each page wrote is read back through the Admin REST
(``organizations/{id}/roles…``) and the admin events it recorded are those of the REST calls."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from admin_support import admin_events, enable_admin_events, make_admin
from console_support import HTML, post_pairs, sign_in
from org_groups import member, organization
from org_roles import call, client_with_role, ids, org_role, realm_role
from support import seed_user
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
ORGS = "/admin/test/console/test/organizations"
XSS = "<img src=x onerror=alert(1)>"


def _names(page: httpx.Response, table: str) -> list[str]:
    """The first column of a table of the page (the role or user names)."""
    body = page.text.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<td data-label="(?:Name|Role name|Username)">(.*?)</td>', body, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def _done(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text[:500]
    return str(response.headers["location"])


async def _roles(env: Env, org: str) -> dict[str, dict[str, Any]]:
    _, found = await call(env, "GET", f"{org}/roles", briefRepresentation="false")
    return {r["name"]: r for r in found}


async def test_roles_tab_lists_searches_and_pages_with_the_default_role_protected(realm: Env) -> None:
    """OrganizationRoles: the roles with description and composite flag (search, paging), the default role
    ``default-roles-<alias>`` listed without a Delete button, and deleting it refused as the REST call refuses it."""
    env = realm
    org = await organization(env, "acme")
    for n in range(12):
        await org_role(env, org, f"role-{n:02d}")
    async with client_at(env, "127.0.0.2") as http:
        await make_admin(env, "test", "boss", "realm-admin")
        await sign_in(http, "/admin/test/console/", "boss")
        tab = await http.get(f"{ORGS}/{org}/roles", params={"max": "10"}, headers=HTML)
        assert tab.status_code == 200, tab.text
        shown = _names(tab, "organization-roles")
        assert shown[0] == "default-roles-org-acme Default" and len(shown) == 10 and "Next page" in tab.text
        assert "Delete default-roles-org-acme" not in tab.text and 'aria-label="Delete role-00"' in tab.text
        second = await http.get(f"{ORGS}/{org}/roles", params={"max": "10", "first": "10"}, headers=HTML)
        assert _names(second, "organization-roles") == ["role-09", "role-10", "role-11"]
        searched = await http.get(f"{ORGS}/{org}/roles", params={"search": "ROLE-0"}, headers=HTML)
        assert len(_names(searched, "organization-roles")) == 10
        none = await http.get(f"{ORGS}/{org}/roles", params={"search": "nothing"}, headers=HTML)
        assert "No roles matching “nothing”." in none.text
        default = (await _roles(env, org))["default-roles-org-acme"]
        page = await http.get(f"{ORGS}/{org}/roles/{default['id']}/details", headers=HTML)
        assert "Delete role" not in page.text and 'name="name" value="default-roles-org-acme" readonly' in page.text
        assert ">Save<" not in page.text and 'maxlength="255" readonly' in page.text
        assert f"{default['id']}/users-in-role" not in page.text and f"{default['id']}/attributes" not in page.text
        assert f"{default['id']}/associated-roles" in page.text
        refused = await post_pairs(
            http, f"{ORGS}/{org}/roles/{default['id']}/delete", [("confirmed", "yes")], token_from=f"{ORGS}/{org}/roles"
        )
        assert (
            "is default role of the organization and cannot be removed."
            in (await http.get(_done(refused), headers=HTML)).text
        )
        renamed = await post_pairs(
            http,
            f"{ORGS}/{org}/roles/{default['id']}/details",
            [("name", "hijacked"), ("description", "all members")],
            token_from=f"{ORGS}/{org}/roles",
        )
        assert renamed.status_code == 400 and "its name and description stay as they are" in renamed.text
    after = await _roles(env, org)
    assert "default-roles-org-acme" in after and "hijacked" not in after
    assert after["default-roles-org-acme"]["description"] == "${role_default-roles}"


async def test_create_edit_attributes_and_delete_a_role_recording_the_rest_events(realm: Env) -> None:
    """CreateOrganizationRoleModal, OrganizationRoleDetails (name, description, attributes) and the delete with its
    confirm step; a blank or taken name is the form's error; every write the REST call's ORGANIZATION_ROLE event."""
    env = realm
    org = await organization(env, "acme")
    await enable_admin_events(env, clear=True)
    async with client_at(env, "127.0.0.2") as http:
        await make_admin(env, "test", "boss", "realm-admin")
        await sign_in(http, "/admin/test/console/", "boss")
        new = f"{ORGS}/{org}/roles/new"
        blank = await post_pairs(http, new, [("name", "  ")], token_from=new)
        assert blank.status_code == 400 and "role has no name" in blank.text
        long = await post_pairs(http, new, [("name", "wordy"), ("description", "x" * 256)], token_from=new)
        assert long.status_code == 400 and "Max length 255" in long.text
        made = await post_pairs(http, new, [("name", "editor"), ("description", "Edits")], token_from=new)
        location = _done(made)
        role_id = location.rsplit("/", 2)[1]
        taken = await post_pairs(http, new, [("name", "editor")], token_from=new)
        assert taken.status_code == 409 or "Role with name editor already exists" in taken.text
        details = f"{ORGS}/{org}/roles/{role_id}/details"
        saved = await post_pairs(http, details, [("name", "writer"), ("description", "Writes")], token_from=details)
        _done(saved)
        attrs = f"{ORGS}/{org}/roles/{role_id}/attributes"
        pairs = [("key", "tier"), ("value", "gold"), ("key", "tier"), ("value", "silver"), ("key", ""), ("value", "x")]
        _done(await post_pairs(http, attrs, pairs, token_from=attrs))
        _, stored = await call(env, "GET", f"{org}/roles/{role_id}")
        assert (stored["name"], stored["description"], stored["attributes"]) == (
            "writer",
            "Writes",
            {"tier": ["gold", "silver"]},
        )
        page = await http.get(details, headers=HTML)
        events_tab = (
            f"/admin/test/console/test/events/admin-events?resourcePath=organizations%2F{org}%2Froles%2F{role_id}"
        )
        assert f'href="{events_tab}"' in page.text
        shown = await http.get(events_tab, headers=HTML)
        types = re.findall(r'<td data-label="Resource type">([^<]*)</td>', shown.text)
        assert shown.status_code == 200 and types == ["ORGANIZATION_ROLE"] * 3  # create, two updates
        delete = f"{ORGS}/{org}/roles/{role_id}/delete"
        asked = await post_pairs(http, delete, [], token_from=details)
        assert asked.status_code == 200 and "Delete role?" in asked.text
        assert await ids(env, f"{org}/roles", search="writer")
        gone = await post_pairs(http, delete, [("confirmed", "yes")], token_from=details)
        assert _done(gone).endswith(f"/organizations/{org}/roles")
    assert "writer" not in await _roles(env, org)
    seen = [(e["operationType"], e["resourceType"], e["resourcePath"]) for e in await admin_events(env)]
    path = f"organizations/{org}/roles/{role_id}"
    assert seen == [
        ("DELETE", "ORGANIZATION_ROLE", path),
        ("UPDATE", "ORGANIZATION_ROLE", path),
        ("UPDATE", "ORGANIZATION_ROLE", path),
        ("CREATE", "ORGANIZATION_ROLE", path),
    ]


async def test_taken_name_is_the_forms_error(realm: Env) -> None:
    """organization.addRole's 409 ``Role with name … already exists``, shown on the name field; nothing made."""
    env = realm
    org = await organization(env, "acme")
    await org_role(env, org, "editor")
    async with client_at(env, "127.0.0.2") as http:
        await make_admin(env, "test", "boss", "realm-admin")
        await sign_in(http, "/admin/test/console/", "boss")
        new = f"{ORGS}/{org}/roles/new"
        taken = await post_pairs(http, new, [("name", "editor")], token_from=new)
        assert taken.status_code == 400 and "Role with name editor already exists" in taken.text
    assert len(await _roles(env, org)) == 2


async def test_associated_roles_add_realm_client_and_organization_roles_and_remove(realm: Env) -> None:
    """OrganizationRoleComposites: the available roles by source (organization, realm, client) without the role
    itself, the default role or an admin role; assign several, list them by kind, unassign one after confirming."""
    env = realm
    org = await organization(env, "acme")
    parent = await org_role(env, org, "parent")
    child = await org_role(env, org, "child")
    reader = await realm_role(env, "reader")
    _, api = await client_with_role(env, "api", "call")
    async with client_at(env, "127.0.0.2") as http:
        await make_admin(env, "test", "boss", "realm-admin")
        await sign_in(http, "/admin/test/console/", "boss")
        base = f"{ORGS}/{org}/roles/{parent['id']}/associated-roles"
        orgs = await http.get(f"{base}/add", params={"source": "organization"}, headers=HTML)
        assert _names(orgs, "available-composites") == ["child"]
        realms = await http.get(f"{base}/add", params={"source": "realm"}, headers=HTML)
        assert "reader" in _names(realms, "available-composites")
        assert "realm-admin" not in realms.text and "manage-users" not in realms.text
        clients = await http.get(f"{base}/add", params={"source": "client"}, headers=HTML)
        assert "call" in _names(clients, "available-composites") and "realm-admin" not in clients.text
        pairs = [("id", child["id"]), ("id", reader["id"]), ("id", api["id"])]
        _done(await post_pairs(http, f"{base}/add", pairs, token_from=base))
        listed = await http.get(base, headers=HTML)
        assert _names(listed, "composites") == ["child", "reader", "call"]
        assert "Organization role" in listed.text and "Client role (api)" in listed.text
        paged = await http.get(base, params={"max": "10", "first": "0"}, headers=HTML)
        assert _names(paged, "composites") == ["child", "reader", "call"] and "Next page" not in paged.text
        searched = await http.get(base, params={"search": "READ"}, headers=HTML)
        assert _names(searched, "composites") == ["reader"]
        asked = await post_pairs(http, f"{base}/{reader['id']}/remove", [], token_from=base)
        assert asked.status_code == 200 and "Remove associated role?" in asked.text
        _done(await post_pairs(http, f"{base}/{reader['id']}/remove", [("confirmed", "yes")], token_from=base))
    _, left = await call(env, "GET", f"{org}/roles/{parent['id']}/composites")
    assert sorted(r["name"] for r in left) == ["call", "child"]


async def test_associated_roles_refuse_what_the_rest_call_refuses(realm: Env) -> None:
    """A forged form: an admin role (realm-management/realm-admin), the default role, another organization's role,
    or a realm role from a manage-organizations admin without manage-realm: nothing is nested."""
    env = realm
    org = await organization(env, "acme")
    other = await organization(env, "beta")
    parent = await org_role(env, org, "parent")
    foreign = await org_role(env, other, "foreign")
    reader = await realm_role(env, "reader")
    h = await env.admin_headers()
    clients = (
        await env.http.get("/admin/realms/test/clients", params={"clientId": "realm-management"}, headers=h)
    ).json()
    admin_role = (
        await env.http.get(f"/admin/realms/test/clients/{clients[0]['id']}/roles/realm-admin", headers=h)
    ).json()
    default = (await _roles(env, org))["default-roles-org-acme"]
    async with client_at(env, "127.0.0.2") as http:
        await make_admin(env, "test", "boss", "realm-admin")
        await sign_in(http, "/admin/test/console/", "boss")
        base = f"{ORGS}/{org}/roles/{parent['id']}/associated-roles"
        for forged, message in (
            (admin_role["id"], "Organization roles can not have admin roles as composites"),
            (default["id"], "The default organization role cannot be added as a composite role"),
            (foreign["id"], "Organization roles can only be added as composites to other organization roles"),
        ):
            refused = await post_pairs(http, f"{base}/add", [("id", forged)], token_from=base)
            assert message in (await http.get(_done(refused), headers=HTML)).text
    async with client_at(env, "127.0.0.3") as http:
        await make_admin(env, "test", "org-boss", "manage-organizations")
        await sign_in(http, "/admin/test/console/", "org-boss")
        base = f"{ORGS}/{org}/roles/{parent['id']}/associated-roles"
        offered = await http.get(f"{base}/add", params={"source": "realm"}, headers=HTML)
        assert "reader" not in offered.text
        refused = await post_pairs(http, f"{base}/add", [("id", reader["id"])], token_from=base)
        assert refused.status_code == 403
    _, composites = await call(env, "GET", f"{org}/roles/{parent['id']}/composites")
    assert composites == []


async def test_users_in_role_members_only_and_the_mapping_events(realm: Env) -> None:
    """OrganizationRoleUsers: add members (only members are offered; a forged non-member is refused with
    ``Organization roles can only be assigned to members of the organization``), list them, remove one after
    confirming; ORGANIZATION_ROLE_MAPPING events at ``…/roles/{id}/users``."""
    env = realm
    org = await organization(env, "acme")
    role = await org_role(env, org, "editor")
    alice = await member(env, org, "alice")
    bob = await member(env, org, "bob")
    outsider = (await seed_user(env.db, env.clock, "test", "outsider")).id
    await enable_admin_events(env, clear=True)
    async with client_at(env, "127.0.0.2") as http:
        await make_admin(env, "test", "boss", "realm-admin")
        await sign_in(http, "/admin/test/console/", "boss")
        base = f"{ORGS}/{org}/roles/{role['id']}/users-in-role"
        offered = await http.get(f"{base}/add", headers=HTML)
        assert _names(offered, "candidates") == ["alice", "bob"] and "outsider" not in offered.text
        refused = await post_pairs(http, f"{base}/add", [("id", alice), ("id", outsider)], token_from=base)
        assert (
            "Organization roles can only be assigned to members of the organization"
            in (await http.get(_done(refused), headers=HTML)).text
        )
        assert await ids(env, f"{org}/roles/{role['id']}/users") == []
        _done(await post_pairs(http, f"{base}/add", [("id", alice), ("id", bob)], token_from=base))
        listed = await http.get(base, headers=HTML)
        assert _names(listed, "role-users") == ["alice", "bob"]
        again = await http.get(f"{base}/add", headers=HTML)
        assert "No member to add." in again.text
        _done(await post_pairs(http, f"{base}/{bob}/remove", [("confirmed", "yes")], token_from=base))
    assert await ids(env, f"{org}/roles/{role['id']}/users") == [alice]
    seen = [(e["operationType"], e["resourceType"], e["resourcePath"]) for e in await admin_events(env)]
    path = f"organizations/{org}/roles/{role['id']}/users"
    assert seen == [("DELETE", "ORGANIZATION_ROLE_MAPPING", path), ("CREATE", "ORGANIZATION_ROLE_MAPPING", path)]


async def test_member_role_mapping_assigns_shows_inherited_and_unassigns(realm: Env) -> None:
    """OrganizationRoleMapping (Members → Role mapping): the member's directly mapped roles, with inherited ones
    (the default role, nested roles) on request; assign from the roles not mapped (never the default role);
    unassign after confirming."""
    env = realm
    org = await organization(env, "acme")
    lead = await org_role(env, org, "lead")
    editor = await org_role(env, org, "editor")
    assert (await call(env, "POST", f"{org}/roles/{lead['id']}/composites", [editor]))[0] == 204
    alice = await member(env, org, "alice")
    async with client_at(env, "127.0.0.2") as http:
        await make_admin(env, "test", "boss", "realm-admin")
        await sign_in(http, "/admin/test/console/", "boss")
        members = await http.get(f"{ORGS}/{org}/members", headers=HTML)
        assert f"/members/{alice}/roles" in members.text
        base = f"{ORGS}/{org}/members/{alice}/roles"
        empty = await http.get(base, headers=HTML)
        assert "No organization roles assigned to this member." in empty.text
        offered = await http.get(f"{base}/assign", headers=HTML)
        assert (
            _names(offered, "assignable-roles") == ["editor", "lead"] and "default-roles-org-acme" not in offered.text
        )
        _done(await post_pairs(http, f"{base}/assign", [("id", lead["id"])], token_from=base))
        direct = await http.get(base, headers=HTML)
        assert _names(direct, "member-roles") == ["lead"]
        every = await http.get(base, params={"inherited": "on"}, headers=HTML)
        assert _names(every, "member-roles") == ["default-roles-org-acme", "editor", "lead"]
        default = (await _roles(env, org))["default-roles-org-acme"]
        forged = await post_pairs(http, f"{base}/assign", [("id", default["id"])], token_from=base)
        assert (
            "default organization role mappings are managed by organization membership."
            in (await http.get(_done(forged), headers=HTML)).text
        )
        _done(await post_pairs(http, f"{base}/{lead['id']}/unassign", [("confirmed", "yes")], token_from=base))
    assert await ids(env, f"{org}/roles/{lead['id']}/users") == []


async def test_a_view_organizations_admin_reads_the_roles_without_write_controls_and_writes_are_refused(
    realm: Env,
) -> None:
    """Keycloak's console shows organization roles read only to whoever may not manage organizations
    (canManageRole): no Create, Delete, Save, Add or Remove; each write posted anyway is a 403 and changes nothing.
    A manage-organizations admin without manage-users sees Users in role without Add or Remove."""
    env = realm
    org = await organization(env, "acme")
    role = await org_role(env, org, "editor")
    alice = await member(env, org, "alice")
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/users", [{"id": alice}]))[0] == 204
    async with client_at(env, "127.0.0.4") as http:
        await make_admin(env, "test", "org-viewer", "view-organizations", "query-users", "view-users")
        await sign_in(http, "/admin/test/console/", "org-viewer")
        tab = await http.get(f"{ORGS}/{org}/roles", headers=HTML)
        assert tab.status_code == 200 and "editor" in tab.text
        assert f"{org}/settings" not in tab.text and f"{org}/members" not in tab.text  # tabs it cannot open
        assert "Create role" not in tab.text and 'name="csrf_token"' not in tab.text.split("</nav>", 2)[-1]
        details = await http.get(f"{ORGS}/{org}/roles/{role['id']}/details", headers=HTML)
        assert "Delete role" not in details.text and ">Save<" not in details.text and "readonly" in details.text
        users = await http.get(f"{ORGS}/{org}/roles/{role['id']}/users-in-role", headers=HTML)
        assert (
            _names(users, "role-users") == ["alice"] and "Add users" not in users.text and ">Remove<" not in users.text
        )
        composites = await http.get(f"{ORGS}/{org}/roles/{role['id']}/associated-roles", headers=HTML)
        assert "Add associated roles" not in composites.text
        token_from = f"{ORGS}/{org}/roles"
        for path, pairs in (
            ("/roles/new", [("name", "sneaky")]),
            (f"/roles/{role['id']}/details", [("name", "renamed")]),
            (f"/roles/{role['id']}/attributes", [("key", "k"), ("value", "v")]),
            (f"/roles/{role['id']}/delete", [("confirmed", "yes")]),
            (f"/roles/{role['id']}/users-in-role/{alice}/remove", [("confirmed", "yes")]),
            (f"/members/{alice}/roles/{role['id']}/unassign", [("confirmed", "yes")]),
        ):
            refused = await post_pairs(http, f"{ORGS}/{org}{path}", pairs, token_from=token_from)
            assert refused.status_code == 403, (path, refused.status_code)
        assert (await http.get(f"{ORGS}/{org}/roles/new", headers=HTML)).status_code == 403
    assert set(await _roles(env, org)) == {"default-roles-org-acme", "editor"}
    assert await ids(env, f"{org}/roles/{role['id']}/users") == [alice]
    async with client_at(env, "127.0.0.5") as http:
        await make_admin(env, "test", "org-boss", "manage-organizations", "query-users", "view-users")
        await sign_in(http, "/admin/test/console/", "org-boss")
        users = await http.get(f"{ORGS}/{org}/roles/{role['id']}/users-in-role", headers=HTML)
        assert "Add users" not in users.text and ">Remove<" not in users.text
        refused = await post_pairs(
            http,
            f"{ORGS}/{org}/roles/{role['id']}/users-in-role/{alice}/remove",
            [("confirmed", "yes")],
            token_from=f"{ORGS}/{org}/roles",
        )
        assert refused.status_code == 403
    assert await ids(env, f"{org}/roles/{role['id']}/users") == [alice]


async def test_writes_need_the_console_csrf_token(realm: Env) -> None:
    """A form posted without the page's token, or with a forged one, changes nothing."""
    env = realm
    org = await organization(env, "acme")
    role = await org_role(env, org, "editor")
    async with client_at(env, "127.0.0.2") as http:
        await make_admin(env, "test", "boss", "realm-admin")
        await sign_in(http, "/admin/test/console/", "boss")
        for path, pairs in (
            ("/roles/new", [("name", "forged")]),
            (f"/roles/{role['id']}/delete", [("confirmed", "yes")]),
        ):
            refused = await post_pairs(http, f"{ORGS}/{org}{path}", pairs, token_from="", token="forged")
            assert refused.status_code in (400, 403), refused.status_code
    assert set(await _roles(env, org)) == {"default-roles-org-acme", "editor"}


async def test_role_names_and_descriptions_are_escaped(realm: Env) -> None:
    """A role named ``<img src=x onerror=…>`` is text on every page that shows it."""
    env = realm
    org = await organization(env, "acme")
    role = await org_role(env, org, XSS, description=XSS)
    reader = await realm_role(env, XSS + "-realm", XSS)
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/composites", [reader]))[0] == 204
    alice = await member(env, org, "alice")
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/users", [{"id": alice}]))[0] == 204
    async with client_at(env, "127.0.0.2") as http:
        await make_admin(env, "test", "boss", "realm-admin")
        await sign_in(http, "/admin/test/console/", "boss")
        base = f"{ORGS}/{org}/roles"
        for path in (
            "",
            f"/{role['id']}/details",
            f"/{role['id']}/associated-roles",
            f"/{role['id']}/associated-roles/add?source=realm",
            f"/{role['id']}/users-in-role",
        ):
            page = await http.get(base + path, headers=HTML)
            assert page.status_code == 200, path
            assert "<img src=x" not in page.text and "&lt;img src=x onerror=alert(1)&gt;" in page.text, path
        mapping = await http.get(f"{ORGS}/{org}/members/{alice}/roles", headers=HTML)
        assert "<img src=x" not in mapping.text and "&lt;img" in mapping.text
        confirm = await post_pairs(http, f"{base}/{role['id']}/delete", [], token_from=base)
        assert "<img src=x" not in confirm.text


async def test_another_organizations_role_is_not_found_here(realm: Env) -> None:
    """A role id of another organization under this organization's URL is a 404 page, and so is a non-member's
    role mapping page."""
    env = realm
    org = await organization(env, "acme")
    other = await organization(env, "beta")
    foreign = await org_role(env, other, "foreign")
    outsider = (await seed_user(env.db, env.clock, "test", "outsider")).id
    async with client_at(env, "127.0.0.2") as http:
        await make_admin(env, "test", "boss", "realm-admin")
        await sign_in(http, "/admin/test/console/", "boss")
        assert (await http.get(f"{ORGS}/{org}/roles/{foreign['id']}/details", headers=HTML)).status_code == 404
        assert (await http.get(f"{ORGS}/{org}/members/{outsider}/roles", headers=HTML)).status_code == 404
        refused = await post_pairs(
            http, f"{ORGS}/{org}/roles/{foreign['id']}/delete", [("confirmed", "yes")], token_from=f"{ORGS}/{org}/roles"
        )
        assert refused.status_code == 404
    assert "foreign" in await _roles(env, other)
