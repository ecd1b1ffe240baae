"""Keycloak's AccessTokenTest, the authorization-code half, ported method by method
(testsuite/integration-arquillian/tests/base/.../oauth/AccessTokenTest.java @1f03e358). The password-grant,
scope, lifespan and signature-algorithm methods are in ``test_keycloak_access_token_test_grants.py``.

Each test is named after the Java method and says so in its docstring. Where Keycloak 26's source answers
differently from that (older) test, the test follows the source and says which class it read.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from access_token_realm import (
    APP,
    REDIRECT,
    SECRET,
    USER,
    code_to_token,
    do_login,
    events,
    get,
    import_realm,
    last_event,
    login_page,
    send,
    session_code,
    set_client_attributes,
    token_url,
    update_realm,
    update_user,
    user_id,
)
from browser_flow import submit
from support import add_audience, claims, header
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    """Keycloak's test realm as AccessTokenTest uses it."""
    return await import_realm(env)


async def login_event(env: Env, client_id: str = APP) -> dict[str, Any]:
    """``events.expectLogin().assertEvent()``: the last LOGIN, for that client, with a code_id."""
    event = await last_event(env, "LOGIN")
    assert event["clientId"] == client_id, event
    assert event["details"]["code_id"] == event["sessionId"], event
    return event


async def userinfo(env: Env, access_token: str) -> httpx.Response:
    return await env.http.get(
        "/realms/test/protocol/openid-connect/userinfo", headers={"Authorization": f"Bearer {access_token}"}
    )


async def introspect(env: Env, token: str) -> dict[str, Any]:
    response = await env.http.post(
        f"{token_url()}/introspect", data={"token": token, "client_id": APP, "client_secret": SECRET}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_no_tokens(response: httpx.Response, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert "access_token" not in body and "refresh_token" not in body, body
    return body


def assert_code_error(event: dict[str, Any], error: str, *, session: str | None, user: str | None) -> None:
    """``expectCodeToToken(...).error(...)`` with the token details removed."""
    assert event["type"] == "CODE_TO_TOKEN_ERROR", event
    assert (event["error"], event.get("sessionId"), event.get("userId")) == (error, session, user), event
    assert event["clientId"] == APP, event
    details = event.get("details") or {}
    assert not {"token_id", "refresh_token_id", "refresh_token_type"} & set(details), details


async def test_login_form_username_or_email_label(kc: Env) -> None:
    """AccessTokenTest.loginFormUsernameOrEmailLabel: the username field is labelled "Username or email"."""
    page = await login_page(kc)
    label = re.search(r'<label for="username"[^>]*>([^<]*)</label>', page.text)
    assert label is not None, page.text[:500]
    assert label.group(1).strip() == "Username or email"


async def test_access_token_request(kc: Env) -> None:
    """AccessTokenTest.accessTokenRequest: lifetimes, token type, headers, subject, sid, roles and the
    CODE_TO_TOKEN event naming both token ids."""
    code = (await do_login(kc))["code"]
    login = await login_event(kc)
    session_id, code_id = login["sessionId"], login["details"]["code_id"]
    response = await code_to_token(kc, code)
    assert response.status_code == 200, response.text
    body = response.json()
    assert 250 <= body["expires_in"] <= 300
    assert 1750 <= body["refresh_expires_in"] <= 1800
    assert body["token_type"] == "Bearer"

    certs = await kc.http.get("/realms/test/protocol/openid-connect/certs")
    expected_kid = next(k["kid"] for k in certs.json()["keys"] if k.get("alg") == "RS256")
    for name in ("access_token", "id_token"):
        assert header(body[name]) == {"alg": "RS256", "typ": "JWT", "kid": expected_kid}, name
    refresh_header = header(body["refresh_token"])
    # Keycloak 26's realm HMAC key is HS512 (GeneratedHmacKeyProviderFactory); the 2021 test still said HS256.
    assert (refresh_header["alg"], refresh_header["typ"], "cty" in refresh_header) == ("HS512", "JWT", False)

    token = claims(body["access_token"])
    uid = await user_id(kc)
    assert token["sub"] == uid != USER
    assert token["sid"] == session_id == claims(body["id_token"])["sid"]
    assert "nbf" not in token
    assert isinstance(token["iat"], int) and isinstance(token["exp"], int)
    assert token["realm_access"]["roles"] == ["user"]
    assert token["resource_access"][APP]["roles"] == ["customer-user"]

    event = await last_event(kc, "CODE_TO_TOKEN")
    assert (event["sessionId"], event["userId"], event["details"]["code_id"]) == (session_id, uid, code_id)
    assert event["details"]["token_id"] == token["jti"]
    assert event["details"]["refresh_token_id"] == claims(body["refresh_token"])["jti"]


async def test_token_response_using_lower_case_type(kc: Env) -> None:
    """AccessTokenTest.testTokenResponseUsingLowerCaseType: the client's lower-case option gives "bearer"."""
    await set_client_attributes(kc, **{"token.response.type.bearer.lower-case": "true"})
    code = (await do_login(kc))["code"]
    response = await code_to_token(kc, code)
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "bearer"


async def test_access_token_wrong_code(kc: Env) -> None:
    """AccessTokenTest.accessTokenWrongCode (KEYCLOAK-3692): the login page's own code is no authorization
    code, even once the login it belongs to succeeded."""
    page = await login_page(kc)
    page_code = session_code(page)
    done = await submit(kc.http, page, username=USER, password="password")
    assert done.status_code == 302, done.text[:300]
    await login_event(kc)
    body = assert_no_tokens(await code_to_token(kc, page_code))
    assert (body["error"], body["error_description"]) == ("invalid_grant", "Code not valid")


async def assert_client_refused(env: Env, secret: str | None) -> None:
    """401 "Invalid client or Invalid client credentials", and CODE_TO_TOKEN_ERROR invalid_client_credentials
    without user, session or code details: the client is refused before the code is read."""
    code = (await do_login(env))["code"]
    await login_event(env)
    body = assert_no_tokens(await code_to_token(env, code, secret=secret), 401)
    assert (body["error"], body["error_description"]) == (
        "unauthorized_client",
        "Invalid client or Invalid client credentials",
    )
    event = await last_event(env, "CODE_TO_TOKEN_ERROR")
    assert (event["error"], event.get("userId"), event.get("sessionId"), event["clientId"]) == (
        "invalid_client_credentials",
        None,
        None,
        APP,
    )
    assert "code_id" not in (event.get("details") or {}), event


async def test_access_token_invalid_client_credentials(kc: Env) -> None:
    """AccessTokenTest.accessTokenInvalidClientCredentials: a wrong client_secret is refused with 401."""
    await assert_client_refused(kc, "invalid")


async def test_access_token_missing_client_credentials(kc: Env) -> None:
    """AccessTokenTest.accessTokenMissingClientCredentials: no client_secret at all is refused with 401."""
    await assert_client_refused(kc, None)


async def test_access_token_invalid_redirect_uri(kc: Env) -> None:
    """AccessTokenTest.accessTokenInvalidRedirectUri: 400 invalid_grant "Incorrect redirect_uri"; the event names
    the code's session, its code_id and the user. Its error is Keycloak 26's ``invalid_redirect_uri`` with the
    reason naming both URIs (AuthorizationCodeGrantType.process; the 2021 test still saw ``invalid_code``)."""
    code = (await do_login(kc))["code"]
    login = await login_event(kc)
    response = await code_to_token(kc, code, redirect_uri="http://invalid")
    body = assert_no_tokens(response)
    assert (body["error"], body["error_description"]) == ("invalid_grant", "Incorrect redirect_uri")
    event = await last_event(kc, "CODE_TO_TOKEN_ERROR")
    assert_code_error(event, "invalid_redirect_uri", session=login["sessionId"], user=await user_id(kc))
    assert event["details"]["code_id"] == login["details"]["code_id"]
    assert event["details"]["reason"] == (
        "Parameter 'redirect_uri' did not match originally saved redirect URI used in initial OIDC request. "
        f"Saved redirectUri: {REDIRECT}, redirectUri parameter: http://invalid"
    )


async def test_access_token_user_session_expired(kc: Env) -> None:
    """AccessTokenTest.accessTokenUserSessionExpired: the code's user session removed, the code is refused;
    the event has no user and names the session as OAuth2CodeParser.parseCode set it before the lookup."""
    code = (await do_login(kc))["code"]
    login = await login_event(kc)
    await send(kc, "DELETE", f"/sessions/{login['sessionId']}")
    body = assert_no_tokens(await code_to_token(kc, code))
    assert (body["error"], body["error_description"]) == ("invalid_grant", "Code not valid")
    event = await last_event(kc, "CODE_TO_TOKEN_ERROR")
    assert_code_error(event, "invalid_code", session=login["sessionId"], user=None)
    assert event["details"]["code_id"] == login["details"]["code_id"]


async def test_access_token_code_expired(kc: Env) -> None:
    """AccessTokenTest.accessTokenCodeExpired: accessCodeLifespan 1 and two seconds later the code is gone."""
    await update_realm(kc, accessCodeLifespan=1)
    code = (await do_login(kc))["code"]
    login = await login_event(kc)
    kc.clock.advance(2)
    body = assert_no_tokens(await code_to_token(kc, code))
    assert (body["error"], body["error_description"]) == ("invalid_grant", "Code not valid")
    event = await last_event(kc, "CODE_TO_TOKEN_ERROR")
    assert_code_error(event, "invalid_code", session=login["details"]["code_id"], user=None)


async def test_access_token_code_used(kc: Env) -> None:
    """AccessTokenTest.accessTokenCodeUsed: the tokens work until the code is used again; the second use is
    refused and detaches the client session, so userinfo answers 401 and introspection ``active: false``. test-app
    names itself in its tokens' audience, so that its introspection answers (Keycloak 26.6.2's audience check)."""
    await add_audience(kc.db, "test", APP)
    code = (await do_login(kc))["code"]
    login = await login_event(kc)
    response = await code_to_token(kc, code)
    assert response.status_code == 200, response.text
    access_token = response.json()["access_token"]

    info = await userinfo(kc, access_token)
    assert info.status_code == 200, info.text
    assert (info.json()["preferred_username"], info.json()["email"]) == (USER, USER)
    active = await introspect(kc, access_token)
    assert (active["active"], active["email"]) == (True, USER)

    assert_no_tokens(await code_to_token(kc, code))
    event = await last_event(kc, "CODE_TO_TOKEN_ERROR")
    assert_code_error(event, "invalid_code", session=login["details"]["code_id"], user=None)

    assert (await userinfo(kc, access_token)).status_code == 401
    inactive = await introspect(kc, access_token)
    assert inactive["active"] is False and "email" not in inactive, inactive


async def test_access_token_code_role_missing(kc: Env) -> None:
    """AccessTokenTest.accessTokenCodeRoleMissing: a role deleted between login and exchange is simply absent."""
    await send(kc, "POST", "/roles", {"name": "tmp-role"}, status=201)
    role = await get(kc, "/roles/tmp-role")
    await send(kc, "POST", f"/users/{await user_id(kc)}/role-mappings/realm", [role])
    code = (await do_login(kc))["code"]
    await login_event(kc)
    await send(kc, "DELETE", "/roles/tmp-role")
    response = await code_to_token(kc, code)
    assert response.status_code == 200, response.text
    assert claims(response.json()["access_token"])["realm_access"]["roles"] == ["user"]


async def test_access_token_code_has_required_action(kc: Env) -> None:
    """AccessTokenTest.accessTokenCodeHasRequiredAction: the code of the required-action page is refused, and
    the CODE_TO_TOKEN_ERROR event has no code_id (it names no session)."""
    await update_user(kc, requiredActions=["UPDATE_PROFILE"])
    page = await login_page(kc)
    action_page = await submit(kc.http, page, username=USER, password="password")
    assert action_page.status_code == 200, action_page.text[:300]
    assert_no_tokens(await code_to_token(kc, session_code(action_page)))
    event = await last_event(kc, "CODE_TO_TOKEN_ERROR")
    assert "code_id" not in (event.get("details") or {}), event
    assert not await events(kc, "LOGIN", "CODE_TO_TOKEN")


async def test_authorization_negotiate_header_ignored(kc: Env) -> None:
    """AccessTokenTest.testAuthorizationNegotiateHeaderIgnored (KEYCLOAK-1595): a public client gets its tokens
    although the request carries ``Authorization: Negotiate``; its ``client_id`` parameter decides."""
    client = {
        "clientId": "sample-public-client",
        "clientAuthenticatorType": "client-secret",
        "redirectUris": [REDIRECT + "/*", REDIRECT],
        "publicClient": True,
    }
    await send(kc, "POST", "/clients", client, status=201)
    code = (await do_login(kc, "sample-public-client"))["code"]
    login = await login_event(kc, "sample-public-client")
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": client["clientId"]}
    response = await kc.http.post(
        token_url(), data=form, headers={"Authorization": "Negotiate something-which-will-be-ignored"}
    )
    assert response.status_code == 200, response.text
    assert claims(response.json()["access_token"])["azp"] == "sample-public-client"
    event = await last_event(kc, "CODE_TO_TOKEN")
    assert (event["clientId"], event["sessionId"], event["details"]["code_id"]) == (
        "sample-public-client",
        login["sessionId"],
        login["details"]["code_id"],
    )


async def test_access_token_response_header(kc: Env) -> None:
    """AccessTokenTest.accessTokenResponseHeader: JSON, ``Cache-Control: no-store`` and ``Pragma: no-cache``."""
    code = (await do_login(kc))["code"]
    response = await code_to_token(kc, code)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert (response.headers["cache-control"], response.headers["pragma"]) == ("no-store", "no-cache")


async def test_access_token_request_no_refresh_token(kc: Env) -> None:
    """AccessTokenTest.accessTokenRequestNoRefreshToken: ``use.refresh.tokens`` false gives no refresh token."""
    await set_client_attributes(kc, use_refresh_tokens="false")
    code = (await do_login(kc))["code"]
    response = await code_to_token(kc, code)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["access_token"] and "refresh_token" not in body, body


async def test_token_request_params_more_than_once(kc: Env) -> None:
    """AccessTokenTest.tokenRequestParamsMoreThanOnce (KEYCLOAK-16009): a repeated ``client_id`` is 400
    invalid_request "duplicated parameter" (TokenEndpoint checks duplicates right after client authentication:
    the form's first ``client_id`` with the Basic header's secret)."""
    code = (await do_login(kc))["code"]
    form = (
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("client_id", APP),
        ("client_id", "foo"),
    )
    response = await kc.http.post(
        token_url(),
        content=str(httpx.QueryParams(form)),
        auth=("client_id", SECRET),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    body = assert_no_tokens(response)
    assert (body["error"], body["error_description"]) == ("invalid_request", "duplicated parameter")
    # The code was not spent: the same code still gives tokens.
    assert (await code_to_token(kc, code)).status_code == 200
