"""Methods of Keycloak's new-framework offline/refresh core classes that the existing ports
(test_keycloak_refresh_token_test.py, test_keycloak_offline_token_test.py) did not have yet, each test naming the
method it follows: RefreshTokenRevokeTest (@53dc40bb) refreshTokenSameSecondReplayRejected,
refreshTokenRevokeWithConcurrentRefreshTokenRequests and refreshTokenRevokeAndReuseWithConcurrentRefreshTokenRequests; RefreshTokenTest
(@02a42b28) refreshTokenRetainsOpenidScopeWhenOmittedInRefreshRequest and
refreshTokenRetainsOpenidScopeAfterClientSessionScopeNoteOverwritten, refreshTokenWithUnsupportedConfirmationRejected,
refreshTokenWithRealmNotBeforeAndClientNotBefore, refreshTokenClientNotBeforeNotBypassedByOlderRealmNotBefore and
refreshTokenRejectedAfterEnablingCNFCheck; and, from TokenManager.verifyConfirmationBinding, which of the two
confirmation refusals wins for a public DPoP client holding a token whose ``cnf`` binds nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

import keycloak_port as port
from browser_flow import REDIRECT, exchange, login
from dpop_port import ProofKey
from keycloak_port import one_event, poll
from support import claims, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio

APP, SECRET, USER = "test-app", "test-secret", "test-user@localhost"
EVENTS = ["LOGIN", "LOGIN_ERROR", "CODE_TO_TOKEN", "CODE_TO_TOKEN_ERROR", "REFRESH_TOKEN", "REFRESH_TOKEN_ERROR"]


@pytest.fixture
async def kc(env: Env) -> Env:
    """RefreshTokenTestRealmConfig's parts these methods use: test-app, the user, refresh events kept."""
    user = {
        "username": USER,
        "enabled": True,
        "email": USER,
        "firstName": "Tom",
        "lastName": "Brady",
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
    }
    app = {"clientId": APP, "secret": SECRET, "redirectUris": [REDIRECT], "directAccessGrantsEnabled": True}
    realm = {"realm": "test", "enabled": True, "eventsEnabled": True, "enabledEventTypes": EVENTS}
    await port.import_realm(env, {**realm, "clients": [app], "users": [user]})
    return env


async def do_refresh(env: Env, token: str) -> httpx.Response:
    return await refresh(env.http, "test", APP, token, secret=SECRET)


async def expect_event(env: Env, sid: str, token: str, error: str | None = None) -> dict[str, Any]:
    event = await one_event(env)
    assert event["type"] == ("REFRESH_TOKEN" if error is None else "REFRESH_TOKEN_ERROR"), event
    assert event["sessionId"] == sid and event["details"]["refresh_token_id"] == claims(token)["jti"], event
    assert event.get("error") == error, event
    return event


async def test_refresh_token_same_second_replay_rejected(kc: Env) -> None:
    """RefreshTokenRevokeTest.refreshTokenSameSecondReplayRejected: under rotation, RT-0 -> RT-1 -> RT-2 within one
    second, then RT-0 replayed in that same second is refused (the stale check holds even when iat equals the last
    refresh), and the client session goes with it, so RT-2 is refused too."""
    await port.update_realm(kc, revokeRefreshToken=True)
    await poll(kc)
    code = (await login(kc.http, "test", APP, USER, redirect_uri=REDIRECT))["code"]
    sid = (await one_event(kc))["sessionId"]
    first = await exchange(kc.http, "test", APP, code, secret=SECRET)
    assert first.status_code == 200 and (await one_event(kc))["type"] == "CODE_TO_TOKEN"
    rt0 = first.json()["refresh_token"]
    second = await do_refresh(kc, rt0)
    assert second.status_code == 200, second.text
    await expect_event(kc, sid, rt0)
    rt1 = second.json()["refresh_token"]
    third = await do_refresh(kc, rt1)
    assert third.status_code == 200, third.text
    await expect_event(kc, sid, rt1)
    rt2 = third.json()["refresh_token"]
    assert claims(rt0)["iat"] == claims(rt1)["iat"] == claims(rt2)["iat"]  # the precondition: one second
    replay = await do_refresh(kc, rt0)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant", replay.text
    await expect_event(kc, sid, rt0, "invalid_token")
    assert (await do_refresh(kc, rt2)).status_code == 400
    await expect_event(kc, sid, rt2, "invalid_token")


async def concurrent_reuse(env: Env, expected_successes: int) -> None:
    """RefreshTokenRevokeTest.testRefreshTokenConcurrentReuse: five refreshes of one token sent at once; exactly
    ``expected_successes`` succeed, every other one is a 400."""
    code = (await login(env.http, "test", APP, USER, redirect_uri=REDIRECT))["code"]
    first = await exchange(env.http, "test", APP, code, secret=SECRET)
    assert first.status_code == 200, first.text
    token = first.json()["refresh_token"]
    answers = await asyncio.gather(*(do_refresh(env, token) for _ in range(5)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] * expected_successes + [400] * (5 - expected_successes), statuses


async def test_refresh_token_revoke_with_concurrent_refresh_token_requests(kc: Env) -> None:
    """RefreshTokenRevokeTest.refreshTokenRevokeWithConcurrentRefreshTokenRequests (GH issue 45647): under
    rotation, one of five concurrent refreshes of the same token gets through."""
    await port.update_realm(kc, revokeRefreshToken=True)
    await concurrent_reuse(kc, 1)


async def test_refresh_token_revoke_and_reuse_with_concurrent_refresh_token_requests(kc: Env) -> None:
    """RefreshTokenRevokeTest.refreshTokenRevokeAndReuseWithConcurrentRefreshTokenRequests (GH issue 45647): with
    refreshTokenMaxReuse 2, three of five concurrent refreshes get through."""
    await port.update_realm(kc, revokeRefreshToken=True, refreshTokenMaxReuse=2)
    await concurrent_reuse(kc, 3)


def scopes(value: str) -> set[str]:
    return set(value.split())


STORED = {"openid", "basic", "email", "roles", "service_account", "web-origins", "acr", "profile"}


async def code_tokens(env: Env, scope: str) -> dict[str, Any]:
    code = (await login(env.http, "test", APP, USER, redirect_uri=REDIRECT, scope=scope))["code"]
    response = await exchange(env.http, "test", APP, code, secret=SECRET)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def refreshed_profile_only(env: Env, token: str) -> None:
    """A refresh asking ``scope=profile`` keeps ``openid``: its access token works at userinfo, and the rotated
    refresh token keeps the original scope."""
    env.clock.advance(2)
    response = await refresh(env.http, "test", APP, token, secret=SECRET, scope="profile")
    assert response.status_code == 200, response.text
    # Keycloak's method expects exactly "openid profile"; Doorkeep keeps the default ``email`` too, as the ported
    # refreshTokenReuseTokenWithoutRefreshTokensRevokedWithLessScopes of the same class needs (see the report).
    assert {"openid", "profile"} <= scopes(response.json()["scope"])
    info = await env.http.get(
        "/realms/test/protocol/openid-connect/userinfo",
        headers={"Authorization": f"Bearer {response.json()['access_token']}"},
    )
    assert info.status_code == 200, info.text
    assert scopes(claims(response.json()["refresh_token"])["scope"]) >= STORED - {"service_account"}


async def test_refresh_token_retains_openid_scope_when_omitted_in_refresh_request(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenRetainsOpenidScopeWhenOmittedInRefreshRequest."""
    body = await code_tokens(kc, "openid profile")
    assert scopes(body["scope"]) == {"openid", "email", "profile"}
    await refreshed_profile_only(kc, body["refresh_token"])


async def test_refresh_token_retains_openid_scope_after_client_session_scope_note_overwritten(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenRetainsOpenidScopeAfterClientSessionScopeNoteOverwritten: a later SSO login of
    the same client without ``openid`` rewrites the client session's scope note; the first refresh token still
    refreshes with ``openid``."""
    first = await code_tokens(kc, "openid profile")
    later = await code_tokens(kc, "profile")
    assert scopes(later["scope"]) == {"email", "profile"}, later["scope"]
    await refreshed_profile_only(kc, first["refresh_token"])


async def code_refresh_token(env: Env) -> str:
    return str((await code_tokens(env, "openid"))["refresh_token"])


async def with_empty_cnf(env: Env, token: str) -> str:
    """The refresh token re-signed with the realm's key, its ``cnf`` binding nothing."""
    forged = claims(token) | {"cnf": {}}
    codec = env.apps[0].state.doorkeep.services.codec
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        return str(await codec.sign_internal(tx, realm.id, forged, env.clock.now()))


async def test_refresh_token_with_unsupported_confirmation_rejected(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenWithUnsupportedConfirmationRejected: a refresh token (signed with the realm's
    key) whose ``cnf`` binds nothing is refused, "Invalid refresh token confirmation...", invalid_token."""
    token = await with_empty_cnf(kc, await code_refresh_token(kc))
    await poll(kc)
    response = await do_refresh(kc, token)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant", response.text
    assert response.json()["error_description"].startswith("Invalid refresh token confirmation"), response.text
    event = await one_event(kc)
    assert (event["type"], event["error"]) == ("REFRESH_TOKEN_ERROR", "invalid_token"), event


async def set_not_before(env: Env, *, realm: int | None = None, client: int | None = None) -> None:
    if realm is not None:
        await port.update_realm(env, notBefore=realm)
    if client is not None:
        await port.update_client(env, APP, notBefore=client)


async def test_refresh_token_with_realm_not_before_and_client_not_before(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenWithRealmNotBeforeAndClientNotBefore: a past client not-before lets the token
    through; a future realm not-before refuses it whatever the client's."""
    token = await code_refresh_token(kc)
    now = kc.clock.now()
    await set_not_before(kc, client=now - 100)
    assert (await do_refresh(kc, token)).status_code == 200
    await set_not_before(kc, realm=now + 100)
    refused = await do_refresh(kc, token)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant", refused.text


async def test_refresh_token_client_not_before_not_bypassed_by_older_realm_not_before(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenClientNotBeforeNotBypassedByOlderRealmNotBefore: an older realm not-before does
    not hide a newer client not-before."""
    token = await code_refresh_token(kc)
    now = kc.clock.now()
    await set_not_before(kc, realm=now - 200)
    assert (await do_refresh(kc, token)).status_code == 200
    await set_not_before(kc, client=now + 100)
    refused = await do_refresh(kc, token)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant", refused.text


async def test_refresh_token_rejected_after_enabling_cnf_check(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenRejectedAfterEnablingCNFCheck: a public client's unbound refresh token refreshes;
    once the client turns DPoP binding on, it is refused with a proof ("DPoP proof key binding is required",
    invalid_token); once the client wants certificate-bound tokens instead, 401 unauthorized_client (not_allowed);
    with both off it refreshes again."""
    await port.update_client(kc, APP, publicClient=True)
    code = (await login(kc.http, "test", APP, USER, redirect_uri=REDIRECT))["code"]
    first = await exchange(kc.http, "test", APP, code, secret=None)
    assert first.status_code == 200, first.text
    again = await refresh(kc.http, "test", APP, first.json()["refresh_token"], secret=None)
    assert again.status_code == 200, again.text
    token = again.json()["refresh_token"]
    await port.update_client(kc, APP, attributes={"dpop.bound.access.tokens": "true"})
    await poll(kc)
    url = "http://localhost/realms/test/protocol/openid-connect/token"
    proof = ProofKey("rsa").proof("POST", url, kc.clock.now())
    form = {"grant_type": "refresh_token", "refresh_token": token, "client_id": APP}
    refused = await kc.http.post("/realms/test/protocol/openid-connect/token", data=form, headers={"DPoP": proof})
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant", refused.text
    assert refused.json()["error_description"].startswith("DPoP proof key binding is required"), refused.text
    event = await one_event(kc)
    assert (event["type"], event["error"]) == ("REFRESH_TOKEN_ERROR", "invalid_token"), event
    mtls = {"dpop.bound.access.tokens": "false", "tls.client.certificate.bound.access.tokens": "true"}
    await port.update_client(kc, APP, publicClient=False, secret=SECRET, attributes=mtls)
    bound = await do_refresh(kc, token)
    assert bound.status_code == 401 and bound.json()["error"] == "unauthorized_client", bound.text
    event = await one_event(kc)
    assert (event["type"], event["error"]) == ("REFRESH_TOKEN_ERROR", "not_allowed"), event
    await port.update_client(kc, APP, attributes={"tls.client.certificate.bound.access.tokens": "false"})
    assert (await do_refresh(kc, token)).status_code == 200


async def test_a_public_dpop_clients_token_with_an_empty_cnf_needs_the_binding_first(kc: Env) -> None:
    """TokenManager.verifyConfirmationBinding (Keycloak 26.8, PR 50927) checks the client's guards before the
    token's ``cnf``: a public client with DPoP binding on, refreshing a token whose ``cnf`` binds nothing, is told
    "DPoP proof key binding is required", not "Invalid refresh token confirmation"; with DPoP binding off the same
    token is the unsupported confirmation."""
    await port.update_client(kc, APP, publicClient=True)
    code = (await login(kc.http, "test", APP, USER, redirect_uri=REDIRECT))["code"]
    first = await exchange(kc.http, "test", APP, code, secret=None)
    assert first.status_code == 200, first.text
    token = await with_empty_cnf(kc, first.json()["refresh_token"])
    url = "http://localhost/realms/test/protocol/openid-connect/token"
    form = {"grant_type": "refresh_token", "refresh_token": token, "client_id": APP}
    for dpop_on, description in (
        ("true", "DPoP proof key binding is required"),
        ("false", "Invalid refresh token confirmation"),
    ):
        await port.update_client(kc, APP, attributes={"dpop.bound.access.tokens": dpop_on})
        await poll(kc)
        proof = ProofKey("rsa").proof("POST", url, kc.clock.now())
        refused = await kc.http.post("/realms/test/protocol/openid-connect/token", data=form, headers={"DPoP": proof})
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant", refused.text
        assert refused.json()["error_description"].startswith(description), (dpop_on, refused.text)
        event = await one_event(kc)
        assert (event["type"], event["error"]) == ("REFRESH_TOKEN_ERROR", "invalid_token"), event
