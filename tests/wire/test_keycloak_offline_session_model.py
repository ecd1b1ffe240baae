"""Keycloak's UserSessionProviderOfflineModelTest (testsuite/model, 26.x) and the integration testsuite's
UserSessionProviderOfflineTest, ported from the session provider's API to HTTP against a real Doorkeep: one
pytest per Java method, named after it (tests/offline_model_port.py builds the sessions through a browser and
reads them through the admin REST; ``persister.getUserSessionsCount(true)`` is the stored row count and
``persister.removeExpired`` one run of the periodic cleaner at the test clock's time).

Not ported, with the reason:

* ``testLoadingOfflineClientSessionWhenCreatedBeforeSessionTime`` sets a client session's timestamp into the
  past through the model API before copying it to an offline one; no HTTP request can date a client session.
* ``testOfflineSessionLifespanOverride`` measures the Infinispan caches' entry lifespan override, which exists
  only without persistent user sessions (KEYCLOAK.md §11); Doorkeep keeps no session cache.

Already pinned elsewhere, not repeated: the idle and max seconds of one offline session
(tests/wire/test_keycloak_time_boundaries.py, test_offline_refresh.py), the cleaner's batches and its window
past the idle and max (test_cleaner.py), expired sessions hidden from every admin read and count
(test_expired_sessions_hidden.py), an online session's logout or admin deletion leaving the offline one
(test_admin_sessions.py, test_keycloak_offline_token_test.py), remember-me lifetimes
(test_keycloak_refresh_token_test.py, test_keycloak_login_test.py), Offline Session Max Limited on and off
(test_offline_refresh.py). Restarts and several nodes: test_keycloak_offline_session_persistence.py.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import group_port
from keycloak_port import ADMIN, admin_headers, get, import_realm
from offline_model_port import (
    APP,
    DAY,
    FOO,
    THIRD_PARTY,
    browser_session,
    create_sessions,
    foo,
    foo_clients,
    foo_realm,
    foo_session,
    foo_uuid,
    fresh,
    offline_clients,
    offline_count,
    offline_ids,
    refresh,
    remove_expired,
    stored_offline,
    user_id,
    uuid_of,
)
from wire_env import Env, another_worker

anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
pytestmark = pytest.mark.anyio

# createEnvironment: offline max limited (60 days by default), the realm's client-level offline timeouts huge.
MODEL_REALM: dict[str, Any] = {
    "offlineSessionIdleTimeout": 30 * DAY,
    "offlineSessionMaxLifespanEnabled": True,
    "clientOfflineSessionIdleTimeout": 999999999,
    "clientOfflineSessionMaxLifespan": 999999999,
}


async def test_expired(env: Env) -> None:
    realm_id = await fresh(env, **MODEL_REALM)
    start = env.clock.now()
    sessions = await create_sessions(env)
    for session in sessions:  # every saved offline session found, with its client sessions
        assert await offline_clients(env, session.sid) == set(session.offline)
    assert await stored_offline(env, realm_id) == 3
    s0 = sessions[0].offline[APP]["refresh_token"]
    for at in (300, 20 * DAY, 21 * DAY):  # session0's lastSessionRefresh moved on three times
        env.clock.set(start + at)
        assert (await refresh(env, s0)).status_code == 200
    env.clock.set(start + 40 * DAY)
    assert await remove_expired(env) >= 2
    assert await stored_offline(env, realm_id) == 1
    assert await offline_clients(env, sessions[0].sid) == {APP, THIRD_PARTY}
    for gone in sessions[1:]:
        response = await refresh(env, gone.offline[APP]["refresh_token"])
        assert response.json()["error_description"] == "Offline user session not found", response.text
    assert await offline_count(env, APP) == 1
    env.clock.set(start + 7000000)  # past the 60-day max: everything expires
    await remove_expired(env)
    assert await stored_offline(env, realm_id) == 0
    assert await offline_count(env, APP) == await offline_count(env, THIRD_PARTY) == 0
    response = await refresh(env, s0)  # its own exp (the 60-day max) is checked before the session
    assert response.json() == {"error": "invalid_grant", "error_description": "Token is not active"}


async def test_load_user_sessions_with_not_deleted_offline_client_sessions(env: Env) -> None:
    realm_id = await fresh(env, **MODEL_REALM)
    await create_sessions(env)
    assert await stored_offline(env, realm_id) == 3
    env.clock.advance(7000000)  # everything expires, the offline client sessions with their user sessions
    await remove_expired(env)
    assert await stored_offline(env, realm_id) == 0
    fresh_one = await browser_session(env, "user1", (APP,), (APP,))
    another = await browser_session(env, "user1", (APP,), (APP,), ip="127.0.0.2")
    assert await stored_offline(env, realm_id) == 2
    assert await offline_ids(env, "user1", APP) == {fresh_one.sid, another.sid}
    assert await offline_count(env, APP) == 2
    assert await offline_count(env, THIRD_PARTY) == 0


async def _offline_sessions_of_user1(env: Env, count: int) -> set[str]:
    """``createOfflineSessions("user1", count, ...)``: sessions with test-app and third-party, copied offline."""
    made = [await browser_session(env, "user1", (APP, THIRD_PARTY), (APP, THIRD_PARTY)) for _ in range(count)]
    return {m.sid for m in made}


async def test_offline_session_lazy_loading(env: Env) -> None:
    """``closeKeycloakSessionFactory`` then four independent factories: four fresh apps (their own engines and
    caches) on the database, each of which finds exactly user1's offline sessions with both clients."""
    await fresh(env, **MODEL_REALM)
    expected = await _offline_sessions_of_user1(env, 5)  # the Java test's 10, halved for the suite's time
    for _ in range(4):
        async with another_worker(env) as node:
            headers = await admin_headers(env)
            uid = await user_id(env, "user1")
            for client_id in (APP, THIRD_PARTY):
                (rep,) = (await node.get(f"{ADMIN}/clients", params={"clientId": client_id}, headers=headers)).json()
                listed = await node.get(f"{ADMIN}/users/{uid}/offline-sessions/{rep['id']}", headers=headers)
                assert {s["id"] for s in listed.json()} == expected


async def test_offline_session_lazy_loading_propagation_between_nodes(env: Env) -> None:
    """The first of four nodes makes the sessions; every node, the first included, then sees all of them."""
    await fresh(env, **MODEL_REALM)
    async with another_worker(env) as first:
        app = env.apps[-1]
        made = [await browser_session(env, "user1", (APP, THIRD_PARTY), (APP, THIRD_PARTY), app=app) for _ in range(3)]
        expected = {m.sid for m in made}
        for _ in range(3):
            async with another_worker(env) as node:
                for http in (first, node):
                    assert await _user1_offline_ids(env, http) == expected


async def _user1_offline_ids(env: Env, http: httpx.AsyncClient) -> set[str]:
    headers = await admin_headers(env)
    (rep,) = (await http.get(f"{ADMIN}/clients", params={"clientId": APP}, headers=headers)).json()
    uid = await user_id(env, "user1")
    return {
        s["id"] for s in (await http.get(f"{ADMIN}/users/{uid}/offline-sessions/{rep['id']}", headers=headers)).json()
    }


async def test_offline_client_session_loading(env: Env) -> None:
    """The offline client sessions are found again by a node that never held them (the Java test clears the
    offline client session cache): each of user1's two offline sessions still has its test-app session."""
    await fresh(env, **MODEL_REALM)
    sessions = await create_sessions(env)
    user1 = {s.sid for s in sessions[:2]}
    assert await offline_ids(env, "user1", APP) == user1
    async with another_worker(env) as node:
        assert await _user1_offline_ids(env, node) == user1


# --- UserSessionProviderOfflineTest (testsuite/integration-arquillian, model) --------------------------------


async def _clients_with_offline_token(env: Env, username: str) -> set[str]:
    """``UserSessionManager.findClientsWithOfflineToken``: the user's "Offline Token" grants (UserResource)."""
    consents = await get(env, f"/users/{await user_id(env, username)}/consents")
    return {c["clientId"] for c in consents if any(g["key"] == "Offline Token" for g in c["additionalGrants"])}


async def _client_offline_sessions(env: Env, client_id: str) -> list[tuple[str, str]]:
    """``getOfflineUserSessions(realm, client, 0, 10)``: (ipAddress, username) of each."""
    listed = await get(env, f"/clients/{await uuid_of(env, client_id)}/offline-sessions", first=0, max=10)
    return [(s["ipAddress"], s["username"]) for s in listed]


async def test_offline_sessions_crud(env: Env) -> None:
    """The Java test reads a test-app count of 2 after the first revoke ("may not be accurate ... due the
    performance optimizations" of the old cache); Keycloak 26 removes the client sessions from the database, and
    Doorkeep's counts are exact: 1 (user2's) is what is left."""
    await fresh(env)
    sessions = await create_sessions(env)
    for session in sessions:
        assert await offline_clients(env, session.sid) == set(session.offline)
    assert await _clients_with_offline_token(env, "user1") == {APP, THIRD_PARTY}
    assert await _clients_with_offline_token(env, "user2") == {APP}
    assert (await offline_count(env, APP), await offline_count(env, THIRD_PARTY)) == (3, 1)
    uid = await user_id(env, "user1")
    headers = await admin_headers(env)
    assert (await env.http.delete(f"{ADMIN}/users/{uid}/consents/{APP}", headers=headers)).status_code == 204
    assert (await offline_count(env, APP), await offline_count(env, THIRD_PARTY)) == (1, 1)
    assert await _client_offline_sessions(env, THIRD_PARTY) == [("127.0.0.1", "user1")]
    assert await _clients_with_offline_token(env, "user1") == {THIRD_PARTY}
    assert await _clients_with_offline_token(env, "user2") == {APP}
    assert (await env.http.delete(f"{ADMIN}/users/{uid}/consents/{THIRD_PARTY}", headers=headers)).status_code == 204
    assert (await offline_count(env, APP), await offline_count(env, THIRD_PARTY)) == (1, 0)
    assert await _client_offline_sessions(env, APP) == [("127.0.0.3", "user2")]
    assert await _clients_with_offline_token(env, "user1") == set()


async def test_on_realm_removed(env: Env) -> None:
    await foo(env, "foo-app")
    session_id = await foo_session(env, "foo-app")
    assert await foo_clients(env, session_id) == {"foo-app"}
    headers = await admin_headers(env)
    assert (await env.http.delete(FOO, headers=headers)).status_code == 204
    await import_realm(env, foo_realm("foo-app"))  # the realm made again, with the same names
    count = await env.http.get(f"{FOO}/clients/{await foo_uuid(env, 'foo-app')}/offline-session-count", headers=headers)
    assert count.json() == {"count": 0}
    async with env.db.transaction(write=False) as tx:
        assert await tx.sessions.get_user_session(session_id, True) is None


async def test_on_client_removed(env: Env) -> None:
    """Removing both clients leaves the offline user session with no client session (the Java test finds it
    with ``getAuthenticatedClientSessions().size() == 0``): it is not deleted, only empty."""
    await foo(env, "foo-app", "bar-app")
    session_id = await foo_session(env, "foo-app", "bar-app")
    assert await foo_clients(env, session_id) == {"foo-app", "bar-app"}
    headers = await admin_headers(env)
    foo_app = await foo_uuid(env, "foo-app")
    assert (await env.http.delete(f"{FOO}/clients/{foo_app}", headers=headers)).status_code == 204
    assert await foo_clients(env, session_id) == {"bar-app"}
    bar_app = await foo_uuid(env, "bar-app")
    assert (await env.http.delete(f"{FOO}/clients/{bar_app}", headers=headers)).status_code == 204
    assert await foo_clients(env, session_id) == set()
    async with env.db.transaction(write=False) as tx:
        assert await tx.sessions.get_user_session(session_id, True) is not None
        assert await tx.sessions.client_sessions(session_id, True) == []
    stats = (await env.http.get(f"{FOO}/client-session-stats", headers=headers)).json()
    assert [s for s in stats if s["offline"] != "0"] == []


async def test_on_user_removed(env: Env) -> None:
    await foo(env, "foo-app")
    session_id = await foo_session(env, "foo-app")
    headers = await admin_headers(env)
    (user3,) = (await env.http.get(f"{FOO}/users", params={"username": "user3"}, headers=headers)).json()
    listed = await env.http.get(
        f"{FOO}/users/{user3['id']}/offline-sessions/{await foo_uuid(env, 'foo-app')}", headers=headers
    )
    [session] = listed.json()
    assert (session["id"], session["username"], session["ipAddress"]) == (session_id, "user3", "127.0.0.1")
    assert session["clients"] == {await foo_uuid(env, "foo-app"): "foo-app"}
    assert (await env.http.delete(f"{FOO}/users/{user3['id']}", headers=headers)).status_code == 204
    count = await env.http.get(f"{FOO}/clients/{await foo_uuid(env, 'foo-app')}/offline-session-count", headers=headers)
    assert count.json() == {"count": 0}
    gone = await env.http.delete(f"{FOO}/sessions/{session_id}", params={"isOffline": "true"}, headers=headers)
    assert gone.status_code == 404, gone.text
