"""A first end-to-end look at the token endpoint."""

from __future__ import annotations

import pytest

from support import claims, password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_password_grant_returns_keycloak_shaped_tokens(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    response = await password_grant(env.http, "test", "app", scope="openid")
    assert response.status_code == 200, response.text
    body = response.json()
    assert response.headers["cache-control"] == "no-store"
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 300
    assert body["refresh_expires_in"] == 1800
    assert body["not-before-policy"] == 0
    access = claims(body["access_token"])
    assert access["typ"] == "Bearer" and access["azp"] == "app" and access["sid"] == body["session_state"]
    assert claims(body["refresh_token"])["typ"] == "Refresh"
    assert claims(body["id_token"])["aud"] == "app"
