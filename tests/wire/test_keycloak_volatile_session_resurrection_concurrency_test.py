"""Keycloak's VolatileSessionResurrectionConcurrencyTest (tests/base/.../tests/session/
VolatileSessionResurrectionConcurrencyTest.java @2f9d5060), keycloak#51127 for offline sessions: a logout racing
concurrent lookups of the same offline session must not bring it back, and concurrent lookups of a live one all
find it.

Keycloak runs the class with persistent user sessions off, where offline sessions fall back from the cache to the
database; Doorkeep has one mode, the database, with no session cache. The Java workers look the offline session
up server-side (``runOnServer``: ``getOfflineUserSession``); here they ask over HTTP what reads it: the admin API's
offline sessions of the user for the client, and introspection of the offline token. The workers are tasks of one
event loop against the app in process, so their requests interleave at every database await (the real-process,
multi-worker race is test_keycloak_session_resurrection_concurrency_test.py's); 2 of Keycloak's 5 iterations.
The steps that evict or plant cache entries have no counterpart and are left out.

Ported: ``regularLoginLogoutWorks``, ``offlineTokenFlowWorks``,
``logoutDuringConcurrentOfflineRefreshShouldNotResurrectSession``,
``concurrentOfflineReadersWithoutDeleteShouldAllSucceed`` and ``bulkOfflineSessionQueryWithConcurrentImport``
(half the workers list the offline sessions, half introspect the token).

Not ported, each asserting only the cache's bookkeeping through ``runOnServer``:
``loadingMarkerInOfflineCacheIsTreatedAsCacheMiss``, ``offlineSessionNotePersistedToDatabase`` (a note set
server-side), ``noOrphanedClientSessionMarkersAfterConcurrentImport`` (its concurrent lookups and the refresh after
them are ``concurrentOfflineReadersWithoutDeleteShouldAllSucceed``'s), ``bulkQueryBindsToTransactionAndPersistsChanges``
and ``loadingMarkerExpiryRecovery``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import anyio
import pytest

from keycloak_port import forget, import_realm
from support import claims, token_url
from wire_env import Env

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.server_options(oidc_allow_token_introspection_without_audience_check=True),
]

REALM = "volatile-resurrection"
CLIENT = "volatile-marker-test-client"
USER = "volatile-marker-test-user"
CONCURRENT_THREADS = 8
ITERATIONS = 2


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    rep = {
        "realm": REALM,
        "enabled": True,
        "clients": [
            {
                "clientId": CLIENT,
                "secret": "secret",
                "directAccessGrantsEnabled": True,
                "redirectUris": ["http://localhost:8080/*"],
            }
        ],
        "users": [
            {
                "username": USER,
                "enabled": True,
                "email": "volatile-marker-test@localhost",
                "firstName": "Volatile",
                "lastName": "Marker",
                "realmRoles": ["offline_access"],
                "credentials": [{"type": "password", "value": "password"}],
            }
        ],
    }
    await import_realm(env, rep)
    yield env
    forget(env)


async def _token(env: Env, **form: str) -> dict[str, Any]:
    data = {"client_id": CLIENT, "client_secret": "secret", **form}
    response = await env.http.post(token_url(REALM), data=data)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def _password_grant(env: Env, scope: str | None = None) -> dict[str, Any]:
    extra = {"scope": scope} if scope else {}
    return await _token(env, grant_type="password", username=USER, password="password", **extra)


async def _refresh_status(env: Env, refresh_token: str) -> int:
    data = {
        "grant_type": "refresh_token",
        "client_id": CLIENT,
        "client_secret": "secret",
        "refresh_token": refresh_token,
    }
    return (await env.http.post(token_url(REALM), data=data)).status_code


async def _logout(env: Env, refresh_token: str) -> None:
    data = {"client_id": CLIENT, "client_secret": "secret", "refresh_token": refresh_token}
    response = await env.http.post(token_url(REALM, "logout"), data=data)
    assert response.status_code == 204, response.text


async def _admin_get(env: Env, path: str, **params: str) -> Any:
    response = await env.http.get(f"/admin/realms/{REALM}{path}", params=params, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return response.json()


async def _offline_path(env: Env) -> str:
    (user,) = await _admin_get(env, "/users", username=USER, exact="true")
    (client,) = await _admin_get(env, "/clients", clientId=CLIENT)
    return f"/users/{user['id']}/offline-sessions/{client['id']}"


async def _offline_sessions(env: Env, path: str) -> list[dict[str, Any]]:
    """The admin API's offline sessions of the user for the client (UserResource.getOfflineSessions)."""
    found: list[dict[str, Any]] = await _admin_get(env, path)
    return found


async def _introspected_active(env: Env, token: str) -> bool:
    form = {"client_id": CLIENT, "client_secret": "secret", "token": token}
    response = await env.http.post(token_url(REALM, "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    return bool(response.json()["active"])


async def _lookup_until(env: Env, path: str, token: str, session_id: str, stop: anyio.Event, found: list[bool]) -> None:
    """A worker of the race: the offline session looked up until ``stop``, then the token introspected three times
    (each may find it gone)."""
    while not stop.is_set():
        found.append(any(s["id"] == session_id for s in await _offline_sessions(env, path)))
        await anyio.sleep(0)
    for _ in range(3):
        await _introspected_active(env, token)


async def _all_at_once(calls: Sequence[Callable[[], Awaitable[Any]]]) -> list[Any]:
    """Each call as a task of its own, all started together; their results in order (a failure propagates)."""
    results: list[Any] = [None] * len(calls)

    async def run(index: int) -> None:
        results[index] = await calls[index]()

    async with anyio.create_task_group() as group:
        for index in range(len(calls)):
            group.start_soon(run, index)
    return results


async def test_regular_login_logout_works(kc: Env) -> None:
    """VolatileSessionResurrectionConcurrencyTest.regularLoginLogoutWorks"""
    tokens = await _password_grant(kc)
    assert tokens["access_token"] and tokens["refresh_token"]
    refreshed = await _token(kc, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    await _logout(kc, refreshed["refresh_token"])
    assert await _refresh_status(kc, refreshed["refresh_token"]) == 400


async def test_offline_token_flow_works(kc: Env) -> None:
    """VolatileSessionResurrectionConcurrencyTest.offlineTokenFlowWorks"""
    tokens = await _password_grant(kc, "offline_access")
    assert claims(tokens["refresh_token"])["typ"] == "Offline"
    refreshed = await _token(kc, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    await _logout(kc, refreshed["refresh_token"])
    assert await _refresh_status(kc, refreshed["refresh_token"]) == 400


async def test_logout_during_concurrent_offline_refresh_should_not_resurrect_session(kc: Env) -> None:
    """VolatileSessionResurrectionConcurrencyTest.logoutDuringConcurrentOfflineRefreshShouldNotResurrectSession"""
    path = await _offline_path(kc)
    for iteration in range(ITERATIONS):
        tokens = await _password_grant(kc, "offline_access")
        refresh_token = tokens["refresh_token"]
        assert claims(refresh_token)["typ"] == "Offline"
        session_id = claims(refresh_token)["sid"]
        found: list[bool] = []
        stop = anyio.Event()

        async with anyio.create_task_group() as group:
            for _ in range(CONCURRENT_THREADS):
                group.start_soon(_lookup_until, kc, path, refresh_token, session_id, stop, found)
            await anyio.sleep(0.2)  # time for at least one successful lookup
            try:
                await _logout(kc, refresh_token)
                assert await _refresh_status(kc, refresh_token) == 400, f"iteration {iteration}: session came back"
                assert all(s["id"] != session_id for s in await _offline_sessions(kc, path))
                assert not await _introspected_active(kc, refresh_token)
            finally:
                stop.set()
        assert any(found), "At least one worker must have found the offline session before logout"


async def test_concurrent_offline_readers_without_delete_should_all_succeed(kc: Env) -> None:
    """VolatileSessionResurrectionConcurrencyTest.concurrentOfflineReadersWithoutDeleteShouldAllSucceed"""
    tokens = await _password_grant(kc, "offline_access")
    session_id = claims(tokens["refresh_token"])["sid"]
    path = await _offline_path(kc)

    async def lookup() -> bool:
        return any(s["id"] == session_id for s in await _offline_sessions(kc, path))

    assert await _all_at_once([lookup] * CONCURRENT_THREADS) == [True] * CONCURRENT_THREADS
    refreshed = await _token(kc, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    await _logout(kc, refreshed["refresh_token"])


async def test_bulk_offline_session_query_with_concurrent_import(kc: Env) -> None:
    """VolatileSessionResurrectionConcurrencyTest.bulkOfflineSessionQueryWithConcurrentImport"""
    tokens = await _password_grant(kc, "offline_access")
    refresh_token = tokens["refresh_token"]
    path = await _offline_path(kc)

    async def listed() -> bool:
        return bool(await _offline_sessions(kc, path))

    async def introspected() -> bool:
        return await _introspected_active(kc, refresh_token)

    calls = [listed if n % 2 == 0 else introspected for n in range(CONCURRENT_THREADS)]
    assert await _all_at_once(calls) == [True] * CONCURRENT_THREADS
    refreshed = await _token(kc, grant_type="refresh_token", refresh_token=refresh_token)
    await _logout(kc, refreshed["refresh_token"])
