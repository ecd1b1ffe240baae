"""Keycloak's StandardTokenExchangeRefreshBaseTokenV2Test (tests/base/.../tests/oauth/tokenexchange/
StandardTokenExchangeRefreshBaseTokenV2Test.java @76e0e763), one test per Java method, on the realm of
``tests/token_exchange_realm.py``: a refresh token from a standard token exchange
(``standard.token.exchange.enableRefreshRequestedTokenType`` = SAME_SESSION) and what refreshing it keeps.

StandardTokenExchangeRefreshTokenV2Test (@925705fe) is the older copy of the same class on the other base class:
its five methods are five of these six with the same assertions (it lacks ``testRefreshIgnoresDisabledAudienceClient``),
so it is ported here too.

``getClientSessionsCountInUserSession`` is the admin API's user session ``clients``; ``getAccessTokenContext``'s
session type is the jti's prefix (AccessTokenContext: ``of`` an offline session).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import token_exchange_realm
from access_token_realm import get, set_client_attributes, update_client, user_id
from support import assert_error, claims, refresh
from token_exchange_realm import (
    ACCESS,
    NEW_SESSION_NEEDED,
    REFRESH,
    SAME_SESSION_REFRESH,
    aud,
    clear_events,
    events,
    exchange,
    subject,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

te = token_exchange_realm.te


def _scopes(token: dict[str, Any]) -> set[str]:
    return set(str(token.get("scope") or "").split()) - {""}


def _assert_audiences_and_scopes(response: httpx.Response, audiences: list[str], scopes: list[str]) -> dict[str, Any]:
    """``assertAudiencesAndScopes(response, audiences, scopes)``: the access token's ``aud``, ``resource_access``
    and scopes."""
    assert response.status_code == 200, response.text
    token = claims(response.json()["access_token"])
    assert aud(token) == set(audiences), token
    assert set(token.get("resource_access", {})) == set(audiences), token
    assert _scopes(token) == set(scopes), token
    return token


async def _assert_exchanged(env: Env, response: httpx.Response, audiences: list[str], scopes: list[str]) -> None:
    """The exchange's half of ``assertAudiencesAndScopes(response, mike, .., REFRESH_TOKEN_TYPE, "subject-client")``:
    the TOKEN_EXCHANGE event's details."""
    token = _assert_audiences_and_scopes(response, audiences, scopes)
    (event, *_) = await events(env, "TOKEN_EXCHANGE")
    assert event["clientId"] == "requester-client" and event["userId"] == await user_id(env, "mike")
    assert event.get("sessionId") == token.get("sid")
    details = event["details"]
    assert set(details["audience"].split(" ")) == set(audiences) and set(details["scope"].split(" ")) == set(scopes)
    assert details["requested_token_type"] == REFRESH and details["subject_token_client_id"] == "subject-client"


async def _assert_refresh_event(env: Env, token: dict[str, Any]) -> None:
    (event, *_) = await events(env, "REFRESH_TOKEN")
    assert event["details"]["token_id"] == token["jti"] and event["details"]["refresh_token_type"] == "Refresh"
    assert event["sessionId"] == token["sid"]


async def _client_sessions(env: Env, username: str, session_id: str) -> int:
    """``getClientSessionsCountInUserSession``: the clients of the user's online session."""
    (found,) = [s for s in await get(env, f"/users/{await user_id(env, username)}/sessions") if s["id"] == session_id]
    return len(found["clients"])


async def test_scope_param_included_audience_included_refresh_token(te: Env) -> None:
    """StandardTokenExchangeRefreshBaseTokenV2Test.testScopeParamIncludedAudienceIncludedRefreshToken (and
    StandardTokenExchangeRefreshTokenV2Test's)"""
    access = (await subject(te, username="mike"))["access_token"]
    response = await exchange(
        te, access, audience=["target-client1"], scope="optional-scope2", requested_token_type=REFRESH
    )
    await _assert_exchanged(te, response, ["target-client1"], ["default-scope1", "optional-scope2"])
    refresh_token = response.json()["refresh_token"]
    assert refresh_token
    for _ in range(2):  # the audience asked for at the exchange keeps restricting the refreshed tokens
        response = await refresh(te.http, "test", "requester-client", refresh_token)
        token = _assert_audiences_and_scopes(response, ["target-client1"], ["default-scope1", "optional-scope2"])
        await _assert_refresh_event(te, token)
        refresh_token = response.json()["refresh_token"]


async def test_refresh_ignores_disabled_audience_client(te: Env) -> None:
    """StandardTokenExchangeRefreshBaseTokenV2Test.testRefreshIgnoresDisabledAudienceClient"""
    access = (await subject(te, username="mike"))["access_token"]
    response = await exchange(te, access, audience=["target-client1"], requested_token_type=REFRESH)
    assert response.status_code == 200, response.text
    refresh_token = response.json()["refresh_token"]
    assert refresh_token
    await update_client(te, "target-client1", enabled=False)
    # a new exchange for the disabled audience client is refused
    refused = await exchange(te, access, audience=["target-client1"], requested_token_type=REFRESH)
    assert_error(refused, 400, "invalid_client", "Client disabled")
    # the refresh keeps succeeding, but the disabled audience client is no longer part of the token
    response = await refresh(te.http, "test", "requester-client", refresh_token)
    assert response.status_code == 200, response.text
    token = claims(response.json()["access_token"])
    assert "target-client1" not in aud(token) and "target-client1" not in token.get("resource_access", {}), token


async def test_exchange_no_refresh_token(te: Env) -> None:
    """StandardTokenExchangeRefreshBaseTokenV2Test.testExchangeNoRefreshToken (and
    StandardTokenExchangeRefreshTokenV2Test's)"""
    await set_client_attributes(te, "requester-client", standard_token_exchange_enableRefreshRequestedTokenType="NO")
    access = (await subject(te))["access_token"]
    response = await exchange(te, access)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["issued_token_type"] == ACCESS and body["access_token"] and "refresh_token" not in body
    await set_client_attributes(te, "requester-client", use_refresh_tokens="false", **SAME_SESSION_REFRESH)
    response = await exchange(te, access, requested_token_type=REFRESH)
    assert_error(response, 400, "invalid_request", "requested_token_type unsupported")


async def test_offline_access_not_allowed(te: Env) -> None:
    """StandardTokenExchangeRefreshBaseTokenV2Test.testOfflineAccessNotAllowed (and
    StandardTokenExchangeRefreshTokenV2Test's)"""
    access = (await subject(te, username="mike"))["access_token"]
    session_id = claims(access)["sid"]
    assert await _client_sessions(te, "mike", session_id) == 1
    response = await exchange(
        te, access, audience=["target-client1"], scope="offline_access", requested_token_type=REFRESH
    )
    assert_error(response, 400, "invalid_request", "Scope offline_access not allowed for token exchange")
    assert await _client_sessions(te, "mike", session_id) == 1  # no client session was made


async def test_offline_access_login_with_regular_token_exchange(te: Env) -> None:
    """StandardTokenExchangeRefreshBaseTokenV2Test.testOfflineAccessLoginWithRegularTokenExchange (and
    StandardTokenExchangeRefreshTokenV2Test's); subject-client has offline_access among its optional scopes in
    this realm already, where the Java test adds it."""
    access = (await subject(te, username="mike", scope="offline_access"))["access_token"]
    original = claims(access)
    assert original["jti"].startswith("of")  # AccessTokenContext.SessionType.OFFLINE
    # a plain access token exchange is allowed for the offline session
    response = await exchange(te, access, audience=["target-client1"])
    exchanged = _assert_audiences_and_scopes(response, ["target-client1"], ["default-scope1"])
    assert exchanged["sid"] == original["sid"]
    # a refresh token is not: it would need a new online session, the subject's being offline
    await clear_events(te)
    response = await exchange(te, access, audience=["target-client1"], requested_token_type=REFRESH)
    assert_error(response, 400, "invalid_request", NEW_SESSION_NEEDED)
    (event,) = await events(te, "TOKEN_EXCHANGE_ERROR")
    assert event["clientId"] == "requester-client" and event["error"] == "invalid_request"
    assert event["userId"] == await user_id(te, "mike") and event["sessionId"] == original["sid"]
    assert event["details"]["reason"] == NEW_SESSION_NEEDED


async def test_offline_access_not_allowed_after_offline_access_login(te: Env) -> None:
    """StandardTokenExchangeRefreshBaseTokenV2Test.testOfflineAccessNotAllowedAfterOfflineAccessLogin (and
    StandardTokenExchangeRefreshTokenV2Test's)"""
    access = (await subject(te, username="mike", scope="offline_access"))["access_token"]
    mike = await user_id(te, "mike")
    subject_uuid = (await get(te, "/clients", clientId="subject-client"))[0]["id"]
    requester_uuid = (await get(te, "/clients", clientId="requester-client"))[0]["id"]

    async def counts() -> tuple[int, int, int]:
        online = await get(te, f"/users/{mike}/sessions")
        offline_subject = await get(te, f"/users/{mike}/offline-sessions/{subject_uuid}")
        offline_requester = await get(te, f"/users/{mike}/offline-sessions/{requester_uuid}")
        return len(online), len(offline_subject), len(offline_requester)

    assert await counts() == (0, 1, 0)
    response = await exchange(
        te, access, audience=["target-client1"], scope="offline_access", requested_token_type=REFRESH
    )
    assert response.status_code == 400, response.text
    assert await counts() == (0, 1, 0)  # no new session kept
