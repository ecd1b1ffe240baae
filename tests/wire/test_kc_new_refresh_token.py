"""Keycloak's new-framework refresh-token classes that had no port: ``org.keycloak.tests.oauth``
RefreshTokenIntrospectionTest (@97fd06fd) and RefreshTokenRevokeClientOverrideTest (@fd1c80e8), one test per
method, each naming the method it follows.

The realm is imported through ``POST /admin/realms`` (client-a with its own audience mapper and client-b for the
introspection class; test-app and test-user@localhost for the override class); REFRESH_TOKEN events are kept, as
Keycloak's ``RefreshTokenTest.enableRefreshTokenEvents`` does. Keycloak's ``timeOffSet.set(n)`` moves the fake
clock ``n`` seconds past the fixture's start."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import keycloak_port as port
from browser_flow import REDIRECT, exchange, login
from keycloak_port import forget, get, one_event, poll, put
from support import claims, password_grant, refresh, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

APP = "test-app"
APP_SECRET = "test-secret"
USER = "test-user@localhost"
CLIENT_A, SECRET_A = "client-a", "secret-a"
CLIENT_B, SECRET_B = "client-b", "secret-b"
EVENTS = ["LOGIN", "LOGIN_ERROR", "CODE_TO_TOKEN", "CODE_TO_TOKEN_ERROR", "REFRESH_TOKEN", "REFRESH_TOKEN_ERROR"]
START: dict[int, int] = {}


def realm_rep() -> dict[str, Any]:
    user = {
        "enabled": True,
        "emailVerified": True,
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
    }
    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "enabledEventTypes": EVENTS,
        "clients": [
            {"clientId": APP, "secret": APP_SECRET, "redirectUris": [REDIRECT], "directAccessGrantsEnabled": True},
            {
                "clientId": CLIENT_A,
                "secret": SECRET_A,
                "directAccessGrantsEnabled": True,
                "protocolMappers": [
                    {
                        "name": f"audience-{CLIENT_A}",
                        "protocol": "openid-connect",
                        "protocolMapper": "oidc-audience-mapper",
                        "config": {"included.custom.audience": CLIENT_A, "access.token.claim": "true"},
                    }
                ],
            },
            {"clientId": CLIENT_B, "secret": SECRET_B, "directAccessGrantsEnabled": True},
        ],
        "users": [
            {**user, "username": USER, "email": USER, "firstName": "Tom", "lastName": "Brady"},
        ],
    }


@pytest.fixture
async def kc(env: Env) -> Env:
    """The realm; ``testuser`` is @InjectUser's, created through the admin API and so holding the default roles
    (offline_access among them), which an imported user does not get."""
    await port.import_realm(env, realm_rep())
    testuser = {"username": "testuser", "email": "testuser@local", "firstName": "Test", "lastName": "User"}
    credentials = [{"type": "password", "value": "password", "temporary": False}]
    await port.post(
        env, "/users", {**testuser, "enabled": True, "emailVerified": True, "credentials": credentials}, 201
    )
    START[id(env)] = env.clock.now()
    return env


def at(env: Env, offset: int) -> None:
    env.clock.set(START[id(env)] + offset)


async def introspect(env: Env, token: str, client: str, secret: str, hint: str | None = None) -> dict[str, Any]:
    form = {"token": token, "client_id": client, "client_secret": secret}
    if hint is not None:
        form["token_type_hint"] = hint
    response = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# --- RefreshTokenIntrospectionTest ------------------------------------------------------------------------------


async def refresh_token_for_client_a(env: Env, **extra: str) -> str:
    response = await password_grant(env.http, "test", CLIENT_A, "testuser", secret=SECRET_A, **extra)
    assert response.status_code == 200, response.text
    return str(response.json()["refresh_token"])


@pytest.mark.parametrize("hint", ["refresh_token", None, "access_token"])
async def test_issuing_client_can_introspect_refresh_token(kc: Env, hint: str | None) -> None:
    """RefreshTokenIntrospectionTest.issuingClientCanIntrospectRefreshTokenWithHint, ...WithoutHint and
    ...WithAccessTokenHint: client-a's own refresh token is active with ``client_id`` client-a, whatever the hint."""
    body = await introspect(kc, await refresh_token_for_client_a(kc), CLIENT_A, SECRET_A, hint)
    assert body["active"] is True and body["client_id"] == CLIENT_A, body


async def test_issuing_client_can_introspect_offline_token_without_hint(kc: Env) -> None:
    """RefreshTokenIntrospectionTest.issuingClientCanIntrospectOfflineTokenWithoutHint."""
    token = await refresh_token_for_client_a(kc, scope="offline_access")
    assert claims(token)["typ"] == "Offline"
    body = await introspect(kc, token, CLIENT_A, SECRET_A)
    assert body["active"] is True and body["client_id"] == CLIENT_A, body


@pytest.mark.parametrize("hint", ["refresh_token", None, "access_token"])
async def test_other_client_cannot_introspect_refresh_token(kc: Env, hint: str | None) -> None:
    """RefreshTokenIntrospectionTest.otherClientCannotIntrospectRefreshTokenWithHint and ...WithoutHint: a
    refresh token is checked against its azp (it has no audience of client-a's mapper), so client-b sees it
    inactive."""
    body = await introspect(kc, await refresh_token_for_client_a(kc), CLIENT_B, SECRET_B, hint)
    assert body == {"active": False}


async def test_access_token_introspection_is_unaffected(kc: Env) -> None:
    """RefreshTokenIntrospectionTest.accessTokenIntrospectionIsUnaffected."""
    response = await password_grant(kc.http, "test", CLIENT_A, "testuser", secret=SECRET_A)
    body = await introspect(kc, response.json()["access_token"], CLIENT_A, SECRET_A)
    assert body["active"] is True and body["client_id"] == CLIENT_A, body


# --- RefreshTokenRevokeClientOverrideTest -----------------------------------------------------------------------


async def set_client_override(env: Env, revoke: bool | None, max_reuse: int | None) -> None:
    """setClientOverride: an empty value inherits from the realm (and removes the attribute)."""
    uuid = await port.client_uuid(env, APP)
    rep = await get(env, f"/clients/{uuid}")
    rep["attributes"] = {
        **rep.get("attributes", {}),
        "revoke.refresh.token": "" if revoke is None else str(revoke).lower(),
        "refresh.token.max.reuse": "" if max_reuse is None else str(max_reuse),
    }
    await put(env, f"/clients/{uuid}", rep)


async def login_and_exchange(env: Env) -> tuple[str, dict[str, Any]]:
    """login() then oauth.doAccessTokenRequest(code): the LOGIN event's session and the token response; the
    CODE_TO_TOKEN event polled."""
    await poll(env)
    code = (await login(env.http, "test", APP, USER, redirect_uri=REDIRECT))["code"]
    event = await one_event(env)
    assert event["type"] == "LOGIN" and event["userId"] == await port.user_id(env, USER), event
    response = await exchange(env.http, "test", APP, code, secret=APP_SECRET)
    assert response.status_code == 200, response.text
    assert (await one_event(env))["type"] == "CODE_TO_TOKEN"
    return str(event["sessionId"]), response.json()


async def do_refresh(env: Env, token: str) -> httpx.Response:
    return await refresh(env.http, "test", APP, token, secret=APP_SECRET)


async def expect_refresh_event(env: Env, session_id: str, token: str, error: str | None = None) -> None:
    event = await one_event(env)
    assert event["type"] == ("REFRESH_TOKEN" if error is None else "REFRESH_TOKEN_ERROR"), event
    assert event["sessionId"] == session_id and event["details"]["refresh_token_id"] == claims(token)["jti"], event
    assert event.get("error") == error, event


async def test_client_override_enables_revocation_when_realm_disabled(kc: Env) -> None:
    """RefreshTokenRevokeClientOverrideTest.clientOverrideEnablesRevocationWhenRealmDisabled: the reuse_id claim
    only when revocation is in force for the client; the reused token, then its successor, refused."""
    await set_client_override(kc, True, None)
    sid, first = await login_and_exchange(kc)
    rt1 = first["refresh_token"]
    assert claims(rt1).get("reuse_id")
    second = await do_refresh(kc, rt1)
    assert second.status_code == 200, second.text
    rt2 = second.json()["refresh_token"]
    assert claims(rt2)["reuse_id"] == claims(rt1)["reuse_id"]
    await expect_refresh_event(kc, sid, rt1)
    assert (await do_refresh(kc, rt1)).status_code == 400
    await expect_refresh_event(kc, sid, rt1, "invalid_token")
    assert (await do_refresh(kc, rt2)).status_code == 400
    await expect_refresh_event(kc, sid, rt2, "invalid_token")


async def _unlimited_reuse(kc: Env) -> None:
    sid, first = await login_and_exchange(kc)
    rt1 = first["refresh_token"]
    assert "reuse_id" not in claims(rt1)
    for _ in range(3):
        response = await do_refresh(kc, rt1)
        assert response.status_code == 200, response.text
        await expect_refresh_event(kc, sid, rt1)


async def test_client_override_disables_revocation_when_realm_enabled(kc: Env) -> None:
    """RefreshTokenRevokeClientOverrideTest.clientOverrideDisablesRevocationWhenRealmEnabled."""
    await port.update_realm(kc, revokeRefreshToken=True)
    await set_client_override(kc, False, None)
    await _unlimited_reuse(kc)


async def _single_reuse_allowed(kc: Env) -> None:
    """assertSingleReuseAllowed: the first use, one reuse, then the second reuse refused."""
    sid, first = await login_and_exchange(kc)
    rt1 = first["refresh_token"]
    assert claims(rt1).get("reuse_id")
    for _ in range(2):
        response = await do_refresh(kc, rt1)
        assert response.status_code == 200, response.text
        await expect_refresh_event(kc, sid, rt1)
    assert (await do_refresh(kc, rt1)).status_code == 400
    await expect_refresh_event(kc, sid, rt1, "invalid_token")


async def test_client_max_reuse_overrides_realm_max_reuse(kc: Env) -> None:
    """RefreshTokenRevokeClientOverrideTest.clientMaxReuseOverridesRealmMaxReuse."""
    await port.update_realm(kc, revokeRefreshToken=True, refreshTokenMaxReuse=0)
    await set_client_override(kc, None, 1)
    await _single_reuse_allowed(kc)


async def test_client_max_reuse_with_client_enabled_revocation(kc: Env) -> None:
    """RefreshTokenRevokeClientOverrideTest.clientMaxReuseWithClientEnabledRevocation."""
    await set_client_override(kc, True, 1)
    await _single_reuse_allowed(kc)


async def test_client_max_reuse_ignored_when_revocation_disabled_for_client(kc: Env) -> None:
    """RefreshTokenRevokeClientOverrideTest.clientMaxReuseIgnoredWhenRevocationDisabledForClient."""
    await port.update_realm(kc, revokeRefreshToken=True, refreshTokenMaxReuse=0)
    await set_client_override(kc, False, 1)
    await _unlimited_reuse(kc)


async def _rotated_pair(kc: Env) -> tuple[str, str]:
    _, first = await login_and_exchange(kc)
    at(kc, 1)
    second = await do_refresh(kc, first["refresh_token"])
    assert second.status_code == 200, second.text
    return first["refresh_token"], second.json()["refresh_token"]


async def test_introspection_honours_client_override(kc: Env) -> None:
    """RefreshTokenRevokeClientOverrideTest.introspectionHonoursClientOverride: the rotated token is active, the
    used one is not."""
    await set_client_override(kc, True, None)
    used, rotated = await _rotated_pair(kc)
    assert (await introspect(kc, rotated, APP, APP_SECRET, "refresh_token"))["active"] is True
    assert (await introspect(kc, used, APP, APP_SECRET, "refresh_token"))["active"] is False


async def test_introspection_ignores_reuse_when_revocation_disabled_for_client(kc: Env) -> None:
    """RefreshTokenRevokeClientOverrideTest.introspectionIgnoresReuseWhenRevocationDisabledForClient."""
    await port.update_realm(kc, revokeRefreshToken=True)
    await set_client_override(kc, False, None)
    used, rotated = await _rotated_pair(kc)
    assert (await introspect(kc, rotated, APP, APP_SECRET, "refresh_token"))["active"] is True
    assert (await introspect(kc, used, APP, APP_SECRET, "refresh_token"))["active"] is True


async def test_invalid_overrides_are_rejected_by_client_validation(kc: Env) -> None:
    """RefreshTokenRevokeClientOverrideTest.invalidOverridesAreRejectedByClientValidation (it was
    invalidMaxReuseIsRejectedByClientValidation): a max reuse of -1 or abc is a 400 (BadRequestException), so is a
    malformed boolean ``tru`` for the revocation override (not silently "false"); ``TRUE`` (any case) and a max
    reuse of 0 are accepted."""
    uuid = await port.client_uuid(kc, APP)
    rep = await get(kc, f"/clients/{uuid}")
    attributes = dict(rep.get("attributes", {}))
    for value in ("-1", "abc"):
        await put(
            kc, f"/clients/{uuid}", {**rep, "attributes": {**attributes, "refresh.token.max.reuse": value}}, status=400
        )
    await put(kc, f"/clients/{uuid}", {**rep, "attributes": {**attributes, "revoke.refresh.token": "tru"}}, status=400)
    valid = {**attributes, "revoke.refresh.token": "TRUE", "refresh.token.max.reuse": "0"}
    await put(kc, f"/clients/{uuid}", {**rep, "attributes": valid}, status=204)
    forget(kc)
