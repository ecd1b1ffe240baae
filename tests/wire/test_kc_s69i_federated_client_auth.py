"""Federated client authentication (``federated-jwt``, supported since Keycloak 26.6), ported from Keycloak's
tests/base ``client/authentication/external``: FederatedClientAuthTest and BaseClientAuthTest with the methods they
inherit from AbstractBaseClientAuthTest (AbstractFederatedClientAuthTest in older trees), asserting the answers and
the events as AbstractClientAuthTest does. The identity provider is tests/fake_idp.py, which publishes the JWK set
the assertions are checked with; the client ``internal-myclient`` is bound to it with ``jwt.credential.issuer``
(the provider's alias) and ``jwt.credential.sub`` (its id there, ``external-myclient``).

The answers follow FederatedJWTClientAuthenticator, DefaultClientAssertionStrategy, OIDCIdentityProvider
.verifyClientAssertion and FederatedJWTClientValidator (oauth/client_federated.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest

from fake_idp import ATTACKER_KEY, FakeIdp, fake_idp
from federated_client_support import (
    EXTERNAL,
    FAILED,
    IDP_ALIAS,
    INTERNAL,
    ISSUER,
    JWT_BEARER,
    assert_failure,
    assert_no_client,
    assert_refused,
    assert_success,
    bound_client,
    create_provider,
    default_token,
    federated_realm,
    grant,
    signed,
    update_provider,
)
from keycloak_port import admin_headers, forget, get, one_event, poll, put
from served_app import serving
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def fed(realm: Env) -> AsyncIterator[tuple[Env, FakeIdp]]:
    """BaseClientAuthTest.ExernalClientAuthRealmConfig: the provider taking client assertions, the bound client."""
    async with fake_idp() as provider:
        await federated_realm(realm, provider.rep(IDP_ALIAS, supportsClientAssertions="true"))
        yield realm, provider
        forget(realm)


# --- AbstractBaseClientAuthTest ------------------------------------------------------------------------------


async def test_valid_token(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    token = default_token(env, provider)
    await assert_success(env, await grant(env, signed(token)), token)


async def test_invalid_signature(fed: tuple[Env, FakeIdp]) -> None:
    """Signed with keys the provider does not publish: the authenticator's own failure, 401."""
    env, provider = fed
    token = default_token(env, provider)
    response = await grant(env, signed(token, ATTACKER_KEY))
    assert response.status_code == 401
    await assert_failure(env, response, token)


async def test_invalid_sub(fed: tuple[Env, FakeIdp]) -> None:
    """No client is bound to the subject: no client authenticates, client_not_found naming none."""
    env, provider = fed
    token = default_token(env, provider, sub="invalid")
    await assert_no_client(env, token)


async def test_expired(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    token = default_token(env, provider, exp=env.clock.now() - 30)
    response = await grant(env, signed(token))
    assert response.status_code == 400
    await assert_failure(env, response, token, "Token is not active")


async def test_missing_exp(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    token = default_token(env, provider, exp=None)
    await assert_refused(env, token, "Token exp claim is required")


async def test_invalid_nbf(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    token = default_token(env, provider, nbf=env.clock.now() + 60)
    await assert_refused(env, token, "Token is not active")


async def test_invalid_aud(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    token = default_token(env, provider, aud="invalid")
    await assert_refused(env, token, "Invalid token audience")


async def test_missing_aud(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    token = default_token(env, provider, aud=None)
    await assert_refused(env, token, "Invalid token audience")


async def test_multiple_aud(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    token = default_token(env, provider, aud=[ISSUER, "invalid"])
    await assert_refused(env, token, "Multiple audiences not allowed")


async def test_valid_invalid_assertion_type(fed: tuple[Env, FakeIdp]) -> None:
    """Another assertion type: no strategy takes it, so no client authenticates."""
    env, provider = fed
    token = default_token(env, provider)
    await assert_no_client(env, token, "urn:ietf:params:oauth:client-assertion-type:invalid")


async def test_client_assertion_max_expiration(fed: tuple[Env, FakeIdp]) -> None:
    """The provider's ``federatedClientAssertionMaxExpiration`` bounds how long ago ``iat`` may be."""
    env, provider = fed
    await update_provider(env, federatedClientAssertionMaxExpiration="60")
    now = env.clock.now()
    token = default_token(env, provider, iat=now, exp=now + 30)
    await assert_success(env, await grant(env, signed(token)), token)
    token = default_token(env, provider, iat=now - 120, exp=now + 30)
    await assert_refused(env, token, "Token was issued too far in the past to be used now")


async def test_client_assertion_max_expiration_without_iat(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    await update_provider(env, federatedClientAssertionMaxExpiration="60")
    now = env.clock.now()
    token = default_token(env, provider, iat=None, exp=now + 120)
    await assert_refused(env, token, "Token expiration is too far in the future and iat claim not present in token")
    token = default_token(env, provider, iat=None, exp=now + 30)
    await assert_success(env, await grant(env, signed(token)), token)


async def test_default_max_expiration_is_300_seconds(fed: tuple[Env, FakeIdp]) -> None:
    """FederatedJWTClientValidator's maximumExpirationTime, 300 s, where the provider sets none."""
    env, provider = fed
    now = env.clock.now()
    token = default_token(env, provider, iat=None, exp=now + 301)
    await assert_refused(env, token, "Token expiration is too far in the future and iat claim not present in token")
    token = default_token(env, provider, iat=now - 301)
    await assert_refused(env, token, "Token was issued too far in the past to be used now")


# --- BaseClientAuthTest ---------------------------------------------------------------------------------------


async def test_invalid_issuer(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    token = default_token(env, provider, iss="http://invalid")
    await assert_no_client(env, token)


async def test_missing_issuer(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    token = default_token(env, provider, iss=None)
    await assert_failure(env, await grant(env, signed(token)), token, None, client_id=None, error="client_not_found")


async def test_missing_jti(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    token = default_token(env, provider, jti=None)
    await assert_refused(env, token, "Token jti claim is required")


async def test_reuse_not_permitted(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    token = default_token(env, provider)
    await assert_success(env, await grant(env, signed(token)), token)
    await assert_refused(env, token, "Token reuse detected")


async def test_reuse_permitted(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    await update_provider(env, supportsClientAssertionReuse="true")
    token = default_token(env, provider)
    await assert_success(env, await grant(env, signed(token)), token)
    await assert_success(env, await grant(env, signed(token)), token)


async def test_reuse_permitted_needs_no_jti(fed: tuple[Env, FakeIdp]) -> None:
    """validateTokenActive asks for a ``jti`` only where reuse is not permitted."""
    env, provider = fed
    await update_provider(env, supportsClientAssertionReuse="true")
    token = default_token(env, provider, jti=None)
    await assert_success(env, await grant(env, signed(token)), token)


async def test_client_assertions_not_supported(fed: tuple[Env, FakeIdp]) -> None:
    """Without ``supportsClientAssertions`` the provider is no client assertion provider: client_not_found."""
    env, provider = fed
    await update_provider(env, supportsClientAssertions=None)
    token = default_token(env, provider)
    await assert_no_client(env, token)


# --- FederatedClientAuthTest (older tree) --------------------------------------------------------------------


async def test_invalid_assertion_type_spiffe(fed: tuple[Env, FakeIdp]) -> None:
    """FederatedClientAuthTest.testInvalidAssertionType: the SPIFFE assertion type is no OIDC provider's."""
    env, provider = fed
    token = default_token(env, provider)
    await assert_no_client(env, token, "urn:ietf:params:oauth:client-assertion-type:jwt-spiffe")


# --- what the Keycloak code decides beyond its tests ---------------------------------------------------------


async def test_client_id_parameter_must_be_the_assertion_subject(fed: tuple[Env, FakeIdp]) -> None:
    """AbstractJWTClientValidator.validateClient: a ``client_id`` parameter is compared with ``sub``, the client's
    id at the provider; the internal client id there is refused."""
    env, provider = fed
    token = default_token(env, provider)
    response = await grant(env, signed(token), client_id=INTERNAL)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "client_id parameter does not match sub claim",
    }
    event = await one_event(env)
    assert (event["type"], event["clientId"], event["error"]) == (
        "CLIENT_LOGIN_ERROR",
        INTERNAL,
        "invalid_client_credentials",
    )
    token = default_token(env, provider)
    await assert_success(env, await grant(env, signed(token), client_id=EXTERNAL), token)


async def test_introspection_endpoint_authenticates_a_federated_client(fed: tuple[Env, FakeIdp]) -> None:
    """The other client-authenticated endpoints run the same flow: introspection by the federated client."""
    env, provider = fed
    response = await env.http.post(
        "/realms/test/protocol/openid-connect/token/introspect",
        data={
            "token": "not-a-token",
            "client_assertion_type": JWT_BEARER,
            "client_assertion": signed(default_token(env, provider)),
        },
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"active": False}


async def test_admin_api_keeps_the_authenticator_and_its_attributes(fed: tuple[Env, FakeIdp]) -> None:
    env, _ = fed
    [client] = await get(env, "/clients", clientId=INTERNAL)
    assert client["clientAuthenticatorType"] == "federated-jwt"
    assert client["attributes"]["jwt.credential.issuer"] == IDP_ALIAS
    assert client["attributes"]["jwt.credential.sub"] == EXTERNAL


async def test_discovery_lists_no_method_for_federated_jwt(realm: Env) -> None:
    """FederatedJWTClientAuthenticator.getProtocolAuthenticatorMethods is empty: discovery's methods stay."""
    body = (await realm.http.get("/realms/test/.well-known/openid-configuration")).json()
    assert body["token_endpoint_auth_methods_supported"] == [
        "private_key_jwt",
        "client_secret_basic",
        "client_secret_post",
        "tls_client_auth",
        "client_secret_jwt",
    ]


# --- FederatedClientAuthMappingTest ----------------------------------------------------------------------------


def _azp(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return str(jwt.decode(response.json()["access_token"], options={"verify_signature": False})["azp"])


async def test_mapping_simple_urn_and_uuid_subjects(fed: tuple[Env, FakeIdp]) -> None:
    """FederatedClientAuthMappingTest.testSimple, testUrn, testUri: each subject finds the client bound to it."""
    env, provider = fed
    subjects = {
        "external-simple-1": "internal-simple-1",
        "external-simple-2": "internal-simple-2",
        "spiffe://client/urn": "internal-urn",
        "bf4c696e-89dc-4e40-a833-90fa5f8786e0": "internal-uuid",
    }
    for subject, client_id in subjects.items():
        await bound_client(env, client_id, subject)
    for subject, client_id in subjects.items():
        assert _azp(await grant(env, signed(default_token(env, provider, sub=subject)))) == client_id


async def test_mapping_duplicated_external(fed: tuple[Env, FakeIdp]) -> None:
    """FederatedClientAuthMappingTest.testDuplicatedExternal: two clients bound to one subject, none is chosen."""
    env, provider = fed
    await bound_client(env, "internal-duplicated-1", "external-duplicated")
    await bound_client(env, "internal-duplicated-2", "external-duplicated")
    response = await grant(env, signed(default_token(env, provider, sub="external-duplicated")))
    assert response.status_code == 401, response.text
    assert response.json() == {"error": "invalid_client", "error_description": FAILED}


# --- FederatedClientAuthConflictsTest --------------------------------------------------------------------------


async def _provider(env: Env, provider: FakeIdp, alias: str, issuer: str, assertions: bool = True) -> dict[str, Any]:
    """createIdp(alias, issuer, supportsClientAssertions): the stored representation."""
    await create_provider(env, provider.rep(alias, issuer=issuer, supportsClientAssertions=str(assertions).lower()))
    stored: dict[str, Any] = await get(env, f"/identity-provider/instances/{alias}")
    return stored


async def test_conflicts_duplicated_issuers(realm: Env) -> None:
    """testDuplicatedIssuers: two providers of one issuer, neither taking client assertions (so the admin API let
    both have it): no client authenticates."""
    async with fake_idp() as provider:
        await _provider(realm, provider, "idp1", provider.issuer, assertions=False)
        await _provider(realm, provider, "idp2", provider.issuer, assertions=False)
        await bound_client(realm, "myclient", "external1", "idp1")
        response = await grant(realm, signed(default_token(realm, provider, sub="external1")))
        assert response.json()["error_description"] == FAILED
        forget(realm)


async def test_conflicts_changed_issuer(realm: Env) -> None:
    """testChangedIssuer: the client moved to a provider not taking assertions fails; once that provider takes
    them (and the first gave up the issuer) it authenticates again."""
    async with fake_idp() as provider:
        await put(realm, "", {"eventsEnabled": True})
        idp1 = await _provider(realm, provider, "idp1", provider.issuer)
        client_uuid = await bound_client(realm, "myclient", "external1", "idp1")
        assert _azp(await grant(realm, signed(default_token(realm, provider, sub="external1")))) == "myclient"
        idp2 = await _provider(realm, provider, "idp2", provider.issuer, assertions=False)
        client = await get(realm, f"/clients/{client_uuid}")
        client["attributes"]["jwt.credential.issuer"] = "idp2"
        await put(realm, f"/clients/{client_uuid}", client)
        response = await grant(realm, signed(default_token(realm, provider, sub="external1")))
        assert (response.status_code, response.json()["error_description"]) == (401, FAILED)
        idp1["config"] |= {"issuer": provider.issuer + "1", "supportsClientAssertions": "false"}
        await put(realm, "/identity-provider/instances/idp1", idp1)
        idp2["config"]["supportsClientAssertions"] = "true"
        await put(realm, "/identity-provider/instances/idp2", idp2)
        await poll(realm)
        assert _azp(await grant(realm, signed(default_token(realm, provider, sub="external1")))) == "myclient"
        assert (await one_event(realm))["clientId"] == "myclient"
        forget(realm)


async def test_conflicts_duplicated_client_external_id(realm: Env) -> None:
    """testDuplicatedClientExternalId: one subject at two providers names a client at each."""
    async with fake_idp() as provider:
        await _provider(realm, provider, "idp1", provider.issuer + "/one")
        await _provider(realm, provider, "idp2", provider.issuer + "/two")
        await bound_client(realm, "myclient1", "external1", "idp1")
        await bound_client(realm, "myclient2", "external1", "idp2")
        for issuer, client_id in ((provider.issuer + "/one", "myclient1"), (provider.issuer + "/two", "myclient2")):
            token = default_token(realm, provider, sub="external1", iss=issuer)
            assert _azp(await grant(realm, signed(token))) == client_id
        forget(realm)


# --- FederatedClientAuthFromKeycloakTest -------------------------------------------------------------------------


async def test_from_keycloak_valid_token(realm: Env) -> None:
    """FederatedClientAuthFromKeycloakTest.testValidToken: realm ``external`` of a server (this one, on a real
    port) issues ``myclient`` a client-credentials access token whose ``sub`` a hardcoded claim mapper sets to
    ``myclient`` and whose audience mapper names the internal realm; the internal realm trusts ``external`` as an
    OpenID Connect provider taking client assertions, and its own ``myclient`` authenticates with that token."""
    async with serving(realm.apps[0]) as base:
        h = await admin_headers(realm)
        made = await realm.http.post("/admin/realms", json={"realm": "external", "enabled": True}, headers=h)
        assert made.status_code == 201, made.text
        mappers = [
            {
                "name": "fixed-sub",
                "protocol": "openid-connect",
                "protocolMapper": "oidc-hardcoded-claim-mapper",
                "config": {"claim.name": "sub", "claim.value": "myclient", "access.token.claim": "true"},
            },
            {
                "name": "fixed-audience",
                "protocol": "openid-connect",
                "protocolMapper": "oidc-audience-mapper",
                "config": {"included.custom.audience": ISSUER, "access.token.claim": "true"},
            },
        ]
        external_client = {
            "clientId": "myclient",
            "secret": "mysecret",
            "serviceAccountsEnabled": True,
            "defaultClientScopes": [],
            "protocolMappers": mappers,
        }
        made = await realm.http.post("/admin/realms/external/clients", json=external_client, headers=h)
        assert made.status_code == 201, made.text
        async with httpx.AsyncClient(base_url=base) as outside:
            answer = await outside.post(
                "/realms/external/protocol/openid-connect/token",
                data={"grant_type": "client_credentials", "client_id": "myclient", "client_secret": "mysecret"},
            )
        assert answer.status_code == 200, answer.text
        external_assertion = answer.json()["access_token"]
        provider = {
            "alias": "keycloak-idp",
            "providerId": "oidc",
            "enabled": True,
            "config": {
                "issuer": f"{base}/realms/external",
                "supportsClientAssertions": "true",
                "useJwksUrl": "true",
                "jwksUrl": f"{base}/realms/external/protocol/openid-connect/certs",
                "validateSignature": "true",
            },
        }
        await create_provider(realm, provider)
        await bound_client(realm, "myclient", "myclient", "keycloak-idp")
        assert _azp(await grant(realm, external_assertion)) == "myclient"
        forget(realm)
