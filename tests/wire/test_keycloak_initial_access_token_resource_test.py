"""Keycloak's InitialAccessTokenResourceTest (tests/base/.../tests/admin/InitialAccessTokenResourceTest.java,
formerly testsuite/integration-arquillian/.../testsuite/admin/InitialAccessTokenResourceTest.java), ported one
method to one test over HTTP against ``/admin/realms/test/clients-initial-access``, on one module-wide app with
the realm ``test`` imported anew for each test (group_port), its admin events checked as the Java test does.

``removeExpired`` runs on the server in the Java test (``removeExpiredClientInitialAccess``); here the store's
``initial_access.purge`` is called at the moved clock's time. The token's claims, the location header and the
rights needed are in test_client_registration.py (InitialAccessTokenTest).
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from group_port import fresh_realm
from role_port import TEST_REALM, assert_event, call, ok
from support import assert_error
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

IAT = "/clients-initial-access"
RESOURCE = "CLIENT_INITIAL_ACCESS_MODEL"


@pytest.fixture
async def realm_id(env: Env) -> str:
    """The realm ``test`` with admin events and their representations kept."""
    return await fresh_realm(env, TEST_REALM)


async def create(env: Env, expiration: int, count: int) -> dict[str, Any]:
    """``resource.create(new ClientInitialAccessCreatePresentation(expiration, count))``."""
    response = await call(env, "POST", IAT, {"expiration": expiration, "count": count})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def remove_expired(env: Env) -> None:
    """``removeExpired``: the realm provider's ``removeExpiredClientInitialAccess``."""
    async with env.db.transaction() as tx:
        await tx.initial_access.purge(env.clock.now())


async def test_initial_access_tokens(env: Env, realm_id: str) -> None:
    rep = {"count": 2, "expiration": 100}
    time = env.clock.now()
    response = await create(env, 100, 2)
    await assert_event(env, realm_id, "CREATE", f"clients-initial-access/{response['id']}", RESOURCE, rep)
    assert response["id"] and response["token"]
    assert (response["count"], response["remainingCount"], response["expiration"]) == (2, 2, 100)
    assert time <= response["timestamp"] <= env.clock.now()
    response = await create(env, 100, 3)
    await assert_event(
        env, realm_id, "CREATE", f"clients-initial-access/{response['id']}", RESOURCE, {**rep, "count": 3}
    )
    response = await create(env, 100, 4)
    last_id = response["id"]
    await assert_event(env, realm_id, "CREATE", f"clients-initial-access/{last_id}", RESOURCE, {**rep, "count": 4})
    listed = await ok(env, "GET", IAT)
    assert len(listed) == 3 and sum(t["count"] for t in listed) == 9
    assert listed[0].get("token") is None
    assert (await call(env, "DELETE", f"{IAT}/{last_id}")).status_code == 204
    await assert_event(env, realm_id, "DELETE", f"clients-initial-access/{last_id}", RESOURCE)
    listed = await ok(env, "GET", IAT)
    assert len(listed) == 2 and sum(t["count"] for t in listed) == 5


async def test_invalid_parameters_while_creating_initial_access_tokens(env: Env, realm_id: str) -> None:
    response = await call(env, "POST", IAT, {"count": -1, "expiration": 100})
    assert_error(response, 400, "Invalid value for count", "The count cannot be less than 0")
    response = await call(env, "POST", IAT, {"count": 100, "expiration": -10})
    assert_error(response, 400, "Invalid value for expiration", "The expiration time interval cannot be less than 0")


async def test_periodic_expiration(env: Env, realm_id: str) -> None:
    await create(env, 1, 1)
    response2 = await create(env, 1000, 1)
    await create(env, 1000, 0)
    response4 = await create(env, 0, 1)
    assert len(await ok(env, "GET", IAT)) == 4
    env.clock.advance(10)
    await remove_expired(env)
    listed = await ok(env, "GET", IAT)
    assert sorted(t["id"] for t in listed) == sorted([response2["id"], response4["id"]])
    env.clock.advance(1990)
    await remove_expired(env)
    listed = await ok(env, "GET", IAT)
    assert [t["id"] for t in listed] == [response4["id"]]
    assert (await call(env, "DELETE", f"{IAT}/{response4['id']}")).status_code == 204
