"""Wire port of Keycloak's InitialAccessTokenTest (testsuite/.../client/InitialAccessTokenTest.java), one method to
one test: initial access tokens made through ``/admin/realms/test/clients-initial-access`` registering empty
ClientRepresentations through the default provider of AbstractClientRegistrationTest's realm ``test``. A spent,
expired or deleted token is a 401.
"""

from __future__ import annotations

from typing import Any

import pytest

from client_registration_port import REGISTRATION_REALM, Registration, body
from keycloak_port import admin_headers, import_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

IAT = "/admin/realms/test/clients-initial-access"


@pytest.fixture
async def reg(env: Env) -> Registration:
    await import_realm(env, REGISTRATION_REALM)
    return Registration(env)


async def create_token(env: Env, rep: dict[str, Any]) -> dict[str, Any]:
    """``resource.create(new ClientInitialAccessCreatePresentation(...))``."""
    made: dict[str, Any] = body(await env.http.post(IAT, json=rep, headers=await admin_headers(env)), 201)
    return made


async def test_create(env: Env, reg: Registration) -> None:
    """create: the default token (one use, never expiring) registers one client, ten seconds on; not a second."""
    reg.token = (await create_token(env, {}))["token"]
    env.clock.advance(10)
    created = body(await reg.create({}), 201)
    assert created["clientId"] and created["registrationAccessToken"]
    assert (await reg.create({})).status_code == 401


async def test_create_multiple(env: Env, reg: Registration) -> None:
    """createMultiple: a token of count 2 registers two clients, not a third."""
    reg.token = (await create_token(env, {"expiration": 0, "count": 2}))["token"]
    first = body(await reg.create({}), 201)
    second = body(await reg.create({}), 201)
    assert first["clientId"] != second["clientId"]
    assert (await reg.create({})).status_code == 401


async def test_create_expired(env: Env, reg: Registration) -> None:
    """createExpired: a token good for one second no longer registers ten seconds on."""
    reg.token = (await create_token(env, {"expiration": 1, "count": 1}))["token"]
    env.clock.advance(10)
    assert (await reg.create({})).status_code == 401


async def test_create_deleted(env: Env, reg: Registration) -> None:
    """createDeleted: a deleted token registers nothing."""
    made = await create_token(env, {})
    reg.token = made["token"]
    assert (await env.http.delete(f"{IAT}/{made['id']}", headers=await admin_headers(env))).status_code == 204
    assert (await reg.create({})).status_code == 401
