"""Wire port of Keycloak's OIDCClientRegistrationResponseTypesAndGrantsTest (testsuite/.../client/), one test per
method: which Keycloak switches a registration's ``response_types`` and ``grant_types`` turn on (standard flow,
implicit flow, direct access grants, service accounts, refresh tokens, the device grant, standard token
exchange), and the metadata the create and a later read answer (``assertOIDCResponse``: the same sets both times).

Without ``response_types``, ``code`` is assumed only when ``grant_types`` is absent or names
``authorization_code``; without ``grant_types``, refresh tokens stay on. A public client
(``token_endpoint_auth_method`` none) cannot have standard token exchange: the registration is refused with
``invalid_client_metadata``.
"""

from __future__ import annotations

from typing import Any

import pytest

from client_registration_port import body
from oidc_registration_port import create, created, get, initial_token, keycloak_client, registration_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

AUTHORIZATION_CODE = "authorization_code"
CLIENT_CREDENTIALS = "client_credentials"
DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
IMPLICIT = "implicit"
PASSWORD = "password"
REFRESH_TOKEN = "refresh_token"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
CODE, ID_TOKEN, NONE = "code", "id_token", "none"
HYBRID = [ID_TOKEN, "id_token token", "code id_token", "code token", "code id_token token"]


@pytest.fixture
async def token(env: Env) -> str:
    """``before``: the realm, and an initial access token of ten uses."""
    await registration_realm(env)
    return await initial_token(env)


def create_rep(response_types: list[str] | None, grant_types: list[str] | None) -> dict[str, Any]:
    rep: dict[str, Any] = {
        "client_name": "RegistrationAccessTokenTest",
        "client_uri": "http://root",
        "redirect_uris": ["http://redirect"],
    }
    if response_types is not None:
        rep["response_types"] = response_types
    if grant_types is not None:
        rep["grant_types"] = grant_types
    return rep


async def assert_oidc_response(env: Env, response: dict[str, Any], types: list[str], grants: list[str]) -> None:
    """``assertOIDCResponse``: the sets answered by the create, then by ``reg.oidc().get``."""
    for answer in (response, await get(env, response)):
        assert sorted(answer.get("response_types", [])) == sorted(types), answer.get("response_types")
        assert sorted(answer.get("grant_types", [])) == sorted(grants), answer.get("grant_types")


async def assert_keycloak_client(env: Env, response: dict[str, Any], *expected: bool) -> None:
    """``assertKeycloakClient``: standard, implicit, direct grants, service accounts, refresh tokens, device grant,
    standard token exchange; never refresh tokens for the client credentials grant."""
    client = await keycloak_client(env, response["client_id"])
    attributes = client["attributes"]
    found = (
        client["standardFlowEnabled"],
        client["implicitFlowEnabled"],
        client["directAccessGrantsEnabled"],
        client["serviceAccountsEnabled"],
        attributes.get("use.refresh.tokens", "true") == "true",
        attributes.get("oauth2.device.authorization.grant.enabled") == "true",
        attributes.get("standard.token.exchange.enabled") == "true",
    )
    assert found == expected
    assert attributes.get("client_credentials.use_refresh_token", "false") == "false"


async def test_client_without_response_types_and_grant_types(env: Env, token: str) -> None:
    """testClientWithoutResponseTypesAndGrantTypes: ``code`` (and ``none``) and refresh tokens by default."""
    response = await created(env, create_rep(None, None), token)
    await assert_oidc_response(env, response, [CODE, NONE], [AUTHORIZATION_CODE, REFRESH_TOKEN])
    await assert_keycloak_client(env, response, True, False, False, False, True, False, False)


async def test_response_type_code_without_grant_types(env: Env, token: str) -> None:
    """testResponseTypeCodeWithoutGrantTypes."""
    response = await created(env, create_rep([CODE], None), token)
    await assert_oidc_response(env, response, [CODE, NONE], [AUTHORIZATION_CODE, REFRESH_TOKEN])
    await assert_keycloak_client(env, response, True, False, False, False, True, False, False)


async def test_response_type_code_id_token_without_grant_types(env: Env, token: str) -> None:
    """testResponseTypeCodeIDTokenWithoutGrantTypes: a hybrid type turns the implicit flow on, so every implicit
    and hybrid response type is answered."""
    response = await created(env, create_rep([CODE, ID_TOKEN], None), token)
    await assert_oidc_response(env, response, [CODE, NONE, *HYBRID], [AUTHORIZATION_CODE, IMPLICIT, REFRESH_TOKEN])
    await assert_keycloak_client(env, response, True, True, False, False, True, False, False)


async def test_without_response_type_client_credentials_grant(env: Env, token: str) -> None:
    """testWithoutResponseTypeClientCredentialsGrant: no response type at all, no refresh tokens."""
    response = await created(env, create_rep(None, [CLIENT_CREDENTIALS]), token)
    await assert_oidc_response(env, response, [], [CLIENT_CREDENTIALS])
    await assert_keycloak_client(env, response, False, False, False, True, False, False, False)


async def test_without_response_type_password_grant(env: Env, token: str) -> None:
    """testWithoutResponseTypePasswordGrant."""
    response = await created(env, create_rep(None, [PASSWORD]), token)
    await assert_oidc_response(env, response, [], [PASSWORD])
    await assert_keycloak_client(env, response, False, False, True, False, False, False, False)


async def test_without_response_type_password_client_credentials_refresh_tokens_grants(env: Env, token: str) -> None:
    """testWithoutResponseTypePasswordClientCredentialsRefreshTokensGrants."""
    grants = [PASSWORD, CLIENT_CREDENTIALS, REFRESH_TOKEN]
    response = await created(env, create_rep(None, grants), token)
    await assert_oidc_response(env, response, [], grants)
    await assert_keycloak_client(env, response, False, False, True, True, True, False, False)


async def test_client_without_refresh_token(env: Env, token: str) -> None:
    """testClientWithoutRefreshToken."""
    response = await created(env, create_rep(None, [AUTHORIZATION_CODE]), token)
    await assert_oidc_response(env, response, [CODE, NONE], [AUTHORIZATION_CODE])
    await assert_keycloak_client(env, response, True, False, False, False, False, False, False)


async def test_client_with_refresh_token(env: Env, token: str) -> None:
    """testClientWithRefreshToken."""
    response = await created(env, create_rep(None, [AUTHORIZATION_CODE, REFRESH_TOKEN]), token)
    await assert_oidc_response(env, response, [CODE, NONE], [AUTHORIZATION_CODE, REFRESH_TOKEN])
    await assert_keycloak_client(env, response, True, False, False, False, True, False, False)


async def test_no_response_types_with_device_grant(env: Env, token: str) -> None:
    """testNoResponseTypesWithDeviceGrant."""
    response = await created(env, create_rep(None, [DEVICE_CODE]), token)
    await assert_oidc_response(env, response, [], [DEVICE_CODE])
    await assert_keycloak_client(env, response, False, False, False, False, False, True, False)


async def test_grant_type_token_exchange(env: Env, token: str) -> None:
    """testGrantTypeTokenExchange: refused for a public client, standard token exchange on for a confidential
    one."""
    rep = create_rep(None, [AUTHORIZATION_CODE, REFRESH_TOKEN, TOKEN_EXCHANGE])
    refused = await create(env, {**rep, "token_endpoint_auth_method": "none"}, token)
    assert refused.status_code == 400, refused.text
    assert body(refused, 400)["error"] == "invalid_client_metadata"
    response = await created(env, rep, token)
    await assert_oidc_response(env, response, [CODE, NONE], [AUTHORIZATION_CODE, REFRESH_TOKEN, TOKEN_EXCHANGE])
    await assert_keycloak_client(env, response, True, False, False, False, True, False, True)


async def test_code_response_type_with_more_grants(env: Env, token: str) -> None:
    """testCodeResponseTypeWithMoreGrants."""
    grants = [AUTHORIZATION_CODE, REFRESH_TOKEN, PASSWORD, CLIENT_CREDENTIALS]
    response = await created(env, create_rep([CODE], grants), token)
    await assert_oidc_response(env, response, [CODE, NONE], grants)
    await assert_keycloak_client(env, response, True, False, True, True, True, False, False)


async def test_code_response_type_with_incompatible_grants(env: Env, token: str) -> None:
    """testCodeResponseTypeWithIncompatibleGrants: ``authorization_code`` follows from ``code``."""
    response = await created(env, create_rep([CODE], [REFRESH_TOKEN, PASSWORD, CLIENT_CREDENTIALS]), token)
    grants = [AUTHORIZATION_CODE, REFRESH_TOKEN, PASSWORD, CLIENT_CREDENTIALS]
    await assert_oidc_response(env, response, [CODE, NONE], grants)
    await assert_keycloak_client(env, response, True, False, True, True, True, False, False)
