"""Wire port of Keycloak's RegistrationAccessTokenTest (testsuite/.../client/RegistrationAccessTokenTest.java),
one method to one test, over the default provider of AbstractClientRegistrationTest's realm ``test``. Its
``before``: two clients registered by ``manage-clients`` (``RegistrationAccessTokenTest`` and
``SomeOtherClient``, root URL ``http://root``), and ``reg`` authenticated with the first one's registration
access token. A refused call is a 401 (ClientRegistrationAuth's ``invalid_token``); the client stays as it was.
"""

from __future__ import annotations

from typing import Any

import pytest

from client_registration_port import REGISTRATION_REALM, Registration, body
from keycloak_port import admin_headers, import_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

ADMIN = "/admin/realms/test"


def _client(client_id: str) -> dict[str, Any]:
    return {
        "enabled": True,
        "clientId": client_id,
        "secret": "RegistrationAccessTokenTestClientSecret",
        "rootUrl": "http://root",
    }


@pytest.fixture
async def setup(env: Env) -> tuple[Registration, dict[str, Any]]:
    """``before``: the two clients, and ``reg`` holding the first one's registration access token."""
    await import_realm(env, REGISTRATION_REALM)
    reg = Registration(env)
    await reg.auth_as("manage-clients")
    client: dict[str, Any] = body(await reg.create(_client("RegistrationAccessTokenTest")), 201)
    body(await reg.create(_client("SomeOtherClient")), 201)
    reg.token = client["registrationAccessToken"]
    return reg, client


async def get_client(env: Env, uuid: str) -> dict[str, Any] | None:
    """``getClient(id)``: the admin API's representation, None once the client is gone."""
    response = await env.http.get(f"{ADMIN}/clients/{uuid}", headers=await admin_headers(env))
    if response.status_code == 404:
        return None
    found: dict[str, Any] = body(response)
    return found


async def assert_read(reg: Registration, client_id: str, token: str, expect_success: bool) -> None:
    """``assertRead``: the client read with ``token``, or a 401."""
    reg.token = token
    response = await reg.get(client_id)
    assert response.status_code == (200 if expect_success else 401), response.text
    if expect_success:
        assert response.json()["clientId"] == client_id


async def test_get_client_with_registration_token(env: Env, setup: tuple[Registration, dict[str, Any]]) -> None:
    """getClientWithRegistrationToken: the read answers the same token, which keeps working (KEYCLOAK-4984)."""
    reg, client = setup
    env.clock.advance(10)
    rep = body(await reg.get(client["clientId"]))
    assert rep["registrationAccessToken"] == client["registrationAccessToken"]
    await assert_read(reg, client["clientId"], client["registrationAccessToken"], True)


async def test_get_client_wrong_client(setup: tuple[Registration, dict[str, Any]]) -> None:
    """getClientWrongClient."""
    reg, _ = setup
    assert (await reg.get("SomeOtherClient")).status_code == 401


async def test_get_client_missing_client(setup: tuple[Registration, dict[str, Any]]) -> None:
    """getClientMissingClient."""
    reg, _ = setup
    assert (await reg.get("nosuch")).status_code == 401


async def test_get_client_with_bad_registration_token(setup: tuple[Registration, dict[str, Any]]) -> None:
    """getClientWithBadRegistrationToken: an update rotates the token; the old one reads nothing."""
    reg, client = setup
    old = client["registrationAccessToken"]
    body(await reg.update(client))
    reg.token = old
    assert (await reg.get(client["clientId"])).status_code == 401


async def test_update_client_with_registration_token(env: Env, setup: tuple[Registration, dict[str, Any]]) -> None:
    """updateClientWithRegistrationToken: the change is stored and the answer carries a new token, the only one
    that still reads the client."""
    reg, client = setup
    client["rootUrl"] = "http://newroot"
    rep = body(await reg.update(client))
    stored = await get_client(env, client["id"])
    assert stored is not None and stored["rootUrl"] == "http://newroot"
    assert rep["registrationAccessToken"] != client["registrationAccessToken"]
    await assert_read(reg, client["clientId"], client["registrationAccessToken"], False)
    await assert_read(reg, client["clientId"], rep["registrationAccessToken"], True)


async def test_update_client_with_bad_registration_token(env: Env, setup: tuple[Registration, dict[str, Any]]) -> None:
    """updateClientWithBadRegistrationToken: the rotated-out token updates nothing."""
    reg, client = setup
    old = client["registrationAccessToken"]
    body(await reg.update(client))
    reg.token = old
    assert (await reg.update({**client, "rootUrl": "http://newroot"})).status_code == 401
    stored = await get_client(env, client["id"])
    assert stored is not None and stored["rootUrl"] == "http://root"


async def test_delete_client_with_registration_token(env: Env, setup: tuple[Registration, dict[str, Any]]) -> None:
    """deleteClientWithRegistrationToken."""
    reg, client = setup
    assert (await reg.delete(client["clientId"])).status_code == 204
    assert await get_client(env, client["id"]) is None


async def test_delete_client_with_bad_registration_token(env: Env, setup: tuple[Registration, dict[str, Any]]) -> None:
    """deleteClientWithBadRegistrationToken: the rotated-out token deletes nothing."""
    reg, client = setup
    old = client["registrationAccessToken"]
    body(await reg.update(client))
    reg.token = old
    assert (await reg.delete(client["clientId"])).status_code == 401
    assert await get_client(env, client["id"]) is not None
