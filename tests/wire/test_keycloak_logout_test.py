"""Keycloak's ``org.keycloak.testsuite.oauth.LogoutTest`` (testsuite/integration-arquillian), ported: the
non-browser logout with a refresh token (``POST .../logout``, 204) and the backchannel logout it and the browser
logout send, one test per Java method.

The realm is LoginTest's part of Keycloak's ``testrealm.json`` (``tests/login_test_realm.py``) plus its
``test-app-scope`` client, imported through the admin API; events are polled as ``events.poll()`` does and
``setTimeOffset`` is the fake clock. ``testingClient.testApp().getBackChannelRawLogoutToken()`` is a receiver on
127.0.0.1 (``tests/receiver.py``).

Skipped Java methods, and why:

* ``postLogoutWithRefreshTokenAfterUserSessionLogoutAndLoginAgain``, ``logoutUserByAdmin``,
  ``backchannelLogoutRequest_RealmRS384_ClientRS512``, ``successfulKLogoutAfterEmptyBackChannelUrl``: already
  ported in ``test_keycloak_logout_revoke_introspect.py``.
* ``adminLogoutDoesNotUseMaliciousClientSessionHost``: Doorkeep takes no ``client_session_host`` and does not
  expand ``${application.session.host}`` in a backchannel URL, so there is no host to inject.
* The ``getAdminLogoutAction`` asserts (Keycloak's legacy ``k_logout`` POST to an adapter's admin URL): Doorkeep
  sends only OIDC backchannel logout tokens; the tests assert the session's end instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

import httpx
import jwt
import pytest

import keycloak_port as port
from browser_flow import exchange
from keycloak_port import import_realm, one_event, poll, session_active, update_client, update_realm
from login_test_realm import APP, APP_BASE, SECRET, is_login_page, login, open_login_form, realm_rep
from receiver import Received, receiver
from support import claims, header, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

USER = "test-user@localhost"
SCOPE_APP = "test-app-scope"
APP_AUTH_ROOT = APP_BASE + "/auth"
BACKCHANNEL = "backchannel.logout.url"
EVENT = "http://schemas.openid.net/event/backchannel-logout"
NOT_ACTIVE = {"error": "invalid_grant", "error_description": "Session not active"}


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    rep = realm_rep()
    for client in rep["clients"]:
        client.setdefault("attributes", {})["post.logout.redirect.uris"] = "+"
    scope_app = {"clientId": SCOPE_APP, "secret": SECRET, "redirectUris": ["http://127.0.0.1:9999/*"]}
    rep["clients"].append({**scope_app, "fullScopeAllowed": False, "directAccessGrantsEnabled": True})
    await import_realm(env, rep)
    await poll(env)
    yield env
    port.forget(env)


async def browser_login(env: Env, client: str = APP, username: str = USER) -> dict[str, Any]:
    """``oauth.doLogin`` (or the SSO answer) and ``accessTokenRequest(code)``."""
    page = await open_login_form(env, client)
    answer = page if page.status_code == 302 else await login(env, page, username)
    code = dict(httpx.URL(answer.headers["location"]).params)["code"]
    response = await exchange(env.http, "test", client, code, secret=SECRET)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def do_logout(env: Env, refresh_token: str, client: str = APP) -> httpx.Response:
    """``oauth.doLogout(refreshToken)``: the form with the client's credentials in Basic auth."""
    form = {"refresh_token": refresh_token}
    return await env.http.post(token_url("test", "logout"), data=form, auth=(client, SECRET))


async def refresh(env: Env, refresh_token: str, client: str = APP) -> httpx.Response:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return await env.http.post(token_url("test", "token"), data=form, auth=(client, SECRET))


async def rp_logout(env: Env, id_token: str) -> httpx.Response:
    params = {"id_token_hint": id_token, "post_logout_redirect_uri": APP_AUTH_ROOT}
    return await env.http.get("/realms/test/protocol/openid-connect/logout", params=params)


async def logout_token(env: Env, got: Received) -> tuple[dict[str, Any], dict[str, Any]]:
    """The received logout token's header and claims, its signature checked against the realm's JWKS."""
    assert got.content_type == "application/x-www-form-urlencoded"
    raw = parse_qs(got.body)["logout_token"][0]
    head = jwt.get_unverified_header(raw)
    jwks = jwt.PyJWKSet.from_dict((await env.http.get(token_url("test", "certs"))).json())
    key = next(k for k in jwks.keys if k.key_id == head["kid"])
    body = jwt.decode(raw, key.key, algorithms=[head["alg"]], audience=APP, options={"verify_exp": False})
    return head, dict(body)


def validate_logout_token(token: dict[str, Any]) -> None:
    """LogoutTest.validateLogoutToken (Back-Channel Logout 1.0 §2.4): iss, aud, iat, exp, jti, and the event
    with an empty member object."""
    for name in ("iss", "aud", "iat", "exp", "jti"):
        assert token.get(name), (name, token)
    assert token["events"] == {EVENT: {}}, token


# --- LogoutTest -----------------------------------------------------------------------------------------


async def test_post_logout(kc: Env) -> None:
    """postLogout: the refresh token logs out (204, empty); LOGOUT names the session; the SSO session is gone,
    so that refresh token is then refused with Keycloak's "Session not active"."""
    body = await browser_login(kc)
    await poll(kc)
    response = await do_logout(kc, body["refresh_token"])
    assert response.status_code == 204 and response.content == b""
    event = await one_event(kc)
    assert event["type"] == "LOGOUT" and event["sessionId"] == body["session_state"] and event["clientId"] == APP
    assert not await session_active(kc, body["session_state"])
    refused = await refresh(kc, body["refresh_token"])
    assert refused.status_code == 400 and refused.json() == NOT_ACTIVE
    assert is_login_page(await open_login_form(kc))


async def test_post_logout_expired_refresh_token(kc: Env) -> None:
    """postLogoutExpiredRefreshToken: a refresh token made stale by the realm's notBefore still logs out
    (KEYCLOAK-3302), while a refresh with it is refused."""
    body = await browser_login(kc)
    await update_realm(kc, notBefore=kc.clock.now() + 1)
    stale = await refresh(kc, body["refresh_token"])
    assert stale.status_code == 400 and stale.json()["error_description"] == "Stale token"
    assert (await do_logout(kc, body["refresh_token"])).status_code == 204
    assert not await session_active(kc, body["session_state"])


async def test_post_logout_fail_with_credentials_of_different_client(kc: Env) -> None:
    """postLogoutFailWithCredentialsOfDifferentClient: test-app's refresh token with test-app-scope's
    credentials is 400, and the session stays."""
    body = await browser_login(kc)
    await poll(kc)
    response = await do_logout(kc, body["refresh_token"], client=SCOPE_APP)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "Invalid refresh token. Token client and authorized client don't match",
    }
    event = await one_event(kc)
    assert event["type"] == "LOGOUT_ERROR" and event["error"] == "invalid_token", event
    assert event["clientId"] == SCOPE_APP and event["details"]["reason"] == response.json()["error_description"]
    assert await session_active(kc, body["session_state"])
    assert (await refresh(kc, body["refresh_token"])).status_code == 200


async def test_logout_backchannel_two_clients_specific_configuration_is_used(kc: Env) -> None:
    """logoutBackchannelTwoClientsSpecificConfigurationIsUsed: logging out test-app-scope's login (its hint)
    tells test-app by backchannel, with a logout token signed in test-app's own ID-token algorithm."""
    with receiver(port=18101) as got:
        attributes = {"id.token.signed.response.alg": "RS512", BACKCHANNEL: f"{got.url}/admin/backchannelLogout"}
        await update_client(kc, APP, attributes=attributes)
        await browser_login(kc)
        second = await browser_login(kc, SCOPE_APP)
        response = await rp_logout(kc, second["id_token"])
        assert response.status_code == 302 and response.headers["location"] == APP_AUTH_ROOT
        (request,) = await got.wait_for(1)
    head, token = await logout_token(kc, request)
    assert request.path == "/admin/backchannelLogout"
    assert head["alg"] == "RS512" and head["typ"] == "logout+jwt"
    validate_logout_token(token)
    assert token["sub"] == claims(second["access_token"])["sub"]


async def test_remove_auth_session_when_user_session_from_id_token_is_invalid(kc: Env) -> None:
    """testRemoveAuthSessionWhenUserSessionFromIdTokenIsInvalid: the user is deleted after login; the logout
    with that user's hint redirects (no 500), and a new user then logs in through the login page; twice."""
    for _ in range(2):
        for name in ("user-0", "user-1"):
            rep = {
                "username": name,
                "enabled": True,
                "email": f"{name}@keycloak",
                "firstName": "first",
                "lastName": "last",
                "credentials": [{"type": "password", "value": "password", "temporary": False}],
            }
            if name == "user-1":
                page = await open_login_form(kc)
                assert is_login_page(page), page.text[:400]
            await port.post(kc, "/users", rep, status=201)
            body = await browser_login(kc, username=name)
            uid = await port.user_id(kc, name)
            if name == "user-0":
                await port.delete(kc, f"/users/{uid}")
            response = await rp_logout(kc, body["id_token"])
            assert response.status_code == 302 and response.headers["location"] == APP_AUTH_ROOT
            if name == "user-1":
                await port.delete(kc, f"/users/{uid}")


async def test_back_channel_preference_over_k_logout(kc: Env) -> None:
    """backChannelPreferenceOverKLogout: with a backchannel URL the browser logout redirects and the client
    gets a valid ``logout+jwt`` token for the session."""
    with receiver(port=18102) as got:
        await update_client(kc, APP, attributes={BACKCHANNEL: f"{got.url}/admin/backchannelLogout"})
        body = await browser_login(kc)
        response = await rp_logout(kc, body["id_token"])
        assert response.status_code == 302 and response.headers["location"] == APP_AUTH_ROOT
        (request,) = await got.wait_for(1)
    head, token = await logout_token(kc, request)
    assert head["typ"] == "logout+jwt" and head["alg"] == header(body["id_token"])["alg"]
    validate_logout_token(token)
    assert token["sub"] == claims(body["access_token"])["sub"]


async def test_back_channel_with_pairwise_logout(kc: Env) -> None:
    """backChannelWithPairwiseLogout: with a pairwise subject mapper (salt ``123456``, no sector identifier) on
    test-app, the logout token the browser logout sends names the user by the same pairwise ``sub`` as the
    client's access token, not by the user's id."""
    uuid = await port.client_uuid(kc, APP)
    mapper = {
        "name": "pairwise subject identifier",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-sha256-pairwise-sub-mapper",
        "config": {"sectorIdentifierUri": "", "pairwiseSubAlgorithmSalt": "123456"},
    }
    await port.post(kc, f"/clients/{uuid}/protocol-mappers/models", mapper, status=201)
    with receiver() as got:
        await update_client(kc, APP, attributes={BACKCHANNEL: f"{got.url}/admin/backchannelLogout"})
        body = await browser_login(kc)
        response = await rp_logout(kc, body["id_token"])
        assert response.status_code == 302 and response.headers["location"] == APP_AUTH_ROOT
        (request,) = await got.wait_for(1)
    head, token = await logout_token(kc, request)
    validate_logout_token(token)
    assert head["typ"] == "logout+jwt"
    subject = claims(body["access_token"])["sub"]
    assert token["sub"] == subject
    assert subject != await port.user_id(kc, USER)  # the pairwise mapper did apply


# --- Doorkeep's additions: the refresh-token logout's refusals, the offline token's logout -----------------


async def test_logout_without_refresh_token_is_an_oauth_error(kc: Env) -> None:
    """A POST that carries ``refresh_token`` takes this path: an empty one is "Invalid refresh token"; a POST
    without it is RP-initiated logout (a page, never "No refresh token")."""
    response = await do_logout(kc, "")
    assert response.json() == {"error": "invalid_grant", "error_description": "Invalid refresh token"}
    event = await one_event(kc)
    assert event["type"] == "LOGOUT_ERROR" and event["error"] == "invalid_token" and event["clientId"] == APP
    assert event["details"]["reason"] == "Invalid refresh token"
    page = await kc.http.post(token_url("test", "logout"), data={"client_id": APP}, auth=(APP, SECRET))
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]


async def test_an_offline_token_logout_ends_the_offline_session_and_its_online_twin(kc: Env) -> None:
    """KEYCLOAK.md 4.4 (S17 logout(userSession, offline=true)): the offline token's logout revokes the offline
    session, so it no longer refreshes, and the online session with the same id goes too."""
    await update_user_roles(kc)
    page = await open_login_form(kc, APP, scope="openid offline_access")
    code = dict(httpx.URL((await login(kc, page, USER)).headers["location"]).params)["code"]
    body = (await exchange(kc.http, "test", APP, code, secret=SECRET)).json()
    assert claims(body["refresh_token"])["typ"] == "Offline"
    assert (await do_logout(kc, body["refresh_token"])).status_code == 204
    refused = await refresh(kc, body["refresh_token"])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert not await session_active(kc, body["session_state"])


async def update_user_roles(env: Env) -> None:
    """testrealm.json's test-user holds ``offline_access``."""
    uid = await port.user_id(env, USER)
    await port.post(env, f"/users/{uid}/role-mappings/realm", [await port.get(env, "/roles/offline_access")])
