"""Keycloak's OIDCWellKnownProviderTest (with the methods it inherits from AbstractWellKnownProviderTest),
ported method by method (testsuite/integration-arquillian/tests/base/.../testsuite/oidc/), and its two OAuth 2.0
siblings OAuth2WellKnownProviderTest and RFC8414CompliantOAuth2WellKnownProviderTest (testsuite/oauth/): every
inherited method runs against each of the three metadata URLs (the ``url`` fixture).

Doorkeep lists only what it serves (oauth/discovery.py), so where Keycloak's testDiscovery asserts a feature
Doorkeep lacks entirely, that assertion is replaced by the field's absence or Doorkeep's value, named in
LACKING: encrypted
request objects, HMAC-signed JARM responses, UMA, HMAC-signed ID tokens
(NOT_PROVISIONED: the built-in client scopes a realm lacks; none now that realms get ``organization``).
The same holds for testAcrValuesSupported (no acr-to-LoA map, no step-up flows: only the default values are checked).

testDpopSigningAlgValuesSupportedWithDpop is the DPoP line of testDiscovery below (and
test_keycloak_dpop_test.py's test_discovery_lists_dpop_algorithms). Left out: OIDCWellKnownProviderTest's own
testDefaultProviderCustomizations checks of a custom well-known provider SPI (no provider SPI): its scope part,
AbstractWellKnownProviderTest.testDefaultProviderCustomizations, is ported.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from browser_flow import exchange, login
from support import claims, seed_client, seed_realm, seed_user, token_url, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

ISSUER = "http://localhost/realms/test"
OIDC = f"{ISSUER}/protocol/openid-connect"
# The three subclasses of AbstractWellKnownProviderTest: OIDCWellKnownProviderTest, OAuth2WellKnownProviderTest
# (RealmsResource's ``.well-known/{provider}`` with OAuth2WellKnownProviderFactory, the same metadata) and
# RFC8414CompliantOAuth2WellKnownProviderTest (ServerMetadataResource's ``/.well-known/{provider}/realms/{realm}``).
URLS = {
    "oidc": "/realms/test/.well-known/openid-configuration",
    "oauth2": "/realms/test/.well-known/oauth-authorization-server",
    "rfc8414": "/.well-known/oauth-authorization-server/realms/test",
}
NO_CACHE = "no-cache, must-revalidate, no-transform, no-store"
# Keycloak's algorithm lists (Algorithm.*), of which Doorkeep's lists must be part.
ASYMMETRIC = ["PS256", "PS384", "PS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "EdDSA"]
ALL_SIGNING = [*ASYMMETRIC, "HS256", "HS384", "HS512"]
AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "client_secret_jwt", "tls_client_auth"]
# assertScopesSupportedMatchesWithRealm: Keycloak 26's built-in client scopes, all in the metadata.
NOT_PROVISIONED: tuple[str, ...] = ()
KEYCLOAK_SCOPES = [
    "openid",
    "offline_access",
    "profile",
    "email",
    "phone",
    "address",
    "acr",
    "basic",
    "roles",
    "web-origins",
    "microprofile-jwt",
    "organization",
    "service_account",
]
REALM_SCOPES = [scope for scope in KEYCLOAK_SCOPES if scope not in NOT_PROVISIONED]
LACKING: tuple[str, ...] = ()
# testDiscovery's "Encryption algorithms" (Keycloak 26, JWEConstants), for ID tokens, JARM responses, userinfo and
# request objects
# (oauth/token_encryption.py): every key management and content encryption algorithm Keycloak offers.
ENCRYPTION_ALGS = [
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "ECDH-ES+A192KW",
    "ECDH-ES+A256KW",
    "RSA1_5",
    "RSA-OAEP",
    "RSA-OAEP-256",
]
ENCRYPTION_ENCS = ["A128CBC-HS256", "A128GCM", "A192CBC-HS384", "A192GCM", "A256CBC-HS512", "A256GCM"]


@pytest.fixture
async def kc(env: Env) -> Env:
    """The test realm, with test-app (direct grants on, as clientConfiguration sets) and test-user@localhost."""
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "test-app", secret="password", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "test-user@localhost", email="test-user@localhost")
    return env


@pytest.fixture(params=sorted(URLS))
def url(request: pytest.FixtureRequest) -> str:
    return URLS[request.param]


async def discovery(env: Env, url: str, host: str | None = None) -> dict[str, Any]:
    """getOIDCDiscoveryConfiguration: the document, never cached."""
    headers = {"Host": host} if host else {}
    response = await env.http.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == NO_CACHE
    document: dict[str, Any] = response.json()
    return document


def contains(actual: list[str], *expected: str) -> None:
    """assertContains."""
    for value in expected:
        assert value in actual, (value, actual)


async def test_discovery(kc: Env, url: str) -> None:
    """AbstractWellKnownProviderTest.testDiscovery (less what Doorkeep lacks: see LACKING)"""
    doc = await discovery(kc, url)
    assert doc["authorization_endpoint"] == f"{OIDC}/auth"
    assert doc["token_endpoint"] == f"{OIDC}/token"
    assert doc["userinfo_endpoint"] == f"{OIDC}/userinfo"
    assert doc["jwks_uri"] == f"{OIDC}/certs"
    assert doc["registration_endpoint"] == f"{ISSUER}/clients-registrations/openid-connect"
    contains(doc["response_types_supported"], "code", "id_token", "id_token token", "code id_token", "code token")
    contains(doc["response_types_supported"], "code id_token token")
    contains(
        doc["grant_types_supported"],
        "authorization_code",
        "implicit",
        "urn:ietf:params:oauth:grant-type:device_code",
        "urn:ietf:params:oauth:grant-type:token-exchange",
    )
    contains(doc["response_modes_supported"], "query", "fragment", "form_post")
    contains(doc["response_modes_supported"], "query.jwt", "fragment.jwt", "form_post.jwt", "jwt")
    assert "RS256" in doc["authorization_signing_alg_values_supported"]
    assert set(doc["authorization_signing_alg_values_supported"]) <= set(ASYMMETRIC)  # no HS*
    assert doc["subject_types_supported"] == ["public", "pairwise"]
    assert "RS256" in doc["id_token_signing_alg_values_supported"]
    assert set(doc["id_token_signing_alg_values_supported"]) <= set(ASYMMETRIC)
    assert set(doc["request_object_signing_alg_values_supported"]) == {"none", *ALL_SIGNING}
    assert set(doc["userinfo_signing_alg_values_supported"]) == {"none", *ALL_SIGNING}
    assert set(doc["token_endpoint_auth_methods_supported"]) == set(AUTH_METHODS)
    for kind in (
        "id_token",
        "authorization",
        "userinfo",
        "request_object",
    ):  # Assert.assertNames: the same names, in any order
        assert sorted(doc[f"{kind}_encryption_alg_values_supported"]) == sorted(ENCRYPTION_ALGS), kind
        assert sorted(doc[f"{kind}_encryption_enc_values_supported"]) == sorted(ENCRYPTION_ENCS), kind
    for field in (
        "token_endpoint_auth_signing_alg_values_supported",
        "introspection_endpoint_auth_signing_alg_values_supported",
        "revocation_endpoint_auth_signing_alg_values_supported",
    ):
        assert set(doc[field]) == set(ALL_SIGNING), field
    claims_supported = ["iss", "sub", "aud", "exp", "iat", "auth_time", "name", "given_name", "family_name"]
    contains(doc["claims_supported"], *claims_supported, "preferred_username", "email", "acr", "azp", "nonce")
    assert doc["claim_types_supported"] == ["normal"]
    assert doc["claims_parameter_supported"] is True  # acr read from ``claims`` (AcrProtocolMapper), as Keycloak
    assert sorted(doc["scopes_supported"]) == sorted(REALM_SCOPES)
    assert doc["scopes_supported"][0] == "openid"
    assert not set(NOT_PROVISIONED) & set(doc["scopes_supported"])
    assert doc["request_parameter_supported"] is True
    assert doc["request_uri_parameter_supported"] is True
    assert doc["require_request_uri_registration"] is True
    assert sorted(doc["code_challenge_methods_supported"]) == ["S256", "plain"]
    # KEYCLOAK-6771 Certificate Bound Token (mutual TLS behind a proxy, oauth/certificate_lookup.py)
    assert doc["tls_client_certificate_bound_access_tokens"] is True
    assert doc["mtls_endpoint_aliases"]["token_endpoint"] == doc["token_endpoint"]
    assert doc["mtls_endpoint_aliases"]["revocation_endpoint"] == doc["revocation_endpoint"]
    assert doc["backchannel_logout_supported"] is True
    assert doc["backchannel_logout_session_supported"] is True
    assert doc["revocation_endpoint"] == f"{OIDC}/revoke"
    assert set(doc["revocation_endpoint_auth_methods_supported"]) == set(AUTH_METHODS)
    assert doc["device_authorization_endpoint"] == f"{OIDC}/auth/device"
    assert doc["pushed_authorization_request_endpoint"] == f"{OIDC}/ext/par/request"
    assert doc["require_pushed_authorization_requests"] is False
    assert doc["frontchannel_logout_session_supported"] is True
    assert doc["frontchannel_logout_supported"] is True
    assert {"ES256", "PS256", "RS256", "EdDSA"} <= set(doc["dpop_signing_alg_values_supported"])  # DPoP: RFC 9449
    # CIBA (oauth/ciba/): the endpoint, its grant, the poll and ping modes and the asymmetric algorithms
    assert doc["backchannel_authentication_endpoint"] == f"{OIDC}/ext/ciba/auth"
    assert doc["mtls_endpoint_aliases"]["backchannel_authentication_endpoint"] == f"{OIDC}/ext/ciba/auth"
    contains(doc["grant_types_supported"], "urn:openid:params:grant-type:ciba")
    assert sorted(doc["backchannel_token_delivery_modes_supported"]) == ["ping", "poll"]
    assert sorted(doc["backchannel_authentication_request_signing_alg_values_supported"]) == sorted(ASYMMETRIC)
    for field in LACKING:
        assert field not in doc, field


async def test_http_discovery(kc: Env, url: str) -> None:
    """AbstractWellKnownProviderTest.testHttpDiscovery (another host over plain HTTP)"""
    doc = await discovery(kc, url, host="localhost:8180")
    assert doc["jwks_uri"] == "http://localhost:8180/realms/test/protocol/openid-connect/certs"
    assert doc["revocation_endpoint"] == "http://localhost:8180/realms/test/protocol/openid-connect/revoke"
    assert doc["revocation_endpoint_auth_methods_supported"]
    assert doc["revocation_endpoint_auth_signing_alg_values_supported"]


async def test_issuer_matches(kc: Env, url: str) -> None:
    """AbstractWellKnownProviderTest.testIssuerMatches"""
    code = (await login(kc.http, "test", "test-app", "test-user@localhost"))["code"]
    response = await exchange(kc.http, "test", "test-app", code, secret="password")
    assert response.status_code == 200, response.text
    assert claims(response.json()["id_token"])["iss"] == (await discovery(kc, url))["issuer"] == ISSUER


async def test_cors_test(kc: Env, url: str) -> None:
    """AbstractWellKnownProviderTest.corsTest"""
    for origin in ("http://somehost", "null"):
        response = await kc.http.get(url, headers={"Origin": origin})
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == origin


async def register_es256(env: Env) -> None:
    """TokenSignatureUtil.registerKeyProvider(ES256): an ``ecdsa-generated`` provider on P-256."""
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
    rep = {
        "name": "valid",
        "providerId": "ecdsa-generated",
        "providerType": "org.keycloak.keys.KeyProvider",
        "parentId": realm.id,
        "config": {"priority": ["110"], "ecdsaEllipticCurveKey": ["P-256"]},
    }
    created = await env.http.post("/admin/realms/test/components", json=rep, headers=await env.admin_headers())
    assert created.status_code == 201, created.text


async def jwks_uri(env: Env, url: str) -> str:
    return str((await discovery(env, url))["jwks_uri"]).removeprefix("http://localhost")


async def test_certs(kc: Env, url: str) -> None:
    """AbstractWellKnownProviderTest.certs: Keycloak's 3 keys, the RSA-OAEP encryption key among them"""
    await register_es256(kc)
    keys = (await kc.http.get(await jwks_uri(kc, url))).json()["keys"]
    assert len(keys) == 3
    assert sorted((k["kty"], k["alg"], k["use"]) for k in keys) == [
        ("EC", "ES256", "sig"),
        ("RSA", "RS256", "sig"),
        ("RSA", "RSA-OAEP", "enc"),
    ]


async def test_certs_with_jwks(kc: Env, url: str) -> None:
    """AbstractWellKnownProviderTest.certsWithJwks"""
    await register_es256(kc)
    jwks = "application/jwk-set+json"
    response = await kc.http.get(await jwks_uri(kc, url), headers={"Accept": jwks})
    assert response.status_code == 200 and response.headers["Content-Type"] == jwks
    head = await kc.http.head(await jwks_uri(kc, url), headers={"Accept": jwks})  # issue 41537
    assert head.status_code == 200 and head.headers["Content-Type"] == jwks


async def test_introspection_endpoint_claim(kc: Env, url: str) -> None:
    """AbstractWellKnownProviderTest.testIntrospectionEndpointClaim"""
    assert (await discovery(kc, url))["introspection_endpoint"] == f"{OIDC}/token/introspect"


async def test_acr_values_supported(kc: Env, url: str) -> None:
    """AbstractWellKnownProviderTest.testAcrValuesSupported: the defaults, then the realm's ACR-to-LoA map's names
    added to them (the step-up flow's levels 2 and 3 in between need a Conditional - Level Of Authentication flow,
    which Doorkeep does not have)."""
    assert sorted((await discovery(kc, url))["acr_values_supported"]) == ["0", "1"]
    levels = {"poor": 0, "silver": 1, "gold": 2, "platinum": 3, "diamond": 4}
    await update_realm(kc.db, "test", attributes={"acr.loa.map": json.dumps(levels)})
    expected = ["0", "1", "diamond", "gold", "platinum", "poor", "silver"]
    assert sorted((await discovery(kc, url))["acr_values_supported"]) == expected


async def test_default_provider_customizations(kc: Env, url: str) -> None:
    """AbstractWellKnownProviderTest.testDefaultProviderCustomizations"""
    assert sorted((await discovery(kc, url))["scopes_supported"]) == sorted(REALM_SCOPES)
    headers = await kc.admin_headers()
    made: list[httpx.Response] = []
    for rep in (
        {"name": "show-scope", "protocol": "openid-connect"},
        {
            "name": "hidden-scope",
            "protocol": "openid-connect",
            "attributes": {"include.in.openid.provider.metadata": "false"},
        },
    ):
        made.append(await kc.http.post("/admin/realms/test/client-scopes", json=rep, headers=headers))
        assert made[-1].status_code == 201, made[-1].text
    assert sorted((await discovery(kc, url))["scopes_supported"]) == sorted([*REALM_SCOPES, "show-scope"])
    for response in made:
        path = response.headers["location"].removeprefix("http://localhost")
        assert (await kc.http.delete(path, headers=headers)).status_code == 204
    assert sorted((await discovery(kc, url))["scopes_supported"]) == sorted(REALM_SCOPES)
    assert token_url("test", "certs") == await jwks_uri(kc, url)


@pytest.mark.parametrize(
    "path",
    [
        "/realms/nope/.well-known/oauth-authorization-server",
        "/.well-known/oauth-authorization-server/realms/nope",
        "/realms/test/.well-known/uma2-configuration",  # no authorization services
        "/.well-known/openid-configuration/realms/test",  # ServerMetadataResource.isValidProvider: not this one
        "/.well-known/uma2-configuration/realms/test",
    ],
)
async def test_unknown_realm_or_provider_is_not_found(kc: Env, path: str) -> None:
    """RealmsResource.getWellKnownResponse: an unknown realm is 404; ServerMetadataResource serves only the
    providers it names (its preflight too), and neither serves a provider Doorkeep lacks."""
    response = await kc.http.get(path)
    assert response.status_code == 404, response.text
    preflight = await kc.http.options(path, headers={"Origin": "http://somehost"})
    # the preflight of a provider's path does not look the realm up (Keycloak's @OPTIONS methods)
    assert preflight.status_code == (200 if "/nope" in path else 404), preflight.text


@pytest.mark.parametrize("name", ["oauth2", "rfc8414"])
async def test_oauth_authorization_server_metadata_is_the_openid_document(kc: Env, name: str) -> None:
    """OAuth2WellKnownProviderFactory extends OIDCWellKnownProviderFactory: both OAuth 2.0 metadata URLs answer
    the OpenID document itself (same issuer, endpoints and lists), readable from any origin, with the preflight
    Keycloak's ``@OPTIONS`` methods answer."""
    assert await discovery(kc, URLS[name]) == await discovery(kc, URLS["oidc"])
    preflight = await kc.http.options(
        URLS[name], headers={"Origin": "http://somehost", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 200, preflight.text
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://somehost"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
