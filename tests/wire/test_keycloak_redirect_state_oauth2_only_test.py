"""Keycloak's ``org.keycloak.testsuite.oauth.OAuthRedirectUriStateTest`` and ``OAuth2OnlyTest``
(testsuite/integration-arquillian), ported: the ``state`` parameter as the authorization response carries it
back, and plain OAuth 2.0 requests (no ``openid`` scope) at the authorization and token endpoints.

The realm is LoginTest's part of Keycloak's ``testrealm.json`` (``tests/login_test_realm.py``) with
OAuth2OnlyTest's ``configureTestRealm``: ``more-uris-client`` with four exact redirect URIs and a base URL, and
``test-app`` with the implicit flow on and its redirect URIs trimmed to one (a wildcard one, as testrealm.json's
``.../app/auth/*``). ``APP_AUTH_ROOT`` plays ``oauth.APP_AUTH_ROOT``; ``events.poll()`` is the admin events API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
import pytest

from keycloak_port import import_realm, one_event, poll, user_id
from login_test_realm import APP, SECRET, error_page_text, expect_login, is_login_page, login, mark_start, realm_rep
from wire_env import Env

pytestmark = pytest.mark.anyio

AUTH = "/realms/test/protocol/openid-connect/auth"
TOKEN = "/realms/test/protocol/openid-connect/token"
USER = "test-user@localhost"
APP_AUTH_ROOT = "http://127.0.0.1:9999/app/auth"
MORE_URIS = [
    APP_AUTH_ROOT,
    "http://127.0.0.1:9999/foo",
    "https://127.0.0.1:8543/app/auth",
    "https://127.0.0.1:8543/foo",
]


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    rep = realm_rep()
    test_app = next(c for c in rep["clients"] if c["clientId"] == APP)
    test_app.update(implicitFlowEnabled=True, directAccessGrantsEnabled=True, redirectUris=[APP_AUTH_ROOT + "/*"])
    rep["clients"].append(
        {"clientId": "more-uris-client", "enabled": True, "redirectUris": MORE_URIS, "baseUrl": APP_AUTH_ROOT}
    )
    await import_realm(env, rep)
    await poll(env)
    mark_start(env)
    yield env


def login_form_url(client_id: str = APP, **params: str | None) -> str:
    """``oauth.loginForm().build()``: code flow, ``openid``, the app's redirect URI; a None drops a parameter
    (``ActionURIUtils.removeQueryParamFromURI``)."""
    query: dict[str, str | None] = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": APP_AUTH_ROOT,
        "scope": "openid",
        **params,
    }
    return AUTH + "?" + urlencode({k: v for k, v in query.items() if v is not None})


def response_params(response: httpx.Response) -> dict[str, str]:
    """``oauth.parseLoginResponse()``: the query, or the fragment of an implicit response."""
    assert response.status_code == 302, (response.status_code, response.text[:600])
    location = httpx.URL(response.headers["location"])
    if location.fragment:
        return dict(httpx.QueryParams(location.fragment))
    return dict(location.params)


async def code_to_token(env: Env, code: str, redirect_uri: str | None = APP_AUTH_ROOT) -> httpx.Response:
    form = {"grant_type": "authorization_code", "code": code} | ({"redirect_uri": redirect_uri} if redirect_uri else {})
    return await env.http.post(TOKEN, data=form, auth=(APP, SECRET))


def unverified(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


async def verified(env: Env, token: str) -> dict[str, Any]:
    """``oauth.verifyToken``: the signature checked with the realm's published keys."""
    jwks = jwt.PyJWKSet.from_dict((await env.http.get("/realms/test/protocol/openid-connect/certs")).json())
    head = jwt.get_unverified_header(token)
    key = next(k for k in jwks.keys if k.key_id == head["kid"])
    unchecked = jwt.decode(  # the fake clock: no exp, iat or nbf check
        token,
        key.key,
        algorithms=[head["alg"]],
        options={"verify_aud": False, "verify_exp": False, "verify_iat": False, "verify_nbf": False},
    )
    return dict(unchecked)


# --- OAuthRedirectUriStateTest -----------------------------------------------------------------------------------


async def assert_state_reflected(env: Env, state: str) -> None:
    """``oauth.loginForm().state(state).doLogin(...)``: the state goes on the URL as written (JAX-RS UriBuilder
    keeps percent-encoded octets), and the redirect's raw query holds ``state=`` + the same text."""
    page = await env.http.get(login_form_url() + "&state=" + state)
    assert is_login_page(page), page.text[:500]
    answer = await login(env, page, USER)
    assert response_params(answer).get("code")
    raw_query = httpx.URL(answer.headers["location"]).query.decode()
    assert "state=" + state in raw_query, raw_query


async def test_simple_state_parameter(kc: Env) -> None:
    await assert_state_reflected(kc, "VeryLittleGravitasIndeed")


async def test_json_state_parameter(kc: Env) -> None:
    await assert_state_reflected(
        kc,
        "%7B%22csrf_token%22%3A%2B%22hlvZNIsWyqdkEhbjlQIia0ty2YY4TXat%22%2C%2B%22destination%22%3A%2B%22eyJhbGciOiJIUzI1NiJ9"
        ".Imh0dHA6Ly9sb2NhbGhvc3Q6NTAwMC9wcml2YXRlIg.T18WeIV29komDl8jav-3bSnUZDlMD8VOfIrd2ikP5zE%22%7D",
    )


# --- OAuth2OnlyTest -------------------------------------------------------------------------------------------


async def test_missing_id_token(kc: Env) -> None:
    """No ``openid``: no ID token from the code or from a refresh; the access token's subject is the user."""
    page = await kc.http.get(login_form_url(scope=None))
    answer = await login(kc, page, USER)
    event = await expect_login(kc, USER)
    response = await code_to_token(kc, response_params(answer)["code"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert "id_token" not in body and body.get("refresh_token")
    assert (await verified(kc, body["access_token"]))["sub"] == event["userId"]
    refreshed = await kc.http.post(
        TOKEN, data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}, auth=(APP, SECRET)
    )
    assert refreshed.status_code == 200, refreshed.text
    assert "id_token" not in refreshed.json()
    assert (await verified(kc, refreshed.json()["access_token"]))["sub"] == event["userId"]


async def test_missing_scope_openid_in_resource_owner_password_credential_request(kc: Env) -> None:
    response = await kc.http.post(
        TOKEN, data={"grant_type": "password", "username": USER, "password": "password"}, auth=(APP, SECRET)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "id_token" not in body and body.get("refresh_token")
    assert (await verified(kc, body["access_token"]))["preferred_username"] == USER


async def test_missing_redirect_uri(kc: Env) -> None:
    """Without ``openid`` the redirect URI may be left out when the client has exactly one (a trailing ``/*``
    dropped, RedirectUtils.getSingleValidRedirectUri); ``more-uris-client`` has four, so it is refused with the
    error page and a LOGIN_ERROR ``invalid_redirect_uri`` with no user, session or redirect_uri detail."""
    page = await kc.http.get(login_form_url(scope=None, redirect_uri=None))
    assert is_login_page(page), page.text[:500]
    answer = await login(kc, page, USER)
    await expect_login(kc, USER)
    assert str(httpx.URL(answer.headers["location"]).copy_with(query=None)) == APP_AUTH_ROOT

    refused = await kc.http.get(login_form_url("more-uris-client", scope=None, redirect_uri=None))
    assert refused.status_code == 400, refused.text[:500]
    assert error_page_text(refused) == "Invalid parameter: redirect_uri"
    event = await one_event(kc)
    assert event["type"] == "LOGIN_ERROR" and event["error"] == "invalid_redirect_uri", event
    assert event["clientId"] == "more-uris-client", event
    assert event.get("userId") is None and event.get("sessionId") is None, event
    details = event.get("details", {})
    assert not {"redirect_uri", "code_id", "consent"} & set(details), event


async def test_missing_nonce_in_o_auth2_implicit_flow(kc: Env) -> None:
    """``response_type=token`` without ``openid``: no nonce needed; the fragment has the access token only."""
    page = await kc.http.get(login_form_url(response_type="token", scope=None))
    assert is_login_page(page), page.text[:500]
    answer = await login(kc, page, USER)
    event = await expect_login(kc, USER)
    assert event["userId"] == await user_id(kc, USER)
    params = response_params(answer)
    assert "error" not in params and "code" not in params and "id_token" not in params, params
    assert params.get("access_token")
    assert unverified(params["access_token"])["preferred_username"] == USER
