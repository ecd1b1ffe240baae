"""An attacker's sweep of session 58's scope mapping listings filtered by visibility (keycloak#53480): a limited
administrator must not learn through any listing a role it may neither view nor map.

Found: ``…/scope-mappings/realm/available`` and ``…/scope-mappings/clients/{client}/available`` listed every realm
(or client) role not yet mapped to any caller with view-clients, so a view-clients-only administrator read the
realm's whole role list that GET ``roles`` refuses it. Keycloak's ScopeMappedResource.getAvailableRealmScopeMappings
and ScopeMappedClientResource.getAvailableClientScopeMappings filter by ``auth.roles()::canMapClientScope``
(RolePermissions: ``canManageClientsDefault``, i.e. manage-clients, without fine-grained permissions): such a
caller gets an empty list. The filtered listings, ``composite`` with ``briefRepresentation=false`` included, held."""

from __future__ import annotations

import pytest

from admin_support import realm_admin
from support import seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
R = "/admin/realms/test"


async def _owners(env: Env) -> tuple[list[str], str]:
    """A hidden realm role ``secret-ops`` and a client ``vault`` with a role ``unseal``, none mapped; the scope
    mapping paths of a client (no full scope) and of a client scope, and ``vault``'s id."""
    await seed_realm(env.db, env.clock)
    h = await env.admin_headers()
    assert (await env.http.post(f"{R}/roles", json={"name": "secret-ops"}, headers=h)).is_success
    owners = []
    ids = {}
    for client_id in ("vault", "shop"):
        made = await env.http.post(f"{R}/clients", json={"clientId": client_id, "fullScopeAllowed": False}, headers=h)
        assert made.status_code == 201, made.text
        ids[client_id] = made.headers["location"].rsplit("/", 1)[1]
    assert (await env.http.post(f"{R}/clients/{ids['vault']}/roles", json={"name": "unseal"}, headers=h)).is_success
    owners.append(f"{R}/clients/{ids['shop']}")
    made = await env.http.post(f"{R}/client-scopes", json={"name": "cs", "protocol": "openid-connect"}, headers=h)
    assert made.status_code == 201, made.text
    owners.append(f"{R}/client-scopes/{made.headers['location'].rsplit('/', 1)[1]}")
    return owners, ids["vault"]


async def _available(env: Env, headers: dict[str, str], owner: str, vault: str) -> tuple[set[str], set[str]]:
    realm = await env.http.get(f"{owner}/scope-mappings/realm/available", headers=headers)
    client = await env.http.get(f"{owner}/scope-mappings/clients/{vault}/available", headers=headers)
    assert realm.status_code == client.status_code == 200, (realm.text, client.text)
    return {r["name"] for r in realm.json()}, {r["name"] for r in client.json()}


async def test_a_view_clients_only_admin_learns_no_role_through_available(env: Env) -> None:
    owners, vault = await _owners(env)
    viewer = await realm_admin(env, "viewer", "view-clients")
    # view-clients holds query-clients, which listed the realm's roles before Keycloak 26.6 (RolePermissions.canList,
    # keycloak#46744); it lists none now
    assert (await env.http.get(f"{R}/roles", headers=viewer)).status_code == 403
    for owner in owners:
        assert await _available(env, viewer, owner, vault) == (set(), set()), owner


async def test_manage_clients_still_sees_every_role_it_may_map(env: Env) -> None:
    owners, vault = await _owners(env)
    scoper = await realm_admin(env, "scoper", "manage-clients")
    for owner in owners:
        realm, client = await _available(env, scoper, owner, vault)
        assert "secret-ops" in realm and client == {"unseal"}, owner


async def test_manage_users_with_view_clients_is_no_scope_mapper(env: Env) -> None:
    """canMapRole (users) is not canMapClientScope: manage-users lists nothing available to a client scope."""
    owners, vault = await _owners(env)
    mapper = await realm_admin(env, "mapper", "view-clients", "manage-users")
    for owner in owners:
        assert await _available(env, mapper, owner, vault) == (set(), set()), owner
