"""Shared set-up of the wire ports of Keycloak's model-level session tests (UserSessionProviderOfflineModelTest,
UserSessionPersisterProviderTest, SessionTimeoutsTest, OfflineSessionPersistenceTest): the realm ``test`` with
``user1``/``user2`` and the clients ``test-app`` and ``third-party`` of ``UserSessionPersisterProviderTest.
createClients``, imported once on the module's one app (``group_port.shared_env``) and reset for each test
(``fresh``).

The Java tests build sessions with ``createUserSession`` / ``createClientSession`` /
``createOrUpdateOfflineSession``; here a browser logs in (``openid``), which makes the online user session and
its first client session, then asks each client for ``offline_access`` through its SSO cookie, which copies
the session to an offline one with the same id holding that client (KEYCLOAK.md §4.3 item 4: an existing SSO
session keeps its online session). ``third-party`` is not consent-required here (the Java client is): the
consent screen is another test's subject and the model tests never show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette

from browser_flow import REDIRECT, code_from, exchange, login, start, submit
from doorkeep.sessions.cleaner import clean_once
from keycloak_port import ADMIN, admin_headers, get, import_realm, post, put
from login_client import BrowserClient
from wire_env import Env

APP = "test-app"
THIRD_PARTY = "third-party"
SECRET = "password"  # createClients: clientModel.setSecret("password")
PASSWORD = "password"
DAY = 86400


def user(username: str) -> dict[str, Any]:
    """``addUser(realm, name).setEmail(name@localhost)``, with the names and password a login needs."""
    credentials = [{"type": "password", "value": PASSWORD, "temporary": False}]
    names = {"firstName": username, "lastName": "Model", "email": f"{username}@localhost", "emailVerified": True}
    roles = ["offline_access"]  # what the default role gives a user the admin API creates
    return {"username": username, "enabled": True, **names, "credentials": credentials, "realmRoles": roles}


def client(client_id: str, **attributes: str) -> dict[str, Any]:
    return {
        "clientId": client_id,
        "enabled": True,
        "secret": SECRET,
        "redirectUris": [REDIRECT],
        "directAccessGrantsEnabled": True,
        "attributes": attributes,
    }


def realm_rep(**settings: Any) -> dict[str, Any]:
    """The realm of ``createEnvironment``; ``rememberMe`` on, so that remember-me sessions can be made."""
    return {
        "realm": "test",
        "enabled": True,
        "rememberMe": True,
        "users": [user("user1"), user("user2")],
        "clients": [client(APP), client(THIRD_PARTY)],
        **settings,
    }


# The client attributes of SessionTimeoutsTest (OIDCConfigAttributes), blank (unset) before each test.
TIMEOUTS = (
    "client.session.idle.timeout",
    "client.session.max.lifespan",
    "client.offline.session.idle.timeout",
    "client.offline.session.max.lifespan",
)
# The realm's timeouts as imported (KEYCLOAK.md §5.1), put back before each test.
BASELINE: dict[str, Any] = {
    "ssoSessionIdleTimeout": 1800,
    "ssoSessionMaxLifespan": 36000,
    "ssoSessionIdleTimeoutRememberMe": 0,
    "ssoSessionMaxLifespanRememberMe": 0,
    "offlineSessionIdleTimeout": 30 * DAY,
    "offlineSessionMaxLifespanEnabled": False,
    "offlineSessionMaxLifespan": 60 * DAY,
    "clientSessionIdleTimeout": 0,
    "clientSessionMaxLifespan": 0,
    "clientOfflineSessionIdleTimeout": 0,
    "clientOfflineSessionMaxLifespan": 0,
}


async def fresh(env: Env, **settings: Any) -> str:
    """The realm as ``createEnvironment`` leaves it, its id: imported once per module (an import costs over a
    second), then for each test its sessions removed (``cleanEnvironment``: ``removeUserSessions(realm)``), its
    users and clients made again if a test removed them, its timeouts set to ``BASELINE`` plus ``settings``;
    an empty cookie jar."""
    env.http.cookies.clear()
    headers = await admin_headers(env)
    if (await env.http.get(ADMIN, headers=headers)).status_code == 404:
        await import_realm(env, realm_rep())
    realm_id = str((await get(env, ""))["id"])
    async with env.db.transaction() as tx:
        for offline in (False, True):
            await tx.sessions.delete_realm_sessions(realm_id, offline)
    for username in ("user1", "user2"):
        if not await get(env, "/users", username=username, exact="true"):
            await post(env, "/users", user(username), status=201)
    for client_id in (APP, THIRD_PARTY):
        found = await get(env, "/clients", clientId=client_id)
        if not found:
            await post(env, "/clients", client(client_id), status=201)
        else:
            await put(env, f"/clients/{found[0]['id']}", {**found[0], "attributes": dict.fromkeys(TIMEOUTS, "")})
    await put(env, "", {**BASELINE, **settings})
    return realm_id


@dataclass
class Browser:
    """One browser (its own cookie jar and IP address) and the tokens its clients got, by clientId."""

    http: httpx.AsyncClient
    sid: str = ""
    online: dict[str, dict[str, Any]] = field(default_factory=dict)
    offline: dict[str, dict[str, Any]] = field(default_factory=dict)


async def code_tokens(http: httpx.AsyncClient, client_id: str, **params: str) -> dict[str, Any]:
    """A login (or SSO) through ``client_id`` and its code exchanged; the token response."""
    code = (await login(http, "test", client_id, **params))["code"]
    response = await exchange(http, "test", client_id, code, secret=SECRET)
    assert response.status_code == 200, response.text
    return dict(response.json())


def browser(env: Env, ip: str = "127.0.0.1", app: Starlette | None = None) -> httpx.AsyncClient:
    """Another browser (its own cookie jar) at ``ip`` on the module's app (or on ``app``)."""
    transport = httpx.ASGITransport(app=app or env.apps[0], raise_app_exceptions=False, client=(ip, 50000))
    return BrowserClient(transport=transport, base_url="http://localhost")


async def browser_session(
    env: Env,
    username: str,
    online: tuple[str, ...] = (APP,),
    offline: tuple[str, ...] = (),
    ip: str = "127.0.0.1",
    remember_me: bool = False,
    app: Starlette | None = None,
) -> Browser:
    """``createUserSession`` + ``createClientSession`` for each of ``online`` (a login, then SSO), then
    ``createOrUpdateOfflineSession`` for each of ``offline`` (SSO with ``offline_access``)."""
    session = Browser(browser(env, ip, app))
    first, *others = online
    page = await start(session.http, "test", first)
    assert page.status_code == 200, page.text[:300]
    fields = {"username": username, "password": PASSWORD, **({"rememberMe": "on"} if remember_me else {})}
    code = code_from(await submit(session.http, page, **fields))["code"]
    response = await exchange(session.http, "test", first, code, secret=SECRET)
    assert response.status_code == 200, response.text
    session.online[first] = dict(response.json())
    session.sid = str(session.online[first]["session_state"])
    for client_id in others:
        session.online[client_id] = await code_tokens(session.http, client_id, scope="openid")
        assert session.online[client_id]["session_state"] == session.sid
    for client_id in offline:
        body = await code_tokens(session.http, client_id, scope="openid offline_access")
        assert body["session_state"] == session.sid, "the offline session has the online session's id"
        session.offline[client_id] = body
    return session


async def create_sessions(env: Env) -> list[Browser]:
    """``UserSessionPersisterProviderTest.createSessions`` and ``createOfflineSessionIncludeClientSessions`` for
    each: remember-me sessions of user1 from 127.0.0.1 with test-app and third-party, of user1 from 127.0.0.2
    with test-app, of user2 from 127.0.0.3 with test-app; every client session copied to the offline session of
    the same id."""
    return [
        await browser_session(env, "user1", (APP, THIRD_PARTY), (APP, THIRD_PARTY), ip="127.0.0.1", remember_me=True),
        await browser_session(env, "user1", (APP,), (APP,), ip="127.0.0.2", remember_me=True),
        await browser_session(env, "user2", (APP,), (APP,), ip="127.0.0.3", remember_me=True),
    ]


async def refresh(env: Env, token: str, client_id: str = APP) -> httpx.Response:
    form = {"grant_type": "refresh_token", "refresh_token": token}
    return await env.http.post("/realms/test/protocol/openid-connect/token", data=form, auth=(client_id, SECRET))


async def uuid_of(env: Env, client_id: str) -> str:
    (rep,) = await get(env, "/clients", clientId=client_id)
    return str(rep["id"])


async def user_id(env: Env, username: str) -> str:
    (rep,) = await get(env, "/users", username=username, exact="true")
    return str(rep["id"])


async def offline_ids(env: Env, username: str, client_id: str) -> set[str]:
    """``getOfflineUserSessionsStream(realm, user)`` narrowed to those holding ``client_id``: the ids of the
    user's live offline sessions with a live client session of that client (admin REST)."""
    sessions = await get(env, f"/users/{await user_id(env, username)}/offline-sessions/{await uuid_of(env, client_id)}")
    return {s["id"] for s in sessions}


async def offline_clients(env: Env, session_id: str) -> set[str]:
    """``findOfflineUserSession(realm, id).getAuthenticatedClientSessions()``: the clientIds of its live client
    sessions, from the client listings of the admin REST."""
    found = set()
    for client_id in (APP, THIRD_PARTY):
        sessions = await get(env, f"/clients/{await uuid_of(env, client_id)}/offline-sessions")
        if any(s["id"] == session_id for s in sessions):
            found.add(client_id)
    return found


async def offline_count(env: Env, client_id: str) -> int:
    """``getOfflineSessionsCount(realm, client)``."""
    return int((await get(env, f"/clients/{await uuid_of(env, client_id)}/offline-session-count"))["count"])


async def online_count(env: Env, client_id: str) -> int:
    return int((await get(env, f"/clients/{await uuid_of(env, client_id)}/session-count"))["count"])


async def stats(env: Env) -> dict[str, tuple[str, str]]:
    """``getActiveClientSessionStats``: (active, offline) by clientId, as the strings Keycloak sends."""
    return {s["clientId"]: (s["active"], s["offline"]) for s in await get(env, "/client-session-stats")}


async def stored_offline(env: Env, realm_id: str) -> int:
    """``persister.getUserSessionsCount(true)``: the offline user sessions stored, live or not."""
    async with env.db.transaction(write=False) as tx:
        return await tx.sessions.count_realm_sessions(realm_id, True)


async def remove_expired(env: Env) -> int:
    """``persister.removeExpired(realm)``: one run of the periodic cleaner at the test clock's time."""
    return await clean_once(env.db, env.clock.now())


async def delete_session(env: Env, session_id: str, offline: bool) -> httpx.Response:
    headers = await admin_headers(env)
    return await env.http.delete(
        f"{ADMIN}/sessions/{session_id}", params={"isOffline": str(offline).lower()}, headers=headers
    )


# --- the second realm, foo ------------------------------------------------------------------------------------
FOO = "/admin/realms/foo"


def foo_realm(*client_ids: str) -> dict[str, Any]:
    """The ``foo`` realm of the integration test: its clients and ``user3``, the SSO timeouts it sets."""
    clients = [
        {"clientId": c, "secret": "password", "redirectUris": ["http://127.0.0.1:9999/callback"]} for c in client_ids
    ]
    timeouts = {"ssoSessionIdleTimeout": 1800, "ssoSessionMaxLifespan": 36000}
    offline = {"offlineSessionIdleTimeout": 2592000, "offlineSessionMaxLifespan": 5184000}
    return {
        "realm": "foo",
        "enabled": True,
        "rememberMe": True,
        "users": [user("user3")],
        "clients": clients,
        **timeouts,
        **offline,
    }


async def foo(env: Env, *client_ids: str) -> None:
    """Realm ``foo`` made anew with ``client_ids`` (UserSessionProviderOfflineTest's ``createRealm("foo")``)."""
    headers = await admin_headers(env)
    assert (await env.http.delete(FOO, headers=headers)).status_code in (204, 404)
    await import_realm(env, foo_realm(*client_ids))


async def foo_session(env: Env, *client_ids: str) -> str:
    """user3's remember-me session in ``foo`` through the first client, copied to an offline session holding
    each of ``client_ids``; its id."""
    http = browser(env)
    first, *others = client_ids
    page = await start(http, "foo", first)
    code = code_from(await submit(http, page, username="user3", password=PASSWORD, rememberMe="on"))["code"]
    body = (await exchange(http, "foo", first, code, secret="password")).json()
    for client_id in (first, *others):
        code = (await login(http, "foo", client_id, scope="openid offline_access"))["code"]
        offline = await exchange(http, "foo", client_id, code, secret="password")
        assert offline.json()["session_state"] == body["session_state"], offline.text
    return str(body["session_state"])


async def foo_clients(env: Env, session_id: str) -> set[str]:
    headers = await admin_headers(env)
    found = set()
    for rep in (await env.http.get(f"{FOO}/clients", headers=headers)).json():
        listed = await env.http.get(f"{FOO}/clients/{rep['id']}/offline-sessions", headers=headers)
        if listed.status_code == 200 and any(s["id"] == session_id for s in listed.json()):
            found.add(rep["clientId"])
    return found


async def foo_uuid(env: Env, client_id: str) -> str:
    headers = await admin_headers(env)
    (rep,) = (await env.http.get(f"{FOO}/clients", params={"clientId": client_id}, headers=headers)).json()
    return str(rep["id"])
