"""Helpers for the admin API tests: admins holding chosen realm-management roles, role ids, mappings, and the
test realm's admin events."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from console_support import sign_in
from doorkeep.realms.management import client_id_for as management_client_id
from support import password_grant, seed_client, seed_realm, seed_user
from wire_env import Env, client_at

FORBIDDEN_BODY = {"error": "HTTP 403 Forbidden"}
DEMO = "/admin/realms/demo"
MASTER = "/admin/realms/master"


async def role_ref(env: Env, realm: str, name: str, client_id: str | None = None) -> dict[str, str]:
    """``{"id", "name"}`` of a realm role, or of a role of the client with this clientId."""
    async with env.db.transaction() as tx:
        found = await tx.realms.get_by_name(realm)
        assert found is not None
        if client_id is None:
            found_role = await tx.roles.get_realm_role(found.id, name)
        else:
            client = await tx.clients.get_by_client_id(found.id, client_id)
            assert client is not None
            found_role = await tx.roles.get_client_role(client.id, name)
        assert found_role is not None, name
        return {"id": found_role.id, "name": found_role.name}


async def client_uuid(env: Env, realm: str, client_id: str) -> str:
    async with env.db.transaction() as tx:
        found = await tx.realms.get_by_name(realm)
        assert found is not None
        client = await tx.clients.get_by_client_id(found.id, client_id)
        assert client is not None
        return client.id


async def client_offline_sessions(env: Env, realm: str, client_id: str) -> list[dict[str, Any]]:
    """``GET clients/{id}/offline-sessions`` as master's admin; the sessions' representations."""
    uuid = await client_uuid(env, realm, client_id)
    response = await env.http.get(
        f"/admin/realms/{realm}/clients/{uuid}/offline-sessions", headers=await env.admin_headers()
    )
    assert response.status_code == 200, response.text
    listed: list[dict[str, Any]] = response.json()
    return listed


async def make_admin(
    env: Env, realm: str, username: str, *management: str, realm_roles: tuple[str, ...] = (), default_roles: bool = True
) -> tuple[str, dict[str, str]]:
    """A user of ``realm`` holding these roles of its management client (realm-management; master-realm in master)
    and these realm roles: their id and bearer header."""
    # A username that is an address is the user's e-mail too, which VERIFY_PROFILE at the grant finds valid.
    email = {"email": username} if "@" in username else {}
    user = await seed_user(
        env.db, env.clock, realm, username, realm_roles=realm_roles, default_roles=default_roles, **email
    )
    async with env.db.transaction() as tx:
        found = await tx.realms.get_by_name(realm)
        assert found is not None
        management_client = await tx.clients.get_by_client_id(found.id, management_client_id(realm))
        assert management_client is not None
        for name in management:
            role = await tx.roles.get_client_role(management_client.id, name)
            assert role is not None, name
            await tx.users.grant_roles(user.id, [role.id])
    return user.id, await login(env, realm, username)


async def realm_admin(env: Env, username: str, *management: str, realm: str = "test") -> dict[str, str]:
    """The bearer header of a new user of ``realm`` holding these realm-management roles."""
    return (await make_admin(env, realm, username, *management))[1]


async def login(env: Env, realm: str, username: str) -> dict[str, str]:
    response = await password_grant(env.http, realm, "admin-cli", username, secret=None)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def mapped(env: Env, realm: str, user_id: str) -> set[str]:
    """Names of the user's direct role mappings, realm and client roles alike, read as the master admin."""
    body = (
        await env.http.get(f"/admin/realms/{realm}/users/{user_id}/role-mappings", headers=await env.admin_headers())
    ).json()
    names = {r["name"] for r in body.get("realmMappings", [])}
    for client in body.get("clientMappings", {}).values():
        names |= {r["name"] for r in client["mappings"]}
    return names


def forbidden(response: httpx.Response) -> None:
    assert response.status_code == 403, response.text
    assert response.json() == FORBIDDEN_BODY


async def demo_realm(env: Env) -> None:
    await seed_realm(env.db, env.clock, "demo")


def mappings_url(realm: str, user_id: str, client_uuid: str | None = None) -> str:
    base = f"/admin/realms/{realm}/users/{user_id}/role-mappings"
    return f"{base}/clients/{client_uuid}" if client_uuid else f"{base}/realm"


async def enable_admin_events(env: Env, *, clear: bool = False) -> None:
    """Admin events with their representations on for realm ``test``; ``clear``: the ones saved so far deleted."""
    config = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    response = await env.http.put("/admin/realms/test/events/config", json=config, headers=await env.admin_headers())
    assert response.status_code == 204, response.text
    if clear:
        cleared = await env.http.delete("/admin/realms/test/admin-events", headers=await env.admin_headers())
        assert cleared.status_code == 204, cleared.text


async def admin_events(env: Env, **params: Any) -> list[dict[str, Any]]:
    """``GET /admin/realms/test/admin-events`` (with the query ``params``) as the master admin."""
    response = await env.http.get("/admin/realms/test/admin-events", params=params, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


@contextlib.asynccontextmanager
async def console_as(env: Env, username: str, *management: str) -> AsyncIterator[httpx.AsyncClient]:
    """The test realm's Admin Console signed in, from 127.0.0.2, as a new ``username`` holding these
    realm-management roles."""
    await make_admin(env, "test", username, *management)
    async with client_at(env, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", username)
        yield http


async def visible_and_hidden_sessions(env: Env) -> tuple[str, str, str]:
    """UserSessionClientVisibilityTest's realm ``test``: ``session-owner`` holds, for each of ``visible-app`` and
    ``hidden-app``, one online and one offline session. Answers the two clients' uuids and the owner's id."""
    await seed_realm(env.db, env.clock)
    visible = await seed_client(env.db, "test", "visible-app")
    hidden = await seed_client(env.db, "test", "hidden-app")
    owner = await seed_user(env.db, env.clock, "test", "session-owner")
    for client in ("visible-app", "hidden-app"):
        for scope in (None, "offline_access"):
            granted = await password_grant(env.http, "test", client, username="session-owner", scope=scope)
            assert granted.status_code == 200, granted.text
    return visible.id, hidden.id, owner.id


@pytest.fixture
async def sessions_env(env: Env) -> Env:
    """Realm ``test`` with client ``app`` and user ``alice``, who holds one online and one offline session of it (a
    test module takes the fixture as ``sessions_env = admin_support.sessions_env``)."""
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "alice")
    for scope in (None, "offline_access"):
        grant = await password_grant(env.http, "test", "app", "alice", scope=scope)
        assert grant.status_code == 200, grant.text
    return env
