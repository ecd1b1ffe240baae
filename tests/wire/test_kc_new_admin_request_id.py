"""Keycloak's new-framework RequestIdIntegrationTest (tests/base/.../tests/admin/, keycloak@79bb429e): every
answer carries ``X-Request-ID``, a UUID of its own (RequestIdHeaderFilter), here on the admin API's user
creation as in the Java class, and beyond it on the token endpoint's direct route, a login page and a 404.

Keycloak's RequestIdHandler may take a client's own ``X-Request-ID`` (the Java class's second method accepts
either); Doorkeep never echoes it, so a request cannot choose a header of the answer (tested below)."""

from __future__ import annotations

import re
import uuid

import anyio
import httpx
import pytest

from support import seed_client, seed_realm, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

USERS = "/admin/realms/test/users"
UUID_FORMAT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    return env


async def _create(env: Env, username: str, **headers: str) -> httpx.Response:
    response = await env.http.post(USERS, json={"username": username}, headers={**await env.admin_headers(), **headers})
    assert response.status_code == 201, response.text
    return response


def _request_id(response: httpx.Response) -> str:
    found: str | None = response.headers.get("X-Request-ID")
    assert found is not None, response.headers
    assert UUID_FORMAT.fullmatch(found), found
    assert uuid.UUID(found) != uuid.UUID(int=0)
    return found


async def test_a_new_request_gets_a_uuid(realm: Env) -> None:
    """RequestIdIntegrationTest#testRequestIdInResponseHeader_NewRequest, #testRequestIdFormat_IsValidUuid and
    #testRequestIdHeaderName_IsCorrect"""
    response = await _create(realm, "requestid-test-user-1")
    found = _request_id(response)
    assert len(found) == 36
    assert response.headers.get("x-request-id") == found
    assert [name for name, _ in response.headers.raw].count(b"x-request-id") == 1


async def test_a_clients_own_request_id_is_not_echoed(realm: Env) -> None:
    """RequestIdIntegrationTest#testRequestIdInResponseHeader_ExistingRequestId (an id is there either way)"""
    for sent in ("custom-request-id-12345", "x" * 5000):
        response = await _create(realm, f"requestid-test-user-{len(sent)}", **{"X-Request-ID": sent})
        assert _request_id(response) != sent


async def test_concurrent_requests_get_unique_ids(realm: Env) -> None:
    """RequestIdIntegrationTest#testMultipleConcurrentRequests_UniqueRequestIds"""
    found: list[str] = []

    async def create(index: int) -> None:
        found.append(_request_id(await _create(realm, f"concurrent-test-user-{index}")))

    async with anyio.create_task_group() as group:
        for index in range(10):
            group.start_soon(create, index)
    assert len(found) == len(set(found)) == 10


async def test_each_operation_has_its_own_id(realm: Env) -> None:
    """RequestIdIntegrationTest#testRequestIdConsistency_AcrossMultipleOperations and
    #testRequestIdPresent_InDifferentAdminOperations"""
    first = _request_id(await _create(realm, "consistency-test-user-1"))
    second = _request_id(await _create(realm, "consistency-test-user-2"))
    listed = _request_id(await realm.http.get(USERS, headers=await realm.admin_headers()))
    assert len({first, second, listed}) == 3


async def test_every_kind_of_answer_carries_one(realm: Env) -> None:
    token = await realm.http.post(token_url("test"), data={"grant_type": "password", "client_id": "nobody"})
    assert token.status_code == 401
    page = await realm.http.get(
        "/realms/test/protocol/openid-connect/auth",
        params={"client_id": "app", "redirect_uri": "http://127.0.0.1:9999/cb", "response_type": "code"},
    )
    assert page.status_code == 200
    missing = await realm.http.get("/realms/test/no-such-thing")
    assert missing.status_code == 404
    assert len({_request_id(token), _request_id(page), _request_id(missing)}) == 3
