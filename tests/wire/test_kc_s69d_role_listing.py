"""Keycloak 26.6's "Stricter access control for listing realm and client roles" (upgrading guide 26.6.0, issue
#45653, pull request #46744, backported to 26.5 as #47236) and its follow-up "manage-identity-providers role should
be able to list realm roles" (issue #48514, pull request #49380).

RolePermissions.canList: a realm's roles to who may view the realm (view-realm, manage-realm) or holds
manage-identity-providers (its hardcoded-role mappers pick realm roles); a client's roles to who may view the client
(view-clients, manage-clients). A query role alone (query-users, query-clients, query-realms, query-groups) lists
none any more: 403. The same check guards the Admin Console's effective roles of a composite role
(``ui-ext/effective-roles/roles/{id}``, RoleMappingResource's requireList of the realm).
"""

from __future__ import annotations

import pytest

from admin_support import make_admin
from support import seed_client, seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

BASE = "/admin/realms/test"


@pytest.fixture
async def roles_env(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    admin = await env.admin_headers()
    made = await env.http.post(f"{BASE}/clients/{await _app(env)}/roles", json={"name": "app-role"}, headers=admin)
    assert made.status_code == 201, made.text
    return env


async def _app(env: Env) -> str:
    found = await env.http.get(f"{BASE}/clients", params={"clientId": "app"}, headers=await env.admin_headers())
    return str(found.json()[0]["id"])


async def _default_roles_id(env: Env) -> str:
    found = await env.http.get(f"{BASE}/roles/default-roles-test", headers=await env.admin_headers())
    assert found.status_code == 200, found.text
    return str(found.json()["id"])


@pytest.mark.parametrize("role", ["query-users", "query-clients", "query-realms", "query-groups"])
async def test_a_query_role_alone_lists_no_realm_roles(roles_env: Env, role: str) -> None:
    _, bearer = await make_admin(roles_env, "test", "asker", role)
    listed = await roles_env.http.get(f"{BASE}/roles", headers=bearer)
    assert listed.status_code == 403, listed.text
    assert listed.json() == {"error": "HTTP 403 Forbidden"}
    effective = await roles_env.http.get(
        f"{BASE}/ui-ext/effective-roles/roles/{await _default_roles_id(roles_env)}", headers=bearer
    )
    assert effective.status_code == 403, effective.text


@pytest.mark.parametrize("role", ["view-users", "view-clients", "manage-users", "manage-clients"])
async def test_user_and_client_admins_list_no_realm_roles(roles_env: Env, role: str) -> None:
    """view-users and view-clients hold query roles as composites, which no longer count."""
    _, bearer = await make_admin(roles_env, "test", "asker", role)
    listed = await roles_env.http.get(f"{BASE}/roles", headers=bearer)
    assert listed.status_code == 403, listed.text


@pytest.mark.parametrize("role", ["view-realm", "manage-realm", "manage-identity-providers"])
async def test_realm_viewers_and_identity_provider_managers_list_realm_roles(roles_env: Env, role: str) -> None:
    _, bearer = await make_admin(roles_env, "test", "asker", role)
    listed = await roles_env.http.get(f"{BASE}/roles", headers=bearer)
    assert listed.status_code == 200, listed.text
    assert "offline_access" in {r["name"] for r in listed.json()}


async def test_view_identity_providers_alone_lists_no_realm_roles(roles_env: Env) -> None:
    _, bearer = await make_admin(roles_env, "test", "asker", "view-identity-providers")
    listed = await roles_env.http.get(f"{BASE}/roles", headers=bearer)
    assert listed.status_code == 403, listed.text


async def test_query_clients_alone_lists_no_client_roles(roles_env: Env) -> None:
    """The client is still found (query-clients may list clients: an unknown id stays a 404), its roles not."""
    _, bearer = await make_admin(roles_env, "test", "asker", "query-clients")
    listed = await roles_env.http.get(f"{BASE}/clients/{await _app(roles_env)}/roles", headers=bearer)
    assert listed.status_code == 403, listed.text
    unknown = await roles_env.http.get(f"{BASE}/clients/00000000-0000-0000-0000-000000000000/roles", headers=bearer)
    assert unknown.status_code == 404, unknown.text


@pytest.mark.parametrize("role", ["view-clients", "manage-clients"])
async def test_client_viewers_list_client_roles(roles_env: Env, role: str) -> None:
    _, bearer = await make_admin(roles_env, "test", "asker", role)
    listed = await roles_env.http.get(f"{BASE}/clients/{await _app(roles_env)}/roles", headers=bearer)
    assert listed.status_code == 200, listed.text
    assert [r["name"] for r in listed.json()] == ["app-role"]
