"""``POST /realms/{realm}/clients-managements/register-node`` and ``unregister-node`` (Keycloak's
ClientsManagementService): an adapter's confidential client registers its cluster node (``client_cluster_host``),
which the client's ``registeredNodes`` then lists, and forgets it; each a REGISTER_NODE / UNREGISTER_NODE event
with the ``node_host`` detail (saved when the realm lists them). Refusals: a public client, a missing host, a failed client authentication, plain
HTTP where the realm requires HTTPS, a disabled realm."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from support import seed_client, update_realm
from wire_env import Env

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("realm")]

BASE = "/realms/test/clients-managements"
# EventType's REGISTER_NODE and UNREGISTER_NODE are not saved by default: the tests name them
KEPT = {
    "events_enabled": True,
    "enabled_event_types": ("REGISTER_NODE", "REGISTER_NODE_ERROR", "UNREGISTER_NODE", "UNREGISTER_NODE_ERROR"),
}
HOST = "app-node-1.example:8080"


async def _node(env: Env, action: str, data: dict[str, str], auth: Any = ("app", "secret")) -> httpx.Response:
    return await env.http.post(f"{BASE}/{action}", data=data, auth=auth)


async def _registered(env: Env) -> dict[str, int]:
    headers = await env.admin_headers()
    found = (await env.http.get("/admin/realms/test/clients", params={"clientId": "app"}, headers=headers)).json()
    nodes: dict[str, int] = found[0].get("registeredNodes", {})
    return nodes


async def _events(env: Env, kind: str) -> list[dict[str, Any]]:
    headers = await env.admin_headers()
    found: list[dict[str, Any]] = (
        await env.http.get("/admin/realms/test/events", params={"type": kind}, headers=headers)
    ).json()
    return found


async def test_a_confidential_client_registers_and_unregisters_its_cluster_node(env: Env) -> None:
    await update_realm(env.db, "test", **KEPT)
    registered = await _node(env, "register-node", {"client_cluster_host": HOST})
    assert (registered.status_code, registered.content) == (204, b""), registered.text
    assert await _registered(env) == {HOST: env.clock.now()}
    env.clock.advance(30)
    assert (await _node(env, "register-node", {"client_cluster_host": HOST})).status_code == 204
    assert await _registered(env) == {HOST: env.clock.now()}  # registered again: the new time
    (event, _) = await _events(env, "REGISTER_NODE")
    assert (event["clientId"], event["details"]["node_host"]) == ("app", HOST), event
    assert event["details"]["client_auth_method"] == "client-secret", event

    unregistered = await _node(env, "unregister-node", {"client_cluster_host": HOST})
    assert unregistered.status_code == 204, unregistered.text
    assert await _registered(env) == {}
    assert (await _node(env, "unregister-node", {"client_cluster_host": "never.example"})).status_code == 204
    (latest, _) = await _events(env, "UNREGISTER_NODE")
    assert (latest["clientId"], latest["details"]["node_host"]) == ("app", "never.example"), latest


async def test_a_public_client_or_a_missing_host_is_refused_with_keycloaks_bodies(env: Env) -> None:
    await update_realm(env.db, "test", **KEPT)
    await seed_client(env.db, "test", "spa", secret=None, public=True)
    public = await env.http.post(f"{BASE}/register-node", data={"client_id": "spa", "client_cluster_host": HOST})
    assert public.status_code == 400
    assert public.json() == {"error": "invalid_client", "error_description": "Public clients not allowed"}
    for form in ({}, {"client_cluster_host": ""}):
        missing = await _node(env, "register-node", form)
        assert missing.status_code == 400
        assert missing.json() == {"error": "invalid_request", "error_description": "Client cluster host not specified"}
    errors = await _events(env, "REGISTER_NODE_ERROR")
    assert [(e["clientId"], e["error"]) for e in errors] == [
        ("app", "invalid_code"),
        ("app", "invalid_code"),
        ("spa", "invalid_client"),
    ], errors
    assert await _registered(env) == {}


async def test_a_client_that_fails_authentication_registers_nothing(env: Env) -> None:
    wrong = await _node(env, "register-node", {"client_cluster_host": HOST}, auth=("app", "wrong"))
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "unauthorized_client", wrong.text
    assert await _registered(env) == {}


async def test_https_required_and_a_disabled_realm_are_the_services_own_refusals(env: Env) -> None:
    await update_realm(env.db, "test", ssl_required="all", **KEPT)
    plain = await _node(env, "register-node", {"client_cluster_host": HOST})
    assert (plain.status_code, plain.json()) == (403, {"error": "HTTPS required"})
    await update_realm(env.db, "test", ssl_required="external", enabled=False)
    disabled = await _node(env, "unregister-node", {"client_cluster_host": HOST})
    assert (disabled.status_code, disabled.json()) == (401, {"error": "HTTP 401 Unauthorized"})
    await update_realm(env.db, "test", enabled=True)
    (event,) = await _events(env, "UNREGISTER_NODE_ERROR")
    assert event["error"] == "realm_disabled" and "clientId" not in event, event
    assert await _registered(env) == {}
    missing = await env.http.post("/realms/nowhere/clients-managements/register-node", data={})
    assert missing.status_code == 404


async def test_an_odd_host_is_kept_as_text_never_a_server_error(env: Env) -> None:
    """The nodes are kept as escaped JSON text: a NUL or a long host is stored and listed alike on both engines."""
    for host in ("node\x00one", "h" * 5000):
        assert (await _node(env, "register-node", {"client_cluster_host": host})).status_code == 204
    assert set(await _registered(env)) == {"node\x00one", "h" * 5000}


async def test_two_nodes_registering_at_once_are_both_kept(env: Env) -> None:
    """Two cluster nodes of one client start together: each registration is kept, none lost to the other's write."""
    import anyio

    hosts = [f"node-{i}.example:8080" for i in range(4)]
    async with anyio.create_task_group() as group:
        for host in hosts:
            group.start_soon(_node, env, "register-node", {"client_cluster_host": host})
    assert set(await _registered(env)) == set(hosts)
