"""H2 ("every admin action checks what the caller may grant, not only what it may call") for roles reaching members
through organization groups: an admin who manages organizations but may not map roles to users cannot hand a realm
role to members by mapping it to an organization group; nobody maps an admin role to an organization group, directly
or through a composite or an organization role; and a role an organization group holds cannot be turned into an
admin role afterwards."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import realm_admin
from org_groups import group, member, organization
from org_invitations import ORGS
from org_role_claims import REALM, org_role, post, realm_role
from support import claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio


async def call(env: Env, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> int:
    sent = await env.http.request(method, path, json=body, headers=headers or await env.admin_headers())
    return sent.status_code


async def _management_role(env: Env, name: str) -> dict[str, Any]:
    h = await env.admin_headers()
    [management] = (await env.http.get(f"{REALM}/clients", params={"clientId": "realm-management"}, headers=h)).json()
    body: dict[str, Any] = (await env.http.get(f"{REALM}/clients/{management['id']}/roles/{name}", headers=h)).json()
    return body


async def test_organization_manager_cannot_map_realm_roles_to_groups(realm: Env) -> None:
    """manage-organizations alone: no realm or client role mapping on an organization group (manage-users and the
    right to map the role are asked, as for a user's mapping), so no member gets the role that way."""
    env = realm
    org = await organization(env)
    gid = await group(env, org, "team")
    role = await realm_role(env, "payroll")
    restricted = await realm_admin(env, "org-manager", "manage-organizations", "view-users")
    path = f"{ORGS}/{org}/groups/{gid}/role-mappings/realm"
    assert await call(env, "POST", path, [role], restricted) == 403
    user = await member(env, org, "victim", "victim@neworg.org")
    assert await call(env, "PUT", f"{ORGS}/{org}/groups/{gid}/members/{user}") == 204
    token = claims((await password_grant(env.http, "test", "app", "victim")).json()["access_token"])
    assert "payroll" not in token.get("realm_access", {}).get("roles", [])


async def test_user_manager_cannot_map_an_admin_role_it_does_not_hold(realm: Env) -> None:
    """manage-users + manage-organizations: realm-admin is not theirs to hand out (403, may_grant), and no one maps
    an admin role to an organization group (400), not even the master admin."""
    env = realm
    org = await organization(env)
    gid = await group(env, org, "team")
    admin_role = await _management_role(env, "realm-admin")
    restricted = await realm_admin(env, "user-manager", "manage-users", "manage-organizations")
    management = admin_role["containerId"]
    path = f"{ORGS}/{org}/groups/{gid}/role-mappings/clients/{management}"
    assert await call(env, "POST", path, [admin_role], restricted) == 403
    assert await call(env, "POST", path, [admin_role]) == 400
    view_users = await _management_role(env, "view-users")
    assert await call(env, "POST", path, [view_users]) == 400


async def test_admin_role_cannot_reach_members_through_a_composite_later(realm: Env) -> None:
    """A realm role an organization group holds cannot nest manage-users afterwards (400); the members never get
    it."""
    env = realm
    org = await organization(env)
    gid = await group(env, org, "team")
    role = await realm_role(env, "team-lead")
    await post(env, f"{ORGS}/{org}/groups/{gid}/role-mappings/realm", [role])
    manage_users = await _management_role(env, "manage-users")
    assert await call(env, "POST", f"{REALM}/roles/team-lead/composites", [manage_users]) == 400
    nested = await realm_role(env, "nested-lead")
    await post(env, f"{REALM}/roles/team-lead/composites", [nested])
    assert await call(env, "POST", f"{REALM}/roles/nested-lead/composites", [manage_users]) == 400
    user = await member(env, org, "lead", "lead@neworg.org")
    assert await call(env, "PUT", f"{ORGS}/{org}/groups/{gid}/members/{user}") == 204
    token = claims((await password_grant(env.http, "test", "app", "lead")).json()["access_token"])
    assert "realm-management" not in token.get("resource_access", {})


async def test_organization_role_mapping_needs_the_organization_manage_permission(realm: Env) -> None:
    """Mapping an organization role to an organization group needs the organization's manage permission: a
    view-only admin is refused (403) and nothing is mapped."""
    env = realm
    org = await organization(env)
    gid = await group(env, org, "team")
    role = await org_role(env, org, "editor")
    viewer = await realm_admin(env, "org-viewer", "view-organizations", "view-users")
    path = f"{ORGS}/{org}/groups/{gid}/role-mappings/organizations"
    assert await call(env, "POST", path, [role], viewer) == 403
    h = await env.admin_headers()
    assert (await env.http.get(path, headers=h)).json() == []
