"""Keycloak's OfflineTokenExchangeTest (tests/base/.../tests/oauth/OfflineTokenExchangeTest.java @1018eb5e, the
reproducer of keycloak#52139) on Doorkeep's standard token exchange, on the realm of ``tests/token_exchange_realm.py``.

The Java class runs the legacy V1 exchange (feature ``token-exchange``), which Doorkeep does not serve: there the
requester's client session was attached to the *offline* user session but stored as an online row (``offline="0"``),
so the offline session could not see it and a refresh with the exchanged token failed. Its invariant is what is
checked here with the standard exchange (Keycloak 26.2's V2, StandardTokenExchangeProvider): an exchange never writes
a client session of the other kind than the user session it comes from.

* From an offline token, V2 works in a copy of the offline session that lives for the request: the exchanged token's
  jti says so (``ft``, OFFLINE_TRANSIENT_CLIENT), no client session is written, online or offline, even where an online
  session of the same id exists; a refresh token is refused (a new session would be needed), never served from the
  online session of that id.
* From an online token of a session that also has its offline twin (an SSO session that later asked for
  ``offline_access``), a refresh token (``SAME_SESSION``) writes the requester's client session in the online session
  only; the offline session keeps its clients, and both refresh tokens keep refreshing.

The Java methods' V1-only steps (fine-grained ``exchangeToPermission`` of a second target client) have no V2
counterpart; ``testRequesterClientSessionStoredAsOfflineDuringTokenExchange``'s requester != target case is the
``audience`` exchange below.
"""

from __future__ import annotations

from typing import Any

import pytest

import token_exchange_realm
from access_token_realm import get, send, user_id
from browser_flow import exchange as code_exchange
from browser_flow import login
from support import assert_error, claims, refresh
from token_exchange_realm import ACCESS, ID, NEW_SESSION_NEEDED, REFRESH, events, exchange
from wire_env import Env

pytestmark = pytest.mark.anyio

te = token_exchange_realm.te


async def _code_login(env: Env, scope: str) -> dict[str, Any]:
    """``oauth.doLogin`` (or the SSO session's redirect) as john at subject-client, then the code exchanged."""
    redirect = await login(env.http, "test", "subject-client", "john", scope=scope)
    response = await code_exchange(env.http, "test", "subject-client", redirect["code"])
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _twin_sessions(env: Env) -> tuple[dict[str, Any], dict[str, Any]]:
    """An online login, then ``offline_access`` over the same SSO session: one online and one offline session of
    the same id (OfflineTokenTest.onlineOfflineTokenBrowserFlow); the two token responses."""
    online = await _code_login(env, "openid")
    offline = await _code_login(env, "openid offline_access")
    assert claims(offline["refresh_token"])["typ"] == "Offline"
    assert claims(offline["access_token"])["sid"] == claims(online["access_token"])["sid"]
    return online, offline


async def _clients_of(env: Env, sid: str) -> tuple[set[str], set[str]]:
    """The clientIds of the online and of the offline user session ``sid`` (the admin API's user sessions)."""
    john = await user_id(env, "john")
    online = {c for s in await get(env, f"/users/{john}/sessions") if s["id"] == sid for c in s["clients"].values()}
    offline: set[str] = set()
    for client_id in ("subject-client", "requester-client", "target-client1"):
        (rep,) = await get(env, "/clients", clientId=client_id)
        if any(s["id"] == sid for s in await get(env, f"/users/{john}/offline-sessions/{rep['id']}")):
            offline.add(client_id)
    return online, offline


async def _requester_sessions(env: Env) -> tuple[int, int]:
    """How many online and offline client sessions requester-client holds in the realm."""
    (rep,) = await get(env, "/clients", clientId="requester-client")
    online = await get(env, f"/clients/{rep['id']}/user-sessions")
    offline = await get(env, f"/clients/{rep['id']}/offline-sessions")
    return len(online), len(offline)


async def _userinfo_ok(env: Env, token: str) -> None:
    response = await env.http.get(
        "/realms/test/protocol/openid-connect/userinfo", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text


async def test_an_offline_token_exchange_writes_no_client_session(te: Env) -> None:
    """OfflineTokenExchangeTest.testClientSessionStoredAsOfflineDuringTokenExchange, V2: the offline access token of
    a session whose online twin also exists, exchanged by requester-client for an access token and an ID token: each
    answers 200 in the offline session (sid kept, jti ``ft``), and requester-client gets no client session, online or
    offline; the two sessions keep only subject-client. The exchanged access token is usable, and the subject's
    offline token still refreshes."""
    _, offline = await _twin_sessions(te)
    sid = claims(offline["access_token"])["sid"]
    assert claims(offline["access_token"])["jti"].startswith("of")
    assert await _clients_of(te, sid) == ({"subject-client"}, {"subject-client"})
    for requested in (ACCESS, ID):
        response = await exchange(te, offline["access_token"], requested_token_type=requested, scope="openid")
        assert response.status_code == 200, response.text
        assert response.json()["issued_token_type"] == requested
        token = claims(response.json()["access_token"])
        assert token["sid"] == sid
        if requested == ACCESS:
            assert token["jti"].startswith("ft")  # OFFLINE_TRANSIENT_CLIENT: no client session stored
            await _userinfo_ok(te, response.json()["access_token"])
        (event, *_) = await events(te, "TOKEN_EXCHANGE")  # the offline session's id, its copy not being TRANSIENT
        assert event["sessionId"] == sid and event["clientId"] == "requester-client"
    assert await _requester_sessions(te) == (0, 0)
    assert await _clients_of(te, sid) == ({"subject-client"}, {"subject-client"})
    refreshed = await refresh(te.http, "test", "subject-client", offline["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert claims(refreshed.json()["refresh_token"])["typ"] == "Offline"


async def test_an_offline_token_gets_no_refresh_token_from_the_online_twin(te: Env) -> None:
    """OfflineTokenExchangeTest's other direction, V2: a refresh token asked for with the offline access token is
    refused ("creating a new session is needed"), though an online session of the same id holds subject-client;
    nothing is written in either session, with or without an ``audience``
    (testRequesterClientSessionStoredAsOfflineDuringTokenExchange's requester != target)."""
    _, offline = await _twin_sessions(te)
    sid = claims(offline["access_token"])["sid"]
    for audience in (None, ["target-client1"]):
        response = await exchange(te, offline["access_token"], audience=audience, requested_token_type=REFRESH)
        assert_error(response, 400, "invalid_request", NEW_SESSION_NEEDED)
    assert await _requester_sessions(te) == (0, 0)
    assert await _clients_of(te, sid) == ({"subject-client"}, {"subject-client"})


async def test_an_online_refresh_exchange_writes_only_an_online_client_session(te: Env) -> None:
    """The invariant from the online side (keycloak#52139's "and vice versa"): the online access token of a session
    with an offline twin, exchanged for a refresh token (SAME_SESSION), with and without an ``audience``: the
    requester's client session is written in the online session only. The exchanged refresh token is a ``Refresh``
    one and refreshes as requester-client (the Java test's last step); the offline twin keeps subject-client alone and
    its token still refreshes. Once the online session ends, the exchanged refresh token is refused ("Session not
    active") while the offline twin still refreshes."""
    online, offline = await _twin_sessions(te)
    sid = claims(online["access_token"])["sid"]
    for audience in (None, ["target-client1"]):
        response = await exchange(te, online["access_token"], audience=audience, requested_token_type=REFRESH)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["issued_token_type"] == REFRESH
        exchanged = claims(body["refresh_token"])
        assert exchanged["typ"] == "Refresh" and exchanged["sid"] == sid
        assert await _requester_sessions(te) == (1, 0)
        assert await _clients_of(te, sid) == ({"subject-client", "requester-client"}, {"subject-client"})
        refreshed = await refresh(te.http, "test", "requester-client", body["refresh_token"])
        assert refreshed.status_code == 200, refreshed.text
        assert claims(refreshed.json()["access_token"])["sid"] == sid
    again = await refresh(te.http, "test", "subject-client", offline["refresh_token"])
    assert again.status_code == 200, again.text
    assert await _clients_of(te, sid) == ({"subject-client", "requester-client"}, {"subject-client"})
    # the online session ended (the admin API's DELETE without isOffline): the exchanged refresh token is not
    # served from the offline session of the same id, which lives on
    await send(te, "DELETE", f"/sessions/{sid}")
    ended = await refresh(te.http, "test", "requester-client", body["refresh_token"])
    assert_error(ended, 400, "invalid_grant", "Session not active")
    assert await _requester_sessions(te) == (0, 0)
    last = await refresh(te.http, "test", "subject-client", again.json()["refresh_token"])
    assert last.status_code == 200, last.text


async def test_a_refresh_exchange_beside_the_requesters_own_offline_client_session(te: Env) -> None:
    """The case keycloak#52139 mixed up, from the other side: requester-client holds an offline client session of
    its own in the offline twin (its own ``offline_access`` login over the same SSO session) when it exchanges the
    online subject token for a refresh token. The exchange adds its online client session (the rows differ only by
    the offline flag, PersistentClientSessionEntity.Key), and leaves the offline one as it was: the requester's
    offline token and the exchanged refresh token both refresh, each in its own session."""
    online, _ = await _twin_sessions(te)
    sid = claims(online["access_token"])["sid"]
    redirect = await login(te.http, "test", "requester-client", "john", scope="openid offline_access")
    own = await code_exchange(te.http, "test", "requester-client", redirect["code"])
    assert own.status_code == 200, own.text
    own_offline = own.json()["refresh_token"]
    assert claims(own_offline)["typ"] == "Offline" and claims(own_offline)["sid"] == sid
    both = {"subject-client", "requester-client"}
    assert await _clients_of(te, sid) == (both, both)
    assert await _requester_sessions(te) == (1, 1)  # the code exchange's online client session too

    response = await exchange(te, online["access_token"], requested_token_type=REFRESH)
    assert response.status_code == 200, response.text
    exchanged = response.json()["refresh_token"]
    assert claims(exchanged)["typ"] == "Refresh"
    assert await _requester_sessions(te) == (1, 1)
    assert await _clients_of(te, sid) == (both, both)
    for token in (exchanged, own_offline):
        refreshed = await refresh(te.http, "test", "requester-client", token)
        assert refreshed.status_code == 200, refreshed.text
        assert claims(refreshed.json()["refresh_token"])["typ"] == claims(token)["typ"]
    await send(te, "DELETE", f"/sessions/{sid}")  # the online session ends; the offline one is untouched
    assert_error(
        await refresh(te.http, "test", "requester-client", exchanged), 400, "invalid_grant", "Session not active"
    )
    assert (await refresh(te.http, "test", "requester-client", own_offline)).status_code == 200
