"""Keycloak's ClientInitialAccessTest (testsuite .../admin/ClientInitialAccessTest.java, the forerunner of
InitialAccessTokenResourceTest, which test_keycloak_initial_access_token_resource_test.py ports), its one
method ported over ``/admin/realms/test/clients-initial-access`` on one module-wide app with the realm ``test``
imported anew: a token made with ``expiration`` and ``count``, one made from an empty
ClientInitialAccessCreatePresentation (ClientInitialAccessResource's defaults: count 1, expiration 0, never
expiring), both listed without their token, both deleted.
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from group_port import fresh_realm
from role_port import TEST_REALM, call, ok
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

IAT = "/clients-initial-access"


@pytest.fixture
async def realm_id(env: Env) -> str:
    return await fresh_realm(env, TEST_REALM)


async def create(env: Env, body: dict[str, Any]) -> dict[str, Any]:
    response = await call(env, "POST", IAT, body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


@pytest.mark.usefixtures("realm_id")
@pytest.mark.parametrize("empty", [{}, {"expiration": None, "count": None}], ids=["absent", "null"])
async def test_create(env: Env, empty: dict[str, Any]) -> None:
    access = await create(env, {"expiration": 1000, "count": 2})
    assert (access["count"], access["remainingCount"], access["expiration"]) == (2, 2, 1000)
    assert isinstance(access["timestamp"], int) and access["token"]

    access2 = await create(env, empty)  # the Java client sends the empty presentation's nulls left out

    listed = await ok(env, "GET", IAT)
    assert len(listed) == 2
    for r in listed:
        assert isinstance(r["timestamp"], int) and "token" not in r
        if r["id"] == access["id"]:
            assert (r["count"], r["remainingCount"], r["expiration"]) == (2, 2, 1000)
        elif r["id"] == access2["id"]:
            assert (r["count"], r["remainingCount"], r["expiration"]) == (1, 1, 0)
        else:
            pytest.fail(f"Unexpected id {r['id']}")

    for made in (access, access2):
        assert (await call(env, "DELETE", f"{IAT}/{made['id']}")).status_code == 204
    assert await ok(env, "GET", IAT) == []
