"""Keycloak's SessionResurrectionTombstoneTest (tests/base/.../tests/session/SessionResurrectionTombstoneTest.java
@803c9e4e), keycloak#51127 once more: a reader that loaded a user session before it was removed must not bring it
back afterwards, whether the session was logged out on its own, was an offline session removed, or went with a
realm-wide "logout all".

The Java class plants the stale reader's ``putIfAbsent`` into Infinispan by hand (``runOnServer``) and checks that
the tombstone listener removes the entry again. Doorkeep keeps no session cache: its stale readers are requests
that read the session rows before the removal committed and write after it. A refresh is such a reader twice
over: without rotation (the realm default) it reads without locks and only then touches both rows
(store/sessions.py ``touch_sessions``). So each method here races eight tasks refreshing the session's token
against the removal the Java method performs, over HTTP against the app in process (the tasks interleave at every
database await; both engines with ``DOORKEEP_WIRE_ENGINE``), then
asserts what the Java method asserts of ``getUserSession`` / ``getOfflineUserSession``: the session is gone, and
stays gone, for the admin API, for a refresh and for introspection. No request may answer 5xx.

Ported: ``resurrectedUserSessionIsRemovedAgain`` (``removeUserSession``: the admin API's
``DELETE /sessions/{id}``), ``resurrectedOfflineUserSessionIsRemovedAgain`` (``removeOfflineUserSession``:
``DELETE /sessions/{id}?isOffline=true``) and ``resurrectedUserSessionAfterBulkRealmRemovalIsRemovedAgain``
(``removeUserSessions(realm)``: ``POST /logout-all``). The assumptions (persistent sessions, embedded caches) and
the helpers reading the cached entity's ``started`` have no counterpart.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
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

REALM = "session-resurrection-tombstone"
USERNAME = "user1"
CLIENT_ID = "test-app"
ADMIN = f"/admin/realms/{REALM}"
READERS = 8


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """SessionResurrectionRealmConfig: one user, one client (and the offline_access role, for the offline method)."""
    rep = {
        "realm": REALM,
        "enabled": True,
        "clients": [{"clientId": CLIENT_ID, "secret": "secret", "directAccessGrantsEnabled": True}],
        "users": [
            {
                "username": USERNAME,
                "enabled": True,
                "email": "user1@localhost",
                "firstName": "User",
                "lastName": "One",
                "realmRoles": ["offline_access"],
                "credentials": [{"type": "password", "value": "password"}],
            }
        ],
    }
    await import_realm(env, rep)
    yield env
    forget(env)


async def _tokens(env: Env, *, offline: bool) -> dict[str, Any]:
    form = {"grant_type": "password", "client_id": CLIENT_ID, "client_secret": "secret"}
    form |= {"username": USERNAME, "password": "password", "scope": "offline_access" if offline else "openid"}
    response = await env.http.post(token_url(REALM), data=form)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    assert claims(found["refresh_token"])["typ"] == ("Offline" if offline else "Refresh")
    return found


async def _refresh(env: Env, refresh_token: str) -> int:
    form = {"grant_type": "refresh_token", "client_id": CLIENT_ID, "client_secret": "secret"}
    response = await env.http.post(token_url(REALM), data={**form, "refresh_token": refresh_token})
    assert response.status_code in (200, 400), response.text  # never a 5xx while the session goes
    if response.status_code == 400:
        assert response.json()["error"] == "invalid_grant", response.text
    return response.status_code


async def _admin(env: Env, method: str, path: str, **params: str) -> Any:
    headers = await env.admin_headers()
    response = await env.http.request(method, f"{ADMIN}{path}", params=params, headers=headers)
    assert response.is_success, response.text
    return response.json() if response.status_code == 200 else None


async def _user_path(env: Env) -> str:
    [user] = await _admin(env, "GET", "/users", username=USERNAME, exact="true")
    return f"/users/{user['id']}"


async def _listed(env: Env, session_id: str, *, offline: bool) -> bool:
    """Whether the admin API still lists the session (UserResource.getSessions / getOfflineSessions)."""
    user = await _user_path(env)
    if offline:
        [client] = await _admin(env, "GET", "/clients", clientId=CLIENT_ID)
        found = await _admin(env, "GET", f"{user}/offline-sessions/{client['id']}")
    else:
        found = await _admin(env, "GET", f"{user}/sessions")
    return any(s["id"] == session_id for s in found)


async def _active(env: Env, token: str) -> bool:
    form = {"client_id": CLIENT_ID, "client_secret": "secret", "token": token}
    response = await env.http.post(token_url(REALM, "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    return bool(response.json()["active"])


async def _race(env: Env, refresh_token: str, remove: Callable[[], Awaitable[None]]) -> list[int]:
    """READERS tasks refresh ``refresh_token`` over and over; once some have passed, ``remove`` runs among them;
    each reader stops after its first refusal, or when told to. The statuses, in the order they came."""
    statuses: list[int] = []
    stop = anyio.Event()

    async def reader() -> None:
        while not stop.is_set():
            statuses.append(await _refresh(env, refresh_token))
            if statuses[-1] == 400:
                return
            await anyio.sleep(0)

    async with anyio.create_task_group() as group:
        for _ in range(READERS):
            group.start_soon(reader)
        with anyio.fail_after(30):
            while statuses.count(200) < READERS:
                await anyio.sleep(0.01)
        try:
            await remove()
            for _ in range(READERS):  # refreshes that read the session before the removal may still be running
                await anyio.sleep(0.01)
        finally:
            stop.set()
    return statuses


async def _stays_gone(env: Env, tokens: dict[str, Any], session_id: str, *, offline: bool) -> None:
    """``assertNull(session.sessions().get(Offline)UserSession(realm, id))``, over every way in that Doorkeep has."""
    assert not await _listed(env, session_id, offline=offline), "the removed session came back"
    assert await _refresh(env, tokens["refresh_token"]) == 400
    assert not await _active(env, tokens["refresh_token"])
    assert not await _active(env, tokens["access_token"])
    assert not await _listed(env, session_id, offline=offline), "the removed session came back after a refresh"


async def test_resurrected_user_session_is_removed_again(kc: Env) -> None:
    """SessionResurrectionTombstoneTest.resurrectedUserSessionIsRemovedAgain"""
    tokens = await _tokens(kc, offline=False)
    session_id = claims(tokens["refresh_token"])["sid"]
    assert await _listed(kc, session_id, offline=False)

    async def remove() -> None:
        await _admin(kc, "DELETE", f"/sessions/{session_id}")

    await _race(kc, tokens["refresh_token"], remove)
    await _stays_gone(kc, tokens, session_id, offline=False)


async def test_resurrected_offline_user_session_is_removed_again(kc: Env) -> None:
    """SessionResurrectionTombstoneTest.resurrectedOfflineUserSessionIsRemovedAgain"""
    tokens = await _tokens(kc, offline=True)
    session_id = claims(tokens["refresh_token"])["sid"]
    assert await _listed(kc, session_id, offline=True)

    async def remove() -> None:
        await _admin(kc, "DELETE", f"/sessions/{session_id}", isOffline="true")

    await _race(kc, tokens["refresh_token"], remove)
    await _stays_gone(kc, tokens, session_id, offline=True)


async def test_resurrected_user_session_after_bulk_realm_removal_is_removed_again(kc: Env) -> None:
    """SessionResurrectionTombstoneTest.resurrectedUserSessionAfterBulkRealmRemovalIsRemovedAgain"""
    tokens = await _tokens(kc, offline=False)
    session_id = claims(tokens["refresh_token"])["sid"]

    async def remove() -> None:
        await _admin(kc, "POST", "/logout-all")

    await _race(kc, tokens["refresh_token"], remove)
    await _stays_gone(kc, tokens, session_id, offline=False)
    stats = await _admin(kc, "GET", "/client-session-stats")
    assert all(s["active"] == "0" for s in stats), stats
