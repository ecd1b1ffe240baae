"""Admin REST clients, client scopes, roles and groups: answers checked against Keycloak 26's source."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import client_uuid
from support import seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
CLIENTS = f"{REALM}/clients"


async def _setup(env: Env) -> dict[str, str]:
    await seed_realm(env.db, env.clock)
    return await env.admin_headers()


async def _client_ids(env: Env, headers: dict[str, str]) -> set[str]:
    listed: list[dict[str, Any]] = (await env.http.get(CLIENTS, headers=headers)).json()
    return {c["clientId"] for c in listed}


# --- finding 1: internal clients (ClientManager.removeClient, Constants.defaultClients) -------------------
@pytest.mark.parametrize("client_id", ["account", "admin-cli", "broker", "realm-management", "security-admin-console"])
async def test_deleting_an_internal_client_answers_400_and_keeps_it(env: Env, client_id: str) -> None:
    headers = await _setup(env)
    uuid = await client_uuid(env, "test", client_id)
    response = await env.http.delete(f"{CLIENTS}/{uuid}", headers=headers)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "Could not delete client"}
    assert client_id in await _client_ids(env, headers)


async def test_account_console_is_not_internal_and_can_be_deleted(env: Env) -> None:
    headers = await _setup(env)
    uuid = await client_uuid(env, "test", "account-console")
    assert (await env.http.delete(f"{CLIENTS}/{uuid}", headers=headers)).status_code == 204
    assert "account-console" not in await _client_ids(env, headers)
