"""What Keycloak's newest ClientTest (tests/base/.../tests/admin/ClientTest.java, keycloak@898fdedc) asserts that
test_keycloak_client_test.py and test_kc_port4_clients.py (ported from older copies) do not: its ``createClient``
now makes a *public* ``my-app`` (no secret, and ``GET client-secret`` answers a credential without a value), and
``updateClient`` turns the client confidential with a secret, then sends the stored representation back with no
secret and an empty ``backchannel.logout.url``, which keeps the secret and drops the attribute.

The realm of AbstractAdminTest is imported anew for each test; every call is made as master's admin.
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from client_test_port import MASKED, REALM, assert_client
from group_port import fresh_realm
from role_port import assert_event, create, ok
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

BACKCHANNEL = "backchannel.logout.url"


@pytest.fixture
async def realm_id(env: Env) -> str:
    return await fresh_realm(env, REALM)


async def _create_public_client(env: Env, realm_id: str) -> dict[str, Any]:
    """The newest ``createClient``: a public ``my-app`` with a description, its CREATE event checked."""
    rep: dict[str, Any] = {
        "clientId": "my-app",
        "description": "my-app description",
        "enabled": True,
        "publicClient": True,
    }
    client_uuid = await create(env, "/clients", rep)
    (found,) = await ok(env, "GET", "/clients", clientId="my-app")
    assert found["clientId"] == "my-app"
    await assert_event(env, realm_id, "CREATE", f"clients/{client_uuid}", "CLIENT", rep)
    return {**rep, "id": client_uuid}


async def test_create_client_verify_public_client_has_no_secret(env: Env, realm_id: str) -> None:
    """createClientVerify (newest): the public client's representation carries no secret."""
    client_uuid = (await _create_public_client(env, realm_id))["id"]
    stored = await ok(env, "GET", f"/clients/{client_uuid}")
    assert stored.get("secret") is None


async def test_update_client_secret_and_empty_backchannel_logout_url(env: Env, realm_id: str) -> None:
    """updateClient (newest): a public client has no secret (its ``client-secret`` has no value); made
    confidential with ``new-secret`` (the event masks it), the secret is stored; sending the stored
    representation back without the secret and with ``backchannel.logout.url`` empty keeps the secret and
    removes the attribute."""
    client = await _create_public_client(env, realm_id)
    path = f"/clients/{client['id']}"
    new: dict[str, Any] = {"id": client["id"], "clientId": client["clientId"], "baseUrl": "http://baseurl"}
    await ok(env, "PUT", path, new)
    await assert_event(env, realm_id, "UPDATE", f"clients/{client['id']}", "CLIENT", new)
    stored = await ok(env, "GET", path)
    assert stored.get("secret") is None
    assert (await ok(env, "GET", f"{path}/client-secret")).get("value") is None
    assert_client(client, stored)

    client = {**client, "publicClient": False, "secret": "new-secret"}
    new = {**new, "publicClient": False, "secret": "new-secret"}
    await ok(env, "PUT", path, new)
    await assert_event(env, realm_id, "UPDATE", f"clients/{client['id']}", "CLIENT", {**new, "secret": MASKED})
    stored = await ok(env, "GET", path)
    assert_client(client, stored)
    assert stored["secret"] == "new-secret"

    stored.pop("secret")
    stored["attributes"][BACKCHANNEL] = ""
    await ok(env, "PUT", path, stored)
    stored = await ok(env, "GET", path)
    assert BACKCHANNEL not in stored["attributes"]
    assert_client(client, stored)
    assert stored["secret"] == "new-secret"
