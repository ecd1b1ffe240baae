"""Keycloak's CrossRealmCacheIsolationTest (tests/base/.../admin/authz/rbac, 2026; CVE-2026-94215), ported over
HTTP: a master user holding only ``create-realm`` makes a realm of their own and asks, through that realm's admin
paths, for a client, a role and a user of master by their ids. Each is a 404: an id is looked up within the realm
of the path, never in whatever an earlier look-up of the same request (the bearer token's validation reads the
caller's master user and master's ``admin-cli``) has loaded.
"""

from __future__ import annotations

import pytest

from rbac_port import (
    MASTER_USER,
    create_realm,
    grant_realm_role,
    master_user,
    ok,
    run_as,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

ATTACKER_REALM = "attacker-realm"


async def attacker(env: Env) -> tuple[str, dict[str, str]]:
    """onBeforeEach and the first lines of each method: the master user with ``create-realm`` has made
    ``attacker-realm``; their master user id and their header."""
    uid = await master_user(env)
    assert (await grant_realm_role(env, None, "master", uid, "create-realm")).status_code == 204
    headers = await run_as(env, "master", MASTER_USER)
    assert (await create_realm(env, headers, ATTACKER_REALM)).status_code == 201
    assert (await ok(env, headers, "GET", f"/admin/realms/{ATTACKER_REALM}"))["realm"] == ATTACKER_REALM
    return uid, headers


async def test_cannot_read_master_client_through_own_realm(env: Env) -> None:
    """testCannotReadMasterClientThroughOwnRealm: master's admin-cli, by its id, under the attacker's realm."""
    (admin_cli,) = await ok(env, None, "GET", "/admin/realms/master/clients?clientId=admin-cli")
    _, headers = await attacker(env)
    path = f"/admin/realms/{ATTACKER_REALM}/clients/{admin_cli['id']}"
    response = await env.http.get(path, headers=headers)
    assert response.status_code == 404, response.text
    assert admin_cli["id"] not in response.text


async def test_cannot_read_master_role_through_own_realm(env: Env) -> None:
    """testCannotReadMasterRoleThroughOwnRealm: master's create-realm role, by id, under the attacker's realm."""
    role = await ok(env, None, "GET", "/admin/realms/master/roles/create-realm")
    _, headers = await attacker(env)
    response = await env.http.get(f"/admin/realms/{ATTACKER_REALM}/roles-by-id/{role['id']}", headers=headers)
    assert response.status_code == 404, response.text
    assert "create-realm" not in response.text


async def test_cannot_read_master_user_through_own_realm(env: Env) -> None:
    """testCannotReadMasterUserThroughOwnRealm: the attacker's own master user, by id, under the attacker's realm
    (the very user the bearer token's validation has just read)."""
    uid, headers = await attacker(env)
    response = await env.http.get(f"/admin/realms/{ATTACKER_REALM}/users/{uid}", headers=headers)
    assert response.status_code == 404, response.text
    assert MASTER_USER not in response.text
