"""Keycloak's UserSessionPersisterProviderTest (testsuite/model, 26.x), ported from the persister's API to HTTP
against a real Doorkeep: one pytest per Java method, named after it (set-up and reads as in
tests/offline_model_port.py; ``loadPersistedSessionsPaginated`` is the admin REST's paged list of a client's
offline sessions, ``getUserSessionsCount`` the stored row count).

The Java test writes sessions into the persister by hand (``persister.createUserSession(session, offline)``);
with persistent user sessions (Keycloak 26's default) every online session is stored anyway, and an offline one
is the copy a client's ``offline_access`` grant makes, so that is what is done here.

Not ported, with the reason: ``testOnClientRemoved`` is the same scenario as UserSessionProviderOfflineTest's,
ported as ``test_on_client_removed`` in tests/wire/test_keycloak_offline_session_model.py (the user session is
kept, with no client session); the second half of ``testOnUserRemoved`` (KEYCLOAK-2431: a user deleted
"directly", past the UserManager) has no HTTP counterpart, the admin REST always removes a user's sessions.
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from keycloak_port import ADMIN, admin_headers, get
from offline_model_port import (
    APP,
    DAY,
    FOO,
    SECRET,
    THIRD_PARTY,
    browser_session,
    code_tokens,
    create_sessions,
    delete_session,
    foo,
    foo_session,
    fresh,
    offline_count,
    refresh,
    remove_expired,
    stored_offline,
    user_id,
    uuid_of,
)
from support import password_grant
from wire_env import Env

anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
pytestmark = pytest.mark.anyio


async def load_paginated(env: Env, per_page: int, pages: int, count: int) -> dict[str, dict[str, Any]]:
    """``loadPersistedSessionsPaginated(session, true, per_page, pages, count)``: test-app's offline sessions
    read page by page; the number of (non-empty) pages and of sessions asserted; the sessions by id."""
    uuid = await uuid_of(env, APP)
    found: list[dict[str, Any]] = []
    read = 0
    while True:
        page = await get(env, f"/clients/{uuid}/offline-sessions", first=len(found), max=per_page)
        found += page
        read += 1 if page else 0
        if len(page) < per_page:
            break
    assert (read, len(found)) == (pages, count)
    assert len({s["id"] for s in found}) == count
    return {s["id"]: s for s in found}


def assert_session(rep: dict[str, Any], username: str, ip: str, started: int, last: int, *clients: str) -> None:
    """``assertSession``: user, address, remember-me, start and last refresh (to the second), clients."""
    assert (rep["username"], rep["ipAddress"], rep["rememberMe"]) == (username, ip, True)
    assert abs(rep["start"] // 1000 - started) <= 1 and abs(rep["lastAccess"] // 1000 - last) <= 1
    assert sorted(rep["clients"].values()) == sorted(clients)


async def test_persistence_with_load(env: Env) -> None:
    await fresh(env)
    started = env.clock.now()
    sessions = await create_sessions(env)
    online = {s["id"]: s for s in await get(env, f"/users/{await user_id(env, 'user1')}/sessions")}
    assert_session(online[sessions[0].sid], "user1", "127.0.0.1", started, started, APP, THIRD_PARTY)
    loaded = await load_paginated(env, 2, 2, 3)
    assert set(loaded) == {s.sid for s in sessions}
    assert_session(loaded[sessions[0].sid], "user1", "127.0.0.1", started, started, APP, THIRD_PARTY)
    assert_session(loaded[sessions[1].sid], "user1", "127.0.0.2", started, started, APP)
    assert_session(loaded[sessions[2].sid], "user2", "127.0.0.3", started, started, APP)
    third_party = await get(env, f"/clients/{await uuid_of(env, THIRD_PARTY)}/offline-sessions")
    assert [s["id"] for s in third_party] == [sessions[0].sid]


async def test_update_and_remove(env: Env) -> None:
    await fresh(env)
    started = env.clock.now()
    session = await browser_session(env, "user1", (APP,), (APP,), ip="127.0.0.2", remember_me=True)
    assert_session((await load_paginated(env, 10, 1, 1))[session.sid], "user1", "127.0.0.2", started, started, APP)
    # a third-party client session added to the offline session, then removed (its offline token revoked)
    third_party = await code_tokens(session.http, THIRD_PARTY, scope="openid offline_access")
    assert await offline_count(env, THIRD_PARTY) == 1
    form = {"token": third_party["refresh_token"], "token_type_hint": "refresh_token"}
    revoked = await env.http.post("/realms/test/protocol/openid-connect/revoke", data=form, auth=(THIRD_PARTY, SECRET))
    assert revoked.status_code == 200, revoked.text
    assert await offline_count(env, THIRD_PARTY) == 0
    assert_session((await load_paginated(env, 10, 1, 1))[session.sid], "user1", "127.0.0.2", started, started, APP)
    assert (await delete_session(env, session.sid, offline=True)).status_code == 204  # the user session removed
    await load_paginated(env, 10, 0, 0)
    assert await offline_count(env, APP) == 0


async def test_on_realm_removed(env: Env) -> None:
    await foo(env, "foo-app")
    session_id = await foo_session(env, "foo-app")
    headers = await admin_headers(env)
    realm_id = (await env.http.get(FOO, headers=headers)).json()["id"]
    assert await stored_offline(env, realm_id) == 1
    assert (await env.http.delete(FOO, headers=headers)).status_code == 204
    assert await stored_offline(env, realm_id) == 0
    async with env.db.transaction(write=False) as tx:
        assert await tx.sessions.get_user_session(session_id, True) is None
        assert await tx.sessions.client_sessions(session_id, True) == []


async def test_on_user_removed(env: Env) -> None:
    realm_id = await fresh(env)
    started = env.clock.now()
    sessions = await create_sessions(env)
    assert await stored_offline(env, realm_id) == 3  # the Java test persists two of these; all three are here
    headers = await admin_headers(env)
    removed = await env.http.delete(f"{ADMIN}/users/{await user_id(env, 'user1')}", headers=headers)
    assert removed.status_code == 204, removed.text
    assert await stored_offline(env, realm_id) == 1
    loaded = await load_paginated(env, 10, 1, 1)
    assert_session(loaded[sessions[2].sid], "user2", "127.0.0.3", started, started, APP)
    assert (await offline_count(env, APP), await offline_count(env, THIRD_PARTY)) == (1, 0)
    stats = {s["clientId"]: (s["active"], s["offline"]) for s in await get(env, "/client-session-stats")}
    assert stats == {APP: ("1", "1")}  # user2's online and offline sessions; user1's are gone


async def test_no_sessions(env: Env) -> None:
    realm_id = await fresh(env)
    assert await stored_offline(env, realm_id) == 0
    await load_paginated(env, 1, 0, 0)
    assert await get(env, "/client-session-stats") == []


async def test_more_sessions(env: Env) -> None:
    """2000 sessions in the Java test, 12 here (the suite's time): each a second apart, so that their last
    refreshes differ, each with its one test-app client session; read back three a page."""
    await fresh(env)
    made = []
    for _ in range(12):
        env.clock.advance(1)
        response = await password_grant(env.http, "test", APP, secret=SECRET, scope="offline_access")
        assert response.status_code == 200, response.text
        made.append(response.json()["session_state"])
    loaded = await load_paginated(env, 3, 4, 12)
    assert set(loaded) == set(made)
    for rep in loaded.values():
        assert (rep["username"], rep["ipAddress"], rep["clients"]) == (
            "user1",
            "127.0.0.1",
            {await uuid_of(env, APP): APP},
        )


async def test_expired_sessions(env: Env) -> None:
    realm_id = await fresh(env)
    started = env.clock.now()
    sessions = (await create_sessions(env))[1:]  # the Java test persists user1's second session and user2's
    env.clock.advance(20 * DAY)
    last_refresh = env.clock.now()
    assert (await refresh(env, sessions[0].offline[APP]["refresh_token"])).status_code == 200
    env.clock.set(started + 40 * DAY)
    await remove_expired(env)
    loaded = await load_paginated(env, 10, 1, 1)
    assert_session(loaded[sessions[0].sid], "user1", "127.0.0.2", started, last_refresh, APP)
    # user1's first session and user2's were idle for 40 days: the cleaner removed their rows
    assert await stored_offline(env, realm_id) == 1
