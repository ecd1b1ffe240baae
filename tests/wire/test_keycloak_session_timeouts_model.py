"""Keycloak's SessionTimeoutsTest (testsuite/model, 26.x), ported from the session provider's API to HTTP
against a real Doorkeep: one pytest per Java method, named after it.

``configureTimeouts`` sets the realm's offline and SSO values, and the client-level override either on the
client (``client.[offline.]session.{idle.timeout,max.lifespan}``) or on the realm
(``client[Offline]Session{IdleTimeout,MaxLifespan}``); ``createUserSession`` makes a remember-me session
(``rememberMe=true``), here a browser login with "Remember me" ticked (the realm has remember-me on and no
remember-me timeouts, so the SSO values apply: RealmExpiration takes the larger). A client session is
"recreated" by the same browser's SSO login (with ``offline_access`` for the offline session); a session
"refreshed" by a refresh-token grant (for an offline session, the browser's online one is refreshed
with it, since an offline refresh leaves the online session idle and its SSO then could not recreate anything). What the Java test reads from the provider is read from the admin REST:
``users/{id}/sessions`` (online sessions with their live clients) and ``users/{id}/offline-sessions/{client}``
(offline sessions with a live client session of that client), their ``start`` telling a session kept from one
made again.

The "greater than session" methods put a client session max (5000) above the SSO max (3000): since 26.5
Keycloak's admin REST refuses that for the online values (tests/wire/test_client_session_timeout_limits.py),
as Doorkeep does; those tests assert the refusal, then store the values directly, as the model test does.

Already pinned elsewhere: each timeout's exact second (tests/wire/test_keycloak_time_boundaries.py), refresh
errors of expired client sessions (test_offline_refresh.py), expired sessions hidden (test_expired_sessions_hidden.py).
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
import support
from keycloak_port import ADMIN, admin_headers, get
from offline_model_port import APP, Browser, browser_session, code_tokens, fresh, refresh, user_id, uuid_of
from wire_env import Env

anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
pytestmark = pytest.mark.anyio


async def configure_timeouts(
    env: Env, realm_max: int, realm_idle: int, override_in_client: bool, lifespan: bool, client_value: int
) -> None:
    realm: dict[str, Any] = {
        "offlineSessionMaxLifespanEnabled": True,
        "offlineSessionMaxLifespan": realm_max,
        "offlineSessionIdleTimeout": realm_idle,
        "clientOfflineSessionMaxLifespan": realm_max,
        "clientOfflineSessionIdleTimeout": realm_idle,
        "ssoSessionMaxLifespan": realm_max,
        "ssoSessionIdleTimeout": realm_idle,
        "clientSessionMaxLifespan": realm_max,
        "clientSessionIdleTimeout": realm_idle,
    }
    attributes: dict[str, str] = {}
    kind = "max.lifespan" if lifespan else "idle.timeout"
    if override_in_client:
        attributes = {f"client.offline.session.{kind}": str(client_value), f"client.session.{kind}": str(client_value)}
    else:
        field = "MaxLifespan" if lifespan else "IdleTimeout"
        realm |= {f"clientOfflineSession{field}": client_value, f"clientSession{field}": client_value}
    await fresh(env, **realm)
    headers = await admin_headers(env)
    uuid = await uuid_of(env, APP)
    rep = await get(env, f"/clients/{uuid}")
    response = await env.http.put(f"{ADMIN}/clients/{uuid}", json={**rep, "attributes": attributes}, headers=headers)
    assert response.status_code == 204, response.text


async def configure_above_sso(env: Env, override_in_client: bool, client_value: int) -> None:
    """``configureTimeouts(3000, 7200, override, true, client_value)`` with a client session max above the SSO
    max: the admin REST refuses it (400), so the values are stored directly."""
    await configure_timeouts(env, 3000, 7200, override_in_client, True, 1000)
    headers = await admin_headers(env)
    if override_in_client:
        uuid = await uuid_of(env, APP)
        rep = await get(env, f"/clients/{uuid}")
        attributes = {"client.offline.session.max.lifespan": str(client_value)}
        attributes["client.session.max.lifespan"] = str(client_value)
        refused = await env.http.put(f"{ADMIN}/clients/{uuid}", json={**rep, "attributes": attributes}, headers=headers)
        assert refused.status_code == 400, refused.text
        assert "Client session max lifespan cannot exceed realm SSO session max lifespan" in refused.text
        await support.update_client(env.db, "test", APP, attributes=attributes)
    else:
        body = {"clientOfflineSessionMaxLifespan": client_value, "clientSessionMaxLifespan": client_value}
        refused = await env.http.put(ADMIN, json=body, headers=headers)
        assert refused.status_code == 400, refused.text
        assert "Client session max lifespan cannot exceed" in refused.text
        await support.update_realm(
            env.db, "test", client_offline_session_max_lifespan=client_value, client_session_max_lifespan=client_value
        )


async def create_session(env: Env, offline: bool) -> Browser:
    """``createUserSession(..., rememberMe=true)`` and ``createClientSession`` for test-app (offline: copied)."""
    return await browser_session(env, "user1", (APP,), (APP,) if offline else (), remember_me=True)


async def sessions(env: Env, offline: bool) -> dict[str, tuple[int, set[str]]]:
    """user1's (start, clientIds) by session id: online sessions with their live clients, or offline ones
    holding a live test-app session."""
    uid = await user_id(env, "user1")
    if offline:
        found = await get(env, f"/users/{uid}/offline-sessions/{await uuid_of(env, APP)}")
    else:
        found = await get(env, f"/users/{uid}/sessions")
    return {s["id"]: (s["start"], set(s["clients"].values())) for s in found}


class Clock:
    """``setTimeOffset``: the test clock at the session's creation plus an offset."""

    def __init__(self, env: Env) -> None:
        self.env, self.start = env, env.clock.now()

    def offset(self, seconds: int) -> None:
        self.env.clock.set(self.start + seconds)


async def assert_with_client(env: Env, browser: Browser, offline: bool, start: int) -> None:
    assert (await sessions(env, offline)).get(browser.sid) == (start, {APP})


async def assert_without_client(env: Env, browser: Browser, offline: bool, start: int) -> None:
    """The user session is there and its test-app session is not (an offline session without a live
    client session of the client is not listed for it)."""
    found = await sessions(env, offline)
    if offline:
        assert browser.sid not in found
    else:
        assert found.get(browser.sid) == (start, set())


async def recreate_client_session(browser: Browser, offline: bool) -> None:
    scope = "openid offline_access" if offline else "openid"
    body = await code_tokens(browser.http, APP, scope=scope)
    assert body["session_state"] == browser.sid


async def assert_gone(env: Env, browser: Browser, offline: bool) -> None:
    assert browser.sid not in await sessions(env, offline)


async def user_client_max_lifespan_smaller_than_session(env: Env, offline: bool, override_in_client: bool) -> None:
    await configure_timeouts(env, 3000, 7200, override_in_client, True, 2000)
    clock = Clock(env)
    browser = await create_session(env, offline)
    start = (await sessions(env, offline))[browser.sid][0]
    clock.offset(1000)
    await assert_with_client(env, browser, offline, start)
    clock.offset(2100)  # the client session's 2000 are over, the user session's 3000 are not
    await assert_without_client(env, browser, offline, start)
    await recreate_client_session(browser, offline)
    clock.offset(2500)
    await assert_with_client(env, browser, offline, start)  # the same user session: its start unchanged
    clock.offset(3100)
    await assert_gone(env, browser, offline)


async def user_client_max_lifespan_greater_than_session(env: Env, offline: bool, override_in_client: bool) -> None:
    await configure_above_sso(env, override_in_client, 5000)
    clock = Clock(env)
    browser = await create_session(env, offline)
    start = (await sessions(env, offline))[browser.sid][0]
    clock.offset(2000)
    await assert_with_client(env, browser, offline, start)
    clock.offset(3100)  # the user session's max ends the client session, whatever its own max
    await assert_gone(env, browser, offline)


async def user_client_idle_timeout_smaller_than_session(env: Env, refresh_times: int, offline: bool) -> None:
    await configure_timeouts(env, 7200, 3000, False, False, 2000)
    clock = Clock(env)
    browser = await create_session(env, offline)
    start = (await sessions(env, offline))[browser.sid][0]
    token = (browser.offline if offline else browser.online)[APP]["refresh_token"]
    offset = 0
    for _ in range(refresh_times):
        offset += 1500
        clock.offset(offset)
        await assert_with_client(env, browser, offline, start)
        response = await refresh(env, token)  # lastSessionRefresh and the client session's timestamp now
        assert response.status_code == 200, response.text
        if offline:  # the browser's online session too, or its SSO could not recreate the client session
            online = await refresh(env, browser.online[APP]["refresh_token"])
            assert online.status_code == 200, online.text
    offset += 2100
    clock.offset(offset)  # the client session idled out (2000), the user session did not (3000)
    await assert_without_client(env, browser, offline, start)
    await recreate_client_session(browser, offline)
    offset += 3100
    clock.offset(offset)
    await assert_gone(env, browser, offline)


async def test_offline_user_client_max_lifespan_greater_than_session(env: Env) -> None:
    await user_client_max_lifespan_greater_than_session(env, True, False)


async def test_offline_user_client_max_lifespan_greater_than_session_override_in_client(env: Env) -> None:
    await user_client_max_lifespan_greater_than_session(env, True, True)


async def test_offline_user_client_max_lifespan_smaller_than_session(env: Env) -> None:
    await user_client_max_lifespan_smaller_than_session(env, True, False)


async def test_offline_user_client_max_lifespan_smaller_than_session_override_in_client(env: Env) -> None:
    await user_client_max_lifespan_smaller_than_session(env, True, True)


async def test_offline_user_client_idle_timeout_smaller_than_session_no_refresh(env: Env) -> None:
    await user_client_idle_timeout_smaller_than_session(env, 0, True)


async def test_offline_user_client_idle_timeout_smaller_than_session_one_refresh(env: Env) -> None:
    await user_client_idle_timeout_smaller_than_session(env, 1, True)


async def test_online_user_client_max_lifespan_greater_than_session(env: Env) -> None:
    await user_client_max_lifespan_greater_than_session(env, False, False)


async def test_online_user_client_max_lifespan_greater_than_session_override_in_client(env: Env) -> None:
    await user_client_max_lifespan_greater_than_session(env, False, True)


async def test_online_user_client_max_lifespan_smaller_than_session(env: Env) -> None:
    await user_client_max_lifespan_smaller_than_session(env, False, False)


async def test_online_user_client_max_lifespan_smaller_than_session_override_in_client(env: Env) -> None:
    await user_client_max_lifespan_smaller_than_session(env, False, True)


async def test_online_user_client_idle_timeout_smaller_than_session_no_refresh(env: Env) -> None:
    await user_client_idle_timeout_smaller_than_session(env, 0, False)


async def test_online_user_client_idle_timeout_smaller_than_session_one_refresh(env: Env) -> None:
    await user_client_idle_timeout_smaller_than_session(env, 1, False)
