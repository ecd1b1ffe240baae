"""Keycloak's HoKTest (RFC 8705 §3, certificate-bound tokens, KEYCLOAK-6771), ported method by method
(testsuite/integration-arquillian/tests/base/.../oauth/hok/HoKTest.java).

Keycloak runs the test over its own HTTPS port with client keystores; Doorkeep takes the client's certificate from a
TLS-terminating proxy, so the app runs with ``--spi-x509cert-lookup-provider nginx`` and each request that "uses
a keystore" carries the headers nginx would set (tests/mtls_port.py: ``client.jks`` is ``DEFAULT``,
``other_client.jks`` is ``OTHER``). The realm is the part of testrealm.json the test reads: ``test-app`` (secret
``password``), ``service-account-client`` and ``confidential-cli`` (secret ``secret1``), with "OAuth 2.0 Mutual
TLS Certificate Bound Access Tokens" on for ``test-app`` and ``service-account-client`` (the Java ``@Before``).
As in Keycloak's suite, the default HTTP client presents ``client.jks``: requests made "without" a keystore send
no certificate headers.

Not ported as such: the event and claim details ``expectSuccessfulResponseFromTokenEndpoint`` checks against the
rest of testrealm.json (roles, key ids, expiries), which other ports cover; ``postLogoutByHoKRefreshTokenWith…``'s
``testingClient.testApp().getAdminLogoutAction()`` (a backchannel logout to the test app's admin URL): the logout
is asserted by the session being gone instead.
"""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest

import mtls_port
from browser_flow import REDIRECT, code_from, start, submit
from group_port import fresh_realm
from keycloak_port import one_event, poll, update_client
from mtls_port import DEFAULT, OTHER, with_default_certificate, with_other_certificate
from support import add_audience
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = mtls_port.anyio_backend, mtls_port.shared_env, mtls_port.env

APP, SECRET = "test-app", "password"
OIDC = "/realms/test/protocol/openid-connect"
HOK = {"tls.client.certificate.bound.access.tokens": "true"}
USER, JOHN = "test-user@localhost", "john-doh@localhost"
MISMATCH = "Client certificate missing, or its thumbprint and one in the refresh token did NOT match"


def _user(name: str) -> dict[str, Any]:
    return {
        "username": name,
        "enabled": True,
        "email": name,
        "firstName": "Tom",
        "lastName": "Brady",
        "credentials": [{"type": "password", "value": "password"}],
    }


def realm_rep() -> dict[str, Any]:
    redirect = [f"{REDIRECT.split('?')[0]}*"]
    return {
        "realm": "test",
        "enabled": True,
        "sslRequired": "external",
        "eventsEnabled": True,
        # what AssertEvents sees and the event store keeps only when asked (REFRESH_TOKEN_ERROR is not by default)
        "enabledEventTypes": [
            "LOGIN",
            "CODE_TO_TOKEN",
            "CODE_TO_TOKEN_ERROR",
            "REFRESH_TOKEN_ERROR",
            "USER_INFO_REQUEST",
            "USER_INFO_REQUEST_ERROR",
            "LOGOUT_ERROR",
        ],
        "clients": [
            {"clientId": APP, "secret": SECRET, "redirectUris": redirect, "attributes": dict(HOK)},
            {
                "clientId": "service-account-client",
                "secret": "secret1",
                "serviceAccountsEnabled": True,
                "directAccessGrantsEnabled": True,
                "attributes": dict(HOK),
            },
            {"clientId": "confidential-cli", "secret": "secret1", "serviceAccountsEnabled": True},
        ],
        "users": [_user(USER), _user(JOHN)],
    }


@pytest.fixture
async def kc(env: Env) -> Env:
    env.http.cookies.clear()
    await fresh_realm(env, realm_rep())
    await poll(env)
    return env


def claims(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def thumbprint_of(token: str) -> str | None:
    cnf = claims(token).get("cnf") or {}
    return cnf.get("x5t#S256")


def assert_bound(response: httpx.Response, thumbprint: str, *, refresh: bool = True) -> None:
    """verifyHoKTokenCertThumbPrint: the access (and refresh) token's ``cnf.x5t#S256`` is the certificate's."""
    body = response.json()
    assert thumbprint_of(body["access_token"]) == thumbprint, body
    if refresh:
        assert thumbprint_of(body["refresh_token"]) == thumbprint


async def login(env: Env, username: str = USER, **params: str) -> str:
    """``oauth.doLogin``: a fresh browser signs in to ``test-app``; the code."""
    env.http.cookies.clear()
    page = await start(env.http, "test", APP, **params)
    sent = code_from(await submit(env.http, page, username=username, password="password"))
    assert "code" in sent, sent
    return sent["code"]


async def code_exchange(env: Env, code: str, headers: dict[str, str]) -> httpx.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    return await env.http.post(f"{OIDC}/token", data=data, auth=(APP, SECRET), headers=headers)


async def refresh(env: Env, token: str, headers: dict[str, str]) -> httpx.Response:
    data = {"grant_type": "refresh_token", "refresh_token": token}
    return await env.http.post(f"{OIDC}/token", data=data, auth=(APP, SECRET), headers=headers)


async def logout(env: Env, token: str, headers: dict[str, str]) -> httpx.Response:
    data = {"refresh_token": token}
    return await env.http.post(f"{OIDC}/logout", data=data, auth=(APP, SECRET), headers=headers)


async def userinfo(env: Env, token: str, headers: dict[str, str]) -> httpx.Response:
    return await env.http.get(f"{OIDC}/userinfo", headers={"Authorization": f"Bearer {token}", **headers})


async def bound_tokens(env: Env) -> httpx.Response:
    response = await code_exchange(env, await login(env), with_default_certificate())
    assert response.status_code == 200, response.text
    assert_bound(response, DEFAULT.thumbprint)
    return response


async def test_access_token_request_with_client_certificate(kc: Env) -> None:
    """accessTokenRequestWithClientCertificate: both tokens carry the certificate's thumbprint; CODE_TO_TOKEN."""
    code = await login(kc)
    await poll(kc)
    response = await code_exchange(kc, code, with_default_certificate())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and 250 <= body["expires_in"] <= 300
    assert_bound(response, DEFAULT.thumbprint)
    event = await one_event(kc)
    assert event["type"] == "CODE_TO_TOKEN" and event["details"]["client_auth_method"] == "client-secret"
    assert event["details"]["token_id"] == claims(body["access_token"])["jti"]


async def test_access_token_request_without_client_certificate(kc: Env) -> None:
    """accessTokenRequestWithoutClientCertificate: 400 invalid_request, "Client Certification missing …"; the
    CODE_TO_TOKEN_ERROR event gives it as the reason."""
    code = await login(kc)
    await poll(kc)
    response = await code_exchange(kc, code, {})
    assert response.status_code == 400, response.text
    missing = "Client Certification missing for MTLS HoK Token Binding"
    assert response.json() == {"error": "invalid_request", "error_description": missing}
    event = await one_event(kc)
    assert (event["type"], event["error"], event["details"]["reason"]) == (
        "CODE_TO_TOKEN_ERROR",
        "invalid_request",
        missing,
    )


async def test_refresh_token_request_by_hok_refresh_token_by_other_client(kc: Env) -> None:
    """refreshTokenRequestByHoKRefreshTokenByOtherClient: the first user's refresh token, sent with the other
    certificate, is 401 unauthorized_client; the refresh error event is not_allowed."""
    first = await bound_tokens(kc)
    second = await code_exchange(kc, await login(kc, JOHN), with_other_certificate())
    assert second.status_code == 200, second.text
    assert_bound(second, OTHER.thumbprint)
    await poll(kc)
    response = await refresh(kc, first.json()["refresh_token"], with_other_certificate())
    assert response.status_code == 401, response.text
    assert response.json() == {"error": "unauthorized_client", "error_description": MISMATCH}
    event = await one_event(kc)
    assert (event["type"], event["error"], event["details"]["reason"]) == (
        "REFRESH_TOKEN_ERROR",
        "not_allowed",
        MISMATCH,
    )


async def test_refresh_token_request_by_hok_refresh_token_with_client_certificate(kc: Env) -> None:
    """refreshTokenRequestByHoKRefreshTokenWithClientCertificate: refreshed with the certificate, the new tokens
    are bound to it again."""
    tokens = (await bound_tokens(kc)).json()
    kc.clock.advance(2)
    response = await refresh(kc, tokens["refresh_token"], with_default_certificate())
    assert response.status_code == 200, response.text
    assert_bound(response, DEFAULT.thumbprint)
    refreshed = response.json()
    assert claims(refreshed["access_token"])["sid"] == claims(tokens["access_token"])["sid"]
    assert claims(refreshed["access_token"])["jti"] != claims(tokens["access_token"])["jti"]


async def test_refresh_token_request_by_refresh_token_without_client_certificate(kc: Env) -> None:
    """refreshTokenRequestByRefreshTokenWithoutClientCertificate: without a certificate, 401 unauthorized_client."""
    tokens = (await bound_tokens(kc)).json()
    kc.clock.advance(2)
    response = await refresh(kc, tokens["refresh_token"], {})
    assert response.status_code == 401, response.text
    assert response.json() == {"error": "unauthorized_client", "error_description": MISMATCH}


async def test_get_user_info_by_hok_access_token_with_client_certificate(kc: Env) -> None:
    """getUserInfoByHoKAccessTokenWithClientCertificate: the userinfo answer and USER_INFO_REQUEST."""
    tokens = (await bound_tokens(kc)).json()
    await poll(kc)
    response = await userinfo(kc, tokens["access_token"], with_default_certificate())
    assert response.status_code == 200, response.text
    assert response.json()["preferred_username"] == USER
    event = await one_event(kc)
    assert event["type"] == "USER_INFO_REQUEST"
    assert event["details"] == {
        "auth_method": "validate_access_token",
        "username": USER,
        "signature_required": "false",
    }


async def test_get_user_info_by_hok_access_token_without_client_certificate(kc: Env) -> None:
    """getUserInfoByHoKAccessTokenWithoutClientCertificate: 401, error not_allowed; the other certificate too."""
    tokens = (await bound_tokens(kc)).json()
    await poll(kc)
    for headers in ({}, with_other_certificate()):
        response = await userinfo(kc, tokens["access_token"], headers)
        assert response.status_code == 401, response.text
        challenge = response.headers["www-authenticate"]
        assert 'error="invalid_token"' in challenge and MISMATCH in challenge
        event = await one_event(kc)
        assert (event["type"], event["error"], event["clientId"]) == ("USER_INFO_REQUEST_ERROR", "not_allowed", APP)
        assert event["details"]["reason"] == MISMATCH


async def test_post_logout_by_hok_refresh_token_with_client_certificate(kc: Env) -> None:
    """postLogoutByHoKRefreshTokenWithClientCertificate: 204, the session is gone."""
    tokens = (await bound_tokens(kc)).json()
    response = await logout(kc, tokens["refresh_token"], with_default_certificate())
    assert response.status_code == 204, response.text
    again = await refresh(kc, tokens["refresh_token"], with_default_certificate())
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


async def test_post_logout_by_hok_refresh_token_without_client_certificate(kc: Env) -> None:
    """postLogoutByHoKRefreshTokenWithoutClientCertificate: 401 (unauthorized_client), LOGOUT_ERROR not_allowed;
    the session lives on."""
    tokens = (await bound_tokens(kc)).json()
    await poll(kc)
    response = await logout(kc, tokens["refresh_token"], {})
    assert response.status_code == 401, response.text
    assert response.json() == {"error": "unauthorized_client", "error_description": MISMATCH}
    event = await one_event(kc)
    assert (event["type"], event["error"], event["details"]["reason"]) == ("LOGOUT_ERROR", "not_allowed", MISMATCH)
    assert (await refresh(kc, tokens["refresh_token"], with_default_certificate())).status_code == 200


async def test_access_token_request_with_client_certificate_in_hybrid_flow_with_code_id_token(kc: Env) -> None:
    """accessTokenRequestWithClientCertificateInHybridFlowWithCodeIDToken: the front channel's ID token (with
    ``c_hash`` and the nonce) is not refused for want of a certificate, and the code's tokens are bound."""
    await update_client(kc, APP, implicitFlowEnabled=True)
    code_page = await start(kc.http, "test", APP, response_type="code id_token", nonce="ckw938gnspa93dj")
    sent = code_from(await submit(kc.http, code_page, username=USER, password="password"))
    id_token = claims(sent["id_token"])
    assert id_token["nonce"] == "ckw938gnspa93dj" and "c_hash" in id_token and "at_hash" not in id_token
    assert "access_token" not in sent and sent["session_state"] == id_token["sid"]
    response = await code_exchange(kc, sent["code"], with_default_certificate())
    assert response.status_code == 200, response.text
    assert claims(response.json()["id_token"])["nonce"] == "ckw938gnspa93dj"
    assert_bound(response, DEFAULT.thumbprint)


async def test_introspect_hok_access_token(kc: Env) -> None:
    """testIntrospectHoKAccessToken: a resource server without a certificate introspects the token; the answer
    shows the ``cnf`` thumbprint both tokens carry. test-app's tokens name confidential-cli in their audience, so
    that its introspection answers (Keycloak 26.6.2's audience check)."""
    await add_audience(kc.db, "test", APP, "confidential-cli")
    tokens = (await bound_tokens(kc)).json()
    data = {"token": tokens["access_token"], "token_type_hint": "access_token"}
    response = await kc.http.post(f"{OIDC}/token/introspect", data=data, auth=("confidential-cli", "secret1"))
    assert response.status_code == 200, response.text
    rep = response.json()
    assert rep["active"] is True and rep["username"] == USER and rep["client_id"] == APP
    assert rep["cnf"] == {"x5t#S256": DEFAULT.thumbprint}
    assert thumbprint_of(tokens["refresh_token"]) == DEFAULT.thumbprint


async def test_service_account_with_client_certificate(kc: Env) -> None:
    """serviceAccountWithClientCertificate: without a certificate 400 invalid_request; with it a bound token."""
    data = {"grant_type": "client_credentials"}
    auth = ("service-account-client", "secret1")
    refused = await kc.http.post(f"{OIDC}/token", data=data, auth=auth)
    assert refused.status_code == 400, refused.text
    assert refused.json()["error_description"] == "Client Certification missing for MTLS HoK Token Binding"
    granted = await kc.http.post(f"{OIDC}/token", data=data, auth=auth, headers=with_default_certificate())
    assert granted.status_code == 200, granted.text
    assert_bound(granted, DEFAULT.thumbprint, refresh=False)


async def test_resource_owner_password_credentials_grant_with_client_certificate(kc: Env) -> None:
    """resourceOwnerPasswordCredentialsGrantWithClientCertificate: the same for the password grant."""
    data = {"grant_type": "password", "username": USER, "password": "password"}
    auth = ("service-account-client", "secret1")
    refused = await kc.http.post(f"{OIDC}/token", data=data, auth=auth)
    assert refused.status_code == 400, refused.text
    assert refused.json() == {
        "error": "invalid_request",
        "error_description": "Client Certification missing for MTLS HoK Token Binding",
    }
    granted = await kc.http.post(f"{OIDC}/token", data=data, auth=auth, headers=with_default_certificate())
    assert granted.status_code == 200, granted.text
    assert_bound(granted, DEFAULT.thumbprint, refresh=False)


async def test_a_certificate_bound_subject_token_is_exchanged_only_over_its_certificate(kc: Env) -> None:
    """Not a HoKTest method: StandardTokenExchangeProvider.validateSenderConstrainedToken checks a ``x5t#S256``
    subject token presented by its own client with MtlsHoKTokenUtil.verifyTokenBindingWithClientCertificate."""
    await update_client(kc, "service-account-client", attributes={"standard.token.exchange.enabled": "true"})
    auth = ("service-account-client", "secret1")
    granted = await kc.http.post(
        f"{OIDC}/token", data={"grant_type": "client_credentials"}, auth=auth, headers=with_default_certificate()
    )
    assert granted.status_code == 200, granted.text
    form = {
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": granted.json()["access_token"],
        "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
    }
    for headers in ({}, with_other_certificate()):
        refused = await kc.http.post(f"{OIDC}/token", data=form, auth=auth, headers=headers)
        assert refused.status_code == 400, refused.text
        assert refused.json() == {"error": "invalid_request", "error_description": MISMATCH}
    exchanged = await kc.http.post(f"{OIDC}/token", data=form, auth=auth, headers=with_default_certificate())
    assert exchanged.status_code == 200, exchanged.text
