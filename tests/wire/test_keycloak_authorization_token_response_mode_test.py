"""Keycloak's AuthorizationTokenResponseModeTest (JARM), ported method by method from its newest copy
(tests/base/src/test/java/org/keycloak/tests/oidc/, the new test framework; the older arquillian copy under
testsuite/.../oidc/ has the same eight methods).

The realm is the Java class's own (``AuthorizationTokenResponseModeRealmConfig`` and ``...ClientConfig``):
``test-app`` with secret ``password``, redirect URIs ``*``, implicit flow and direct grants on, and the user
``test-user@localhost``, taken from ``access_token_realm``'s slice of testrealm.json. Keycloak recreates the
realm for each method (``LifeCycle.METHOD``) and undoes ``updateClientWithCleanup(implicitFlowEnabled(true))``,
which changes nothing on a client that already has the implicit flow on: so the realm is imported once for the
module, and each test starts without cookies (a new browser) and with the event queue empty.
``oauth.verifyAuthorizationResponseToken`` is ``response_token``: the JWT's signature checked with the realm's
published key and its ``aud``.

The Java class has no encryption method: AuthorizationTokenEncryptionTest has them
(test_keycloak_authorization_token_encryption_test.py); a hybrid request in ``query.jwt`` is refused here, where
the client has no ``authorization.encrypted.response.alg``/``enc``.

Beyond the Java class, from Keycloak's source: the client's ``authorization.signed.response.alg``
(DefaultTokenManager.signatureAlgorithm), ``exp`` as now plus the realm's access code lifespan and ``iss``
(OIDCRedirectUriBuilder.JWTRedirectUriBuilder), the LOGIN event's RESPONSE_MODE detail (``query_jwt``, the enum's
name), ``jwt`` with a bad response type (OIDCResponseMode.parseWhenInvalidResponseType: query.jwt), an unknown
mode (plain query), and errors in ``fragment.jwt`` and ``form_post.jwt``. Keycloak's response JWT repeats
``iss`` (keycloak/keycloak#44563); Doorkeep's has it once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

import group_port
from access_token_realm import APP, REDIRECT, USER, get, realm_rep, set_client_attributes, user_id
from authorize_port import ISSUER, authorize, form_post, log_in
from keycloak_port import one_event, poll
from support import header
from wire_env import Env

pytestmark = pytest.mark.anyio

anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env

STATE = "OpenIdConnect.AuthenticationProperties=2302984sdlk"
NONCE = "123456"
QUERY_JWT_NOT_ENCRYPTED = "Response_mode 'query.jwt' is allowed only when the authorization response token is encrypted"


@pytest.fixture(scope="module")
async def realm_env(shared_env: Env) -> Env:
    """The Java class's realm, imported once for the module."""
    rep = realm_rep()
    rep["clients"][0].update(redirectUris=["*"], implicitFlowEnabled=True, directAccessGrantsEnabled=True)
    await group_port.fresh_realm(shared_env, rep)
    return shared_env


@pytest.fixture
async def kc(realm_env: Env) -> AsyncIterator[Env]:
    """Each test: a new browser (no cookies) and no earlier events."""
    realm_env.http.cookies.clear()
    await poll(realm_env)
    yield realm_env


async def login(env: Env, response_mode: str, response_type: str = "code", **params: str) -> httpx.Response:
    """``oauth.responseType(..).responseMode(..).loginForm().state(STATE)...doLogin(USER, PASSWORD)``."""
    page = await authorize(env.http, response_type=response_type, response_mode=response_mode, state=STATE, **params)
    return await log_in(env.http, page)


def sent(response: httpx.Response, where: str) -> str:
    """The ``response`` parameter of a redirect, in the query or the fragment; it is all the client gets there,
    and the other part carries nothing."""
    assert response.status_code == 302, (response.status_code, response.text[:300])
    parts = urlsplit(response.headers["location"])
    assert parts.geturl().startswith(REDIRECT), parts
    carried, other = (parts.query, parts.fragment) if where == "query" else (parts.fragment, parts.query)
    assert other == "", parts
    found = parse_qs(carried)
    assert list(found) == ["response"], found
    return found["response"][0]


async def response_token(env: Env, token: str, alg: str = "RS256") -> dict[str, Any]:
    """``oauth.verifyAuthorizationResponseToken``: signed by the realm's published key, for test-app."""
    certs = (await env.http.get("/realms/test/protocol/openid-connect/certs")).json()
    assert header(token)["alg"] == alg, header(token)
    key = jwt.PyJWKSet.from_dict(certs)[header(token)["kid"]]
    options: jwt.types.Options = {"verify_exp": False}  # the app's clock is the fake one: checked against it
    claims: dict[str, Any] = jwt.decode(token, key.key, algorithms=[alg], audience=APP, options=options)
    assert claims["aud"] == APP and claims["exp"] > env.clock.now(), claims
    return claims


async def verified(env: Env, token: str, typ: str) -> dict[str, Any]:
    """``oauth.verifyIDToken`` / ``oauth.verifyToken``: signed by the realm, of its type."""
    certs = (await env.http.get("/realms/test/protocol/openid-connect/certs")).json()
    key = jwt.PyJWKSet.from_dict(certs)[header(token)["kid"]]
    options: jwt.types.Options = {"verify_aud": False, "verify_exp": False}
    claims: dict[str, Any] = jwt.decode(token, key.key, algorithms=["RS256"], options=options)
    assert claims["typ"] == typ and claims["iss"] == ISSUER, claims
    return claims


async def expect_login_success(env: Env, response_mode: str) -> dict[str, Any]:
    """``EventAssertion.expectLoginSuccess(events.poll())``: LOGIN of the user at test-app; its RESPONSE_MODE
    detail is the parsed mode's enum name (AuthorizationEndpointChecker.checkResponseType)."""
    event = await one_event(env)
    assert event["type"] == "LOGIN" and event["clientId"] == APP, event
    assert event["userId"] == await user_id(env, USER) and event["sessionId"], event
    assert event["details"]["response_mode"] == response_mode, event["details"]
    return event


def location(response: httpx.Response) -> tuple[str, str]:
    """``driver.getCurrentUrl()``'s raw query and raw fragment."""
    parts = urlsplit(response.headers["location"])
    return parts.query, parts.fragment


async def test_authorization_request_query_jwt_response_mode(kc: Env) -> None:
    """authorizationRequestQueryJWTResponseMode"""
    response = await login(kc, "query.jwt")
    claims = await response_token(kc, sent(response, "query"))
    assert claims["aud"] == APP
    assert claims["code"]
    assert claims["state"] == STATE
    assert "error" not in claims
    await expect_login_success(kc, "query_jwt")


async def test_authorization_request_jwt_response_mode(kc: Env) -> None:
    """authorizationRequestJWTResponseMode: ``jwt`` falls back to query.jwt for the code flow"""
    response = await login(kc, "jwt")
    claims = await response_token(kc, sent(response, "query"))
    assert claims["aud"] == APP
    assert claims["code"]
    assert "scope" not in claims  # no scope unless an access token is in the response
    assert claims["state"] == STATE
    assert "error" not in claims
    query, fragment = location(response)
    assert query and not fragment
    await expect_login_success(kc, "query_jwt")


async def test_authorization_request_fragment_jwt_response_mode(kc: Env) -> None:
    """authorizationRequestFragmentJWTResponseMode"""
    response = await login(kc, "fragment.jwt")
    claims = await response_token(kc, sent(response, "fragment"))
    assert claims["aud"] == APP
    assert claims["code"]
    assert claims["state"] == STATE
    assert "error" not in claims
    query, fragment = location(response)
    assert not query and fragment
    await expect_login_success(kc, "fragment_jwt")


async def test_authorization_request_form_post_jwt_response_mode(kc: Env) -> None:
    """authorizationRequestFormPostJWTResponseMode: the form_post page's one field, ``response``"""
    action, fields = form_post(await login(kc, "form_post.jwt"))
    assert action == REDIRECT
    assert list(fields) == ["response"], fields
    claims = await response_token(kc, fields["response"])
    assert claims["aud"] == APP
    assert claims["code"]
    assert claims["state"] == STATE
    assert "error" not in claims
    await expect_login_success(kc, "form_post_jwt")


async def test_authorization_request_jwt_response_mode_id_token_response_type(kc: Env) -> None:
    """authorizationRequestJWTResponseModeIdTokenResponseType: ``jwt`` falls back to fragment.jwt (hybrid)"""
    response = await login(kc, "jwt", "code id_token", nonce=NONCE)
    claims = await response_token(kc, sent(response, "fragment"))
    assert claims["aud"] == APP
    assert claims["code"]
    assert claims["state"] == STATE
    assert "error" not in claims
    id_token = await verified(kc, claims["id_token"], "ID")
    assert id_token["nonce"] == NONCE
    query, fragment = location(response)
    assert not query and fragment
    await expect_login_success(kc, "fragment_jwt")


async def test_authorization_request_jwt_response_mode_access_token_response_type(kc: Env) -> None:
    """authorizationRequestJWTResponseModeAccessTokenResponseType"""
    response = await login(kc, "jwt", "token id_token", nonce=NONCE)
    claims = await response_token(kc, sent(response, "fragment"))
    assert claims["aud"] == APP
    assert "code" not in claims
    assert claims["state"] == STATE
    assert "error" not in claims
    id_token = await verified(kc, claims["id_token"], "ID")
    assert id_token["nonce"] == NONCE
    access_token = await verified(kc, claims["access_token"], "Bearer")
    assert "nonce" not in access_token
    query, fragment = location(response)
    assert not query and fragment


async def test_authorization_request_fail_invalid_response_mode_query_jwt(kc: Env) -> None:
    """authorizationRequestFailInvalidResponseModeQueryJWT: the error sent back signed, in query.jwt itself"""
    response = await authorize(
        kc.http, response_type="code id_token", response_mode="query.jwt", state=STATE, nonce=NONCE
    )
    claims = await response_token(kc, sent(response, "query"))
    assert claims["error"] == "invalid_request"
    assert claims["error_description"] == QUERY_JWT_NOT_ENCRYPTED
    event = await one_event(kc)
    assert (event["type"], event["error"]) == ("LOGIN_ERROR", "invalid_request"), event
    assert event.get("userId") is None and event.get("sessionId") is None, event
    assert event["details"]["reason"] == QUERY_JWT_NOT_ENCRYPTED, event["details"]


async def test_error_object_expected_claims(kc: Env) -> None:
    """testErrorObjectExpectedClaims: an error's JWT has iss, exp and aud too"""
    response = await authorize(
        kc.http, response_type="code id_token", response_mode="query.jwt", state=STATE, nonce=NONCE
    )
    claims = await response_token(kc, sent(response, "query"))
    assert claims["iss"]
    assert claims["exp"]
    assert claims["aud"]
    assert "error" in claims and "error_description" in claims


# --- beyond the Java class, from Keycloak's source ------------------------------------------------------------


async def test_response_token_claims_follow_keycloak(kc: Env) -> None:
    """JWTRedirectUriBuilder: ``exp`` is now plus the realm's access code lifespan (60 s), ``iss`` the realm's
    issuer, then the plain mode's parameters (``session_state`` the LOGIN's session)."""
    claims = await response_token(kc, sent(await login(kc, "query.jwt"), "query"))
    assert claims["exp"] == kc.clock.now() + 60
    assert claims["iss"] == ISSUER
    event = await expect_login_success(kc, "query_jwt")
    assert claims["session_state"] == event["sessionId"]
    assert list(claims)[:3] == ["exp", "iss", "aud"]


async def test_client_signed_response_alg_signs_the_response(kc: Env) -> None:
    """``authorization.signed.response.alg`` is kept by the admin API and picks the response's algorithm."""
    await set_client_attributes(kc, APP, authorization_signed_response_alg="ES256")
    try:
        [client] = await get(kc, "/clients", clientId=APP)
        assert client["attributes"]["authorization.signed.response.alg"] == "ES256"
        claims = await response_token(kc, sent(await login(kc, "jwt"), "query"), alg="ES256")
        assert claims["code"] and claims["state"] == STATE
    finally:
        # a client update keeps attributes it does not name (Keycloak's too): emptied, it means the default
        await set_client_attributes(kc, APP, authorization_signed_response_alg="")


async def test_form_post_jwt_carries_the_hybrid_tokens(kc: Env) -> None:
    """The tokens of a hybrid response, signed after the commit, are in the form_post.jwt page's ``response``."""
    page = await authorize(
        kc.http, response_type="code id_token token", response_mode="form_post.jwt", state=STATE, nonce=NONCE
    )
    _, fields = form_post(await log_in(kc.http, page))
    claims = await response_token(kc, fields["response"])
    assert claims["code"] and claims["state"] == STATE and claims["token_type"] == "Bearer"
    assert (await verified(kc, claims["id_token"], "ID"))["nonce"] == NONCE
    assert (await verified(kc, claims["access_token"], "Bearer"))["azp"] == APP
    await expect_login_success(kc, "form_post_jwt")


async def test_unsignable_signed_response_alg_falls_back_to_the_default(kc: Env) -> None:
    """An ``authorization.signed.response.alg`` no realm key signs with (Keycloak: a null SignatureProvider and a
    server error) is signed with the realm's default instead of failing the login."""
    await set_client_attributes(kc, APP, authorization_signed_response_alg="HS-nothing")
    try:
        claims = await response_token(kc, sent(await login(kc, "query.jwt"), "query"), alg="RS256")
        assert claims["code"] and claims["state"] == STATE
    finally:
        await set_client_attributes(kc, APP, authorization_signed_response_alg="")


async def test_jwt_mode_with_bad_response_type_answers_in_query_jwt(kc: Env) -> None:
    """OIDCResponseMode.parseWhenInvalidResponseType: ``jwt`` is query.jwt when the type is not understood."""
    response = await authorize(kc.http, response_type="tokenn", response_mode="jwt", state=STATE)
    claims = await response_token(kc, sent(response, "query"))
    assert claims["error"] == "unsupported_response_type" and "error_description" not in claims
    assert claims["state"] == STATE


async def test_unknown_response_mode_answers_in_plain_query(kc: Env) -> None:
    """OIDCResponseMode.fromValue: the modes are case-sensitive; an unknown one is refused in plain query."""
    response = await authorize(kc.http, response_mode="query.JWT", state=STATE)
    assert response.status_code == 302
    found = parse_qs(urlsplit(response.headers["location"]).query)
    assert found["error"] == ["invalid_request"]
    assert found["error_description"] == ["Invalid parameter: response_mode"]
    event = await one_event(kc)
    assert "response_mode" not in event["details"], event["details"]


async def test_errors_in_fragment_jwt_and_form_post_jwt(kc: Env) -> None:
    """An error of the login (prompt=none without a session) and of the request (a bad scope) in the other two
    JARM modes."""
    response = await authorize(kc.http, response_mode="fragment.jwt", state=STATE, prompt="none")
    claims = await response_token(kc, sent(response, "fragment"))
    assert (claims["error"], claims["state"], claims["iss"]) == ("login_required", STATE, ISSUER)
    page = await authorize(kc.http, response_mode="form_post.jwt", state=STATE, scope="openid nosuch")
    _, fields = form_post(page)
    claims = await response_token(kc, fields["response"])
    assert (claims["error"], claims["error_description"]) == ("invalid_scope", "Invalid scopes: openid nosuch")
