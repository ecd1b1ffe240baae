"""Hostile cluster node registration (``clients-managements/register-node``, session 62): a confidential client may
name any host string, as Keycloak's ClientsManagementService takes it unchecked. A NUL, a line break, a space, a
path or an over-long host is an answer, never a 500, on SQLite and PostgreSQL (whose text refuses NUL); once
registered, the admin's test-nodes-available and push-revocation, which post to every node, count such a node as
failed instead of failing themselves; one client's unregister never touches another's nodes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from support import seed_client, update_client, update_realm
from wire_env import Env

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("realm")]

BASE = "/realms/test/clients-managements"
KEPT = {
    "events_enabled": True,
    "enabled_event_types": ("REGISTER_NODE", "REGISTER_NODE_ERROR", "UNREGISTER_NODE", "UNREGISTER_NODE_ERROR"),
}
ADMIN_URL = "http://127.0.0.1:47101/app-admin"  # nothing listens there: every post to a node fails
HOSTILE = [
    "node\x00one",
    "node\r\nX-Injected: 1",
    "node one",
    "node.example/../admin?x=",
    "évil.example",
    "[::1",
    "x" * 5000,
]
IDS = ["nul", "crlf", "space", "path", "unicode", "bracket", "long"]


async def _node(env: Env, action: str, host: str, auth: Any = ("app", "secret")) -> httpx.Response:
    return await env.http.post(f"{BASE}/{action}", data={"client_cluster_host": host}, auth=auth)


async def _client(env: Env, client_id: str = "app") -> dict[str, Any]:
    headers = await env.admin_headers()
    found = await env.http.get("/admin/realms/test/clients", params={"clientId": client_id}, headers=headers)
    assert found.status_code == 200, found.text
    client: dict[str, Any] = found.json()[0]
    return client


@pytest.mark.parametrize("host", HOSTILE, ids=IDS)
async def test_a_hostile_node_host_is_an_answer_and_unregisters_cleanly(realm: Env, host: str) -> None:
    await update_realm(realm.db, "test", **KEPT)
    registered = await _node(realm, "register-node", host)
    assert registered.status_code in (204, 400), (registered.status_code, registered.text[:300])
    nodes = (await _client(realm)).get("registeredNodes", {})
    if registered.status_code == 204:
        assert host in nodes, nodes
        gone = await _node(realm, "unregister-node", host)
        assert gone.status_code == 204, gone.text[:300]
    else:
        assert registered.json()["error"] == "invalid_request", registered.text
    assert host not in (await _client(realm)).get("registeredNodes", {})
    events = await realm.http.get("/admin/realms/test/events", headers=await realm.admin_headers())
    assert events.status_code == 200, events.text[:300]


@pytest.mark.parametrize("host", HOSTILE, ids=IDS)
async def test_the_admin_posting_to_a_hostile_node_counts_it_failed(realm: Env, host: str) -> None:
    """ResourceAdminManager.testNodesAvailability and pushClientRevocationPolicy: one URL per node, the management
    URL's host replaced by the node's; a node no request can be made to is among ``failedRequests``."""
    await update_client(realm.db, "test", "app", admin_url=ADMIN_URL)
    registered = await _node(realm, "register-node", host)
    assert registered.status_code == 204, (registered.status_code, registered.text[:300])
    uuid = (await _client(realm))["id"]
    headers = await realm.admin_headers()
    tested = await realm.http.get(f"/admin/realms/test/clients/{uuid}/test-nodes-available", headers=headers)
    assert tested.status_code == 200, (tested.status_code, tested.text[:300])
    assert tested.json().get("successRequests") is None, tested.json()
    assert len(tested.json()["failedRequests"]) == 1, tested.json()
    pushed = await realm.http.post(f"/admin/realms/test/clients/{uuid}/push-revocation", headers=headers)
    assert pushed.status_code == 200, (pushed.status_code, pushed.text[:300])
    assert pushed.json().get("successRequests") is None, pushed.json()


async def test_a_client_cannot_unregister_another_clients_node(realm: Env) -> None:
    await seed_client(realm.db, "test", "other", secret="other-secret")
    assert (await _node(realm, "register-node", "shared.example", auth=("other", "other-secret"))).status_code == 204
    assert (await _node(realm, "unregister-node", "shared.example")).status_code == 204  # app's own: none there
    assert "shared.example" in (await _client(realm, "other")).get("registeredNodes", {})
    assert "shared.example" not in (await _client(realm)).get("registeredNodes", {})


async def test_a_public_client_or_a_wrong_secret_registers_nothing(realm: Env) -> None:
    await seed_client(realm.db, "test", "spa", secret=None, public=True)
    public = await realm.http.post(f"{BASE}/register-node", data={"client_cluster_host": "h", "client_id": "spa"})
    assert (public.status_code, public.json()["error"]) == (400, "invalid_client"), public.text
    wrong = await _node(realm, "register-node", "h", auth=("app", "not-the-secret"))
    assert wrong.status_code == 401, wrong.text
    assert (await _client(realm)).get("registeredNodes") is None
    assert (await _client(realm, "spa")).get("registeredNodes") is None
