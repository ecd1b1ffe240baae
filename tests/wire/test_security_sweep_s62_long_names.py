"""Security sweep s62, over-long input where storage matters: a client whose service account's username
(``service-account-<clientId>``, Keycloak's ClientManager.enableServiceAccount) would not fit the username column
(VARCHAR(255)). Before, SQLite kept the 256+ character username and PostgreSQL refused the write with 400 ``Invalid
input``; now both engines give that 400 before anything is written, on create and on the update that turns service
accounts on, and a clientId of 239 characters (a username of exactly 255) is kept on both."""

from __future__ import annotations

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio
CLIENTS = "/admin/realms/test/clients"
BAD_INPUT = {"error": "invalid_request", "error_description": "Invalid input"}


async def _client_ids(env: Env) -> set[str]:
    listed = await env.http.get(CLIENTS, params={"max": 1000}, headers=await env.admin_headers())
    return {c["clientId"] for c in listed.json()}


async def test_a_service_account_username_longer_than_its_column_is_refused_on_both_engines(realm: Env) -> None:
    admin = await realm.admin_headers()
    too_long, longest = "c" * 240, "d" * 239
    made = await realm.http.post(CLIENTS, json={"clientId": too_long, "serviceAccountsEnabled": True}, headers=admin)
    assert (made.status_code, made.json()) == (400, BAD_INPUT)
    assert too_long not in await _client_ids(realm)
    made = await realm.http.post(CLIENTS, json={"clientId": longest, "serviceAccountsEnabled": True}, headers=admin)
    assert made.status_code == 201, made.text
    users = await realm.http.get("/admin/realms/test/users", params={"username": f"service-account-{longest}",
                                 "exact": "true", "briefRepresentation": "true"}, headers=admin)  # fmt: skip
    assert [u["username"] for u in users.json()] == [f"service-account-{longest}"]


async def test_turning_service_accounts_on_for_a_long_client_id_is_refused_and_changes_nothing(realm: Env) -> None:
    admin = await realm.admin_headers()
    too_long = "e" * 240
    made = await realm.http.post(CLIENTS, json={"clientId": too_long}, headers=admin)
    assert made.status_code == 201, made.text
    uuid = made.headers["location"].rsplit("/", 1)[1]
    updated = await realm.http.put(f"{CLIENTS}/{uuid}", json={"serviceAccountsEnabled": True}, headers=admin)
    assert (updated.status_code, updated.json()) == (400, BAD_INPUT)
    client = await realm.http.get(f"{CLIENTS}/{uuid}", headers=admin)
    assert client.json()["serviceAccountsEnabled"] is False
