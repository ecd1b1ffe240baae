"""Keycloak's JWTAuthorizationGrantTest (tests/base …/oauth/AbstractJWTAuthorizationGrantTest and
BaseAbstractJWTAuthorizationGrantTest), method by method: the JWT authorization grant (RFC 7523 §2.1) at the token
endpoint, with the trusted issuer an OpenID Connect provider with the grant on (the FakeIdp signs the assertions
with its RS256 key; Keycloak's test identity provider signs ES256, so the algorithm tests name RS256/RS512).

Every refusal is 400 ``invalid_grant`` with Keycloak's description, and a JWT_AUTHORIZATION_GRANT_ERROR event with
the error ``invalid_request`` and the description as ``reason`` (assertFailure); a success is an access token of a
transient session (no refresh token, no ``sid``, a ``trrtag:`` jti) and a JWT_AUTHORIZATION_GRANT event naming the
provider, the issuer, the provider's user id and the username (assertSuccess)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from client_policies_port import condition, executor, policy, profile, update_policies, update_profiles
from fake_idp import KID, _jwk, public_pem
from jwt_grant_setup import ALIAS, GRANT, ISSUER, SUBJECT, TOKEN_ENDPOINT, Grant, grant_realm
from support import claims
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio


@pytest.fixture
async def ag(realm: Env) -> AsyncIterator[Grant]:
    async with grant_realm(realm) as found:
        yield found


async def assert_success(ag: Grant, response: httpx.Response, client: str = "app") -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "refresh_token" not in body
    token = claims(body["access_token"])
    assert "sid" not in token
    assert token["jti"].startswith("trrtag:")
    assert token["azp"] == client
    assert token["preferred_username"] == "user1"
    event = (await ag.events("JWT_AUTHORIZATION_GRANT"))[0]
    assert event["clientId"] == client and event["userId"] == ag.user_id
    assert event.get("sessionId") is None
    assert event["details"]["grant_type"] == GRANT
    assert event["details"]["identity_provider"] == ALIAS
    assert event["details"]["identity_provider_issuer"] == ag.idp.issuer
    assert event["details"]["identity_provider_user_id"] == SUBJECT
    assert event["details"]["username"] == "user1"
    return token


async def assert_failure(
    ag: Grant, description: str, response: httpx.Response, error: str = "invalid_grant"
) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    assert response.json() == {"error": error, "error_description": description}
    event = (await ag.events("JWT_AUTHORIZATION_GRANT_ERROR"))[0]
    assert event["error"] == "invalid_request"
    assert event["details"]["grant_type"] == GRANT
    assert event["details"]["reason"] == description
    return event


async def test_public_client(ag: Grant) -> None:
    response = await ag.post(ag.assertion(), client="test-public", secret=None)
    await assert_failure(ag, "Public client not allowed to use authorization grant", response)


async def test_idp_not_allowed_for_client(ag: Grant) -> None:
    response = await ag.post(ag.assertion(), client="authorization-grant-not-allowed-idp-client")
    await assert_failure(ag, "Identity Provider is not allowed for the client", response)


async def test_not_allowed_client(ag: Grant) -> None:
    response = await ag.post(ag.assertion(), client="authorization-grant-disabled-client")
    await assert_failure(ag, "JWT Authorization Grant is not supported for the requested client", response)


async def test_missing_assertion_parameter(ag: Grant) -> None:
    await assert_failure(ag, "Missing parameter:assertion", await ag.post(None))


async def test_bad_assertion_parameter(ag: Grant) -> None:
    await assert_failure(ag, "The provided assertion is not a valid JWT", await ag.post("fake-jwt"))


async def test_expired_assertion(ag: Grant) -> None:
    now = ag.env.clock.now()
    await assert_failure(ag, "Token exp claim is required", await ag.post(ag.assertion(exp=None)))
    await assert_failure(ag, "Token is not active", await ag.post(ag.assertion(exp=now - 1)))
    too_far = "Token expiration is too far in the future and iat claim not present in token"
    await assert_failure(ag, too_far, await ag.post(ag.assertion(exp=now + 305)))  # the default maximum: 300 s
    await ag.update_provider(
        jwtAuthorizationGrantMaxAllowedAssertionExpiration="10", jwtAuthorizationGrantLimitAccessTokenExp="false"
    )
    await assert_failure(ag, too_far, await ag.post(ag.assertion(exp=now + 11)))
    await assert_success(ag, await ag.post(ag.assertion(exp=now + 5)))
    early = ag.assertion(exp=now + 20, iat=now)
    ag.env.clock.advance(15)
    await assert_failure(ag, "Token was issued too far in the past to be used now", await ag.post(early))
    now = ag.env.clock.now()
    await assert_success(ag, await ag.post(ag.assertion(exp=now + 20, iat=now)))


async def test_audience(ag: Grant) -> None:
    await assert_failure(ag, "Invalid token audience", await ag.post(ag.assertion(aud=None)))
    await assert_failure(ag, "Invalid token audience", await ag.post(ag.assertion(aud="fake-audience")))
    now = ag.env.clock.now()
    await assert_success(ag, await ag.post(ag.assertion(iat=now)))  # the issuer
    await assert_success(ag, await ag.post(ag.assertion(aud=TOKEN_ENDPOINT, iat=now)))
    introspection = f"{TOKEN_ENDPOINT}/introspect"
    await assert_failure(ag, "Invalid token audience", await ag.post(ag.assertion(aud=introspection, iat=now)))
    both = ag.assertion(aud=[ISSUER, "fake"], iat=now)
    await assert_failure(ag, "Multiple audiences not allowed", await ag.post(both))
    valid_both = ag.assertion(aud=[ISSUER, TOKEN_ENDPOINT], iat=now)
    await assert_failure(ag, "Multiple audiences not allowed", await ag.post(valid_both))


async def test_bad_issuer(ag: Grant) -> None:
    await assert_failure(ag, "Missing claim: iss", await ag.post(ag.assertion(iss=None)))
    event = await assert_failure(
        ag, "No Identity Provider for provided issuer", await ag.post(ag.assertion(iss="fake-issuer"))
    )
    assert event["details"]["identity_provider_issuer"] == "fake-issuer"


async def test_bad_subject(ag: Grant) -> None:
    await assert_failure(ag, "Missing claim: sub", await ag.post(ag.assertion(sub=None)))
    event = await assert_failure(ag, "User not found", await ag.post(ag.assertion(sub="fake-user")))
    assert event["details"]["identity_provider"] == ALIAS
    assert event["details"]["identity_provider_issuer"] == ag.idp.issuer
    assert event["details"]["identity_provider_user_id"] == "fake-user"


async def test_replay_token(ag: Grant) -> None:
    once = ag.assertion()
    await assert_success(ag, await ag.post(once))
    await assert_failure(ag, "Token reuse detected", await ag.post(once))
    await ag.update_provider(jwtAuthorizationGrantAssertionReuseAllowed="true")
    twice = ag.assertion()
    await assert_success(ag, await ag.post(twice))
    await assert_success(ag, await ag.post(twice))


async def test_signature_alg(ag: Grant) -> None:
    await ag.update_provider(jwtAuthorizationGrantAssertionSignatureAlg="RS256")
    await assert_success(ag, await ag.post(ag.assertion()))
    await ag.update_provider(jwtAuthorizationGrantAssertionSignatureAlg="RS512")
    await assert_failure(ag, "Invalid signature algorithm", await ag.post(ag.assertion()))


async def test_invalid_signature(ag: Grant) -> None:
    """Another key under the provider's own ``kid``."""
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = ag.idp.signed(ag.claims(), key=other, kid=KID)
    await assert_failure(ag, "Invalid signature", await ag.post(forged))


async def test_validate_signature_fixed_key(ag: Grant) -> None:
    await ag.update_provider(useJwksUrl="false", jwksUrl="", publicKeySignatureVerifier=public_pem().decode())
    await assert_success(ag, await ag.post(ag.assertion(iat=ag.env.clock.now())))


async def test_validate_signature_fixed_key_and_key_id(ag: Grant) -> None:
    pem = public_pem().decode()
    await ag.update_provider(
        useJwksUrl="false", jwksUrl="", publicKeySignatureVerifier=pem, publicKeySignatureVerifierKeyId=KID
    )
    await assert_success(ag, await ag.post(ag.assertion(iat=ag.env.clock.now())))


async def test_validate_signature_fixed_key_using_jwks(ag: Grant) -> None:
    jwks = json.dumps({"keys": [_jwk()]})
    await ag.update_provider(useJwksUrl="false", jwksUrl="", publicKeySignatureVerifier=jwks)
    await assert_success(ag, await ag.post(ag.assertion(iat=ag.env.clock.now())))


async def test_scope(ag: Grant) -> None:
    token = await assert_success(ag, await ag.post(ag.assertion(), scope="address phone"))
    assert sorted(token["scope"].split(" ")) == ["address", "email", "phone", "profile"]
    response = await ag.post(ag.assertion(), scope="address phone wrong-scope")
    await assert_failure(ag, "Invalid scopes: address phone wrong-scope", response, error="invalid_scope")


async def test_limit_access_token_expiration(ag: Grant) -> None:
    """textLimitAccessTokenExpiration: the access token expires with the assertion when it expires sooner."""
    await ag.update_provider(jwtAuthorizationGrantLimitAccessTokenExp="true")
    lifespan = (await ag.env.http.get("/admin/realms/test", headers=await ag.admin())).json()["accessTokenLifespan"]
    now = ag.env.clock.now()
    response = await ag.post(ag.assertion(exp=now + lifespan))
    assert response.status_code == 200, response.text
    assert response.json()["expires_in"] == lifespan
    response = await ag.post(ag.assertion(exp=now + 120))
    assert response.status_code == 200, response.text
    assert response.json()["expires_in"] == 120
    assert claims(response.json()["access_token"])["exp"] == now + 120


async def test_success_grant(ag: Grant) -> None:
    await assert_success(ag, await ag.post(ag.assertion()))


async def test_disabled_identity_provider(ag: Grant) -> None:
    """The lookup finds enabled providers only (CVE-2026-1486)."""
    await ag.update_provider(enabled="false")
    await assert_failure(ag, "No Identity Provider for provided issuer", await ag.post(ag.assertion()))


async def test_user_disabled(ag: Grant) -> None:
    """CVE-2026-1609: a disabled user gets no token."""
    path = f"/admin/realms/test/users/{ag.user_id}"
    put = await ag.env.http.put(path, json={"enabled": False}, headers=await ag.admin())
    assert put.status_code == 204, put.text
    await assert_failure(ag, "User is not enabled", await ag.post(ag.assertion()))


async def test_user_with_required_action(ag: Grant) -> None:
    path = f"/admin/realms/test/users/{ag.user_id}"
    put = await ag.env.http.put(path, json={"requiredActions": ["UPDATE_PASSWORD"]}, headers=await ag.admin())
    assert put.status_code == 204, put.text
    await assert_failure(ag, "Account is not fully set up", await ag.post(ag.assertion()))


async def test_the_provider_type_of_its_own_trusts_assertions(realm: Env) -> None:
    """JWTAuthorizationGrantTest's realm: Keycloak's ``jwt-authorization-grant`` provider type, which only trusts
    assertions (issuer and JWK set), gives the same token."""
    async with grant_realm(realm, "jwt-authorization-grant") as found:
        await assert_success(found, await found.post(found.assertion()))


async def test_discovery_names_the_grant(realm: Env) -> None:
    doc = (await realm.http.get("/realms/test/.well-known/openid-configuration")).json()
    assert GRANT in doc["grant_types_supported"]


@pytest.mark.server_options(features_disabled="jwt-authorization-grant")
async def test_the_feature_off_refuses_the_grant_and_discovery_drops_it(realm: Env) -> None:
    """``--features-disabled=jwt-authorization-grant``: JWTAuthorizationGrantTypeFactory is not supported, so the
    grant type is unknown to the token endpoint and OIDCWellKnownProvider does not list it."""
    async with grant_realm(realm) as found:
        response = await found.post(found.assertion())
        assert response.status_code == 400, response.text
        assert response.json() == {"error": "unsupported_grant_type", "error_description": "Unsupported grant_type"}
    doc = (await realm.http.get("/realms/test/.well-known/openid-configuration")).json()
    assert GRANT not in doc["grant_types_supported"]
    assert "urn:ietf:params:oauth:grant-type:token-exchange" in doc["grant_types_supported"]


async def test_jwt_claim_enforcer_judges_the_assertion(ag: Grant) -> None:
    """JWTClaimEnforcerExecutor at JWT_AUTHORIZATION_GRANT (the grant-type condition naming the grant): a claim of
    the assertion required and matched; a refusal is the executor's error with the event's reason
    ``client_policy_error`` (assertFailurePolicy)."""
    settings = {"claim-name": "role", "allowed-value": "app-.*"}
    await update_profiles(ag.env, profile("MyProfile", "Profile", executor("jwt-claim-enforcer", settings)))
    grant_types = condition("grant-type", {"is-negative-logic": False, "grantTypes": [GRANT]})
    await update_policies(ag.env, policy("MyPolicy", "JWT grant policy", True, [grant_types], ["MyProfile"]))
    for claims_given, description in (
        ({}, "Required claim 'role' is missing from the token"),
        ({"role": "admin"}, "Value for claim 'role' not allowed"),
        ({"role": ["app-user"]}, "Value type for claim 'role' not allowed"),
    ):
        response = await ag.post(ag.assertion(**claims_given))
        assert response.status_code == 400, response.text
        assert response.json() == {"error": "invalid_request", "error_description": description}
        event = (await ag.events("JWT_AUTHORIZATION_GRANT_ERROR"))[0]
        assert event["error"] == "invalid_request"
        assert event["details"]["reason"] == "client_policy_error"
        assert event["details"]["client_policy_error"] == "invalid_request"
        assert event["details"]["client_policy_error_detail"] == description
    await assert_success(ag, await ag.post(ag.assertion(role="app-user")))


# OIDCIdentityProviderJWTAuthorizationGrantTest: the same methods run on an OpenID Connect provider (the ``ag`` fixture
# above is one), and three of its own.


async def test_oidc_not_allowed_identity_provider(ag: Grant) -> None:
    """testNotAllowedIdentityProvider: the provider is found with its switch off, and refuses the assertion."""
    await ag.update_provider(jwtAuthorizationGrantEnabled="false")
    response = await ag.post(ag.assertion(iat=ag.env.clock.now()))
    event = await assert_failure(ag, "JWT Authorization Granted is not enabled for the identity provider", response)
    assert event["details"]["identity_provider"] == ALIAS
    assert event["details"]["identity_provider_issuer"] == ag.idp.issuer
    assert event["details"]["identity_provider_user_id"] == SUBJECT


async def test_oidc_validate_signature_disabled(ag: Grant) -> None:
    """testValidateSignatureDisabled: the signature is checked even with the provider's switch off."""
    await ag.update_provider(validateSignature="false")
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    await assert_failure(ag, "Invalid signature", await ag.post(ag.idp.signed(ag.claims(), key=other, kid=KID)))
    await assert_success(ag, await ag.post(ag.assertion(iat=ag.env.clock.now())))


async def test_oidc_client_id_allowed_as_audience(ag: Grant) -> None:
    """testClientIdAllowedAsAudience: ``allowClientIdAsAudience`` makes the provider's ``clientId`` the one audience."""
    client_id = "broker-app"  # the FakeIdp provider's clientId
    await assert_failure(ag, "Invalid token audience", await ag.post(ag.assertion(aud=client_id)))
    await ag.update_provider(allowClientIdAsAudience="true")
    await assert_success(ag, await ag.post(ag.assertion(aud=client_id)))
    await assert_failure(ag, "Invalid token audience", await ag.post(ag.assertion()))


# JWTAuthorizationGrantJWTClaimsClientPoliciesTest and JWTAuthorizationGrantDownscopeClientPoliciesTest: one executor
# behind the grant-type condition naming the grant (an OpenID Connect provider, as their realm has).


async def _policy(ag: Grant, provider: str, settings: dict[str, Any] | None = None) -> None:
    await update_profiles(ag.env, profile("executor", "executor description", executor(provider, settings)))
    grant_types = condition("grant-type", {"is-negative-logic": False, "grantTypes": [GRANT]})
    await update_policies(ag.env, policy("policy", "description of policy", True, [grant_types], ["executor"]))


async def assert_failure_policy(ag: Grant, error: str, description: str, response: httpx.Response) -> None:
    """assertFailurePolicy: the executor's error and detail, the event's reason ``client_policy_error``."""
    assert response.status_code == 400, response.text
    assert response.json() == {"error": error, "error_description": description}
    event = (await ag.events("JWT_AUTHORIZATION_GRANT_ERROR"))[0]
    assert event["error"] == error
    assert event["details"]["grant_type"] == GRANT
    assert event["details"]["reason"] == "client_policy_error"
    assert event["details"]["client_policy_error"] == error
    assert event["details"]["client_policy_error_detail"] == description


@pytest.mark.parametrize(
    ("claim", "allowed", "accepted", "refused"),
    [
        ("username", None, [{"username": "anyvalue"}], [({}, "Required claim 'username' is missing from the token")]),
        ("sub", "basic-user-id-1", [], [({}, "Value for claim 'sub' not allowed")]),
        (
            "username",
            "test-username",
            [{"username": "test-username"}],
            [({"username": "wronguser"}, "Value for claim 'username' not allowed")],
        ),
        (
            "username",
            "test-username.*",
            [{"username": "test-username123"}],
            [({"username": "wronguser"}, "Value for claim 'username' not allowed")],
        ),
        ("level", "^(3|5)$", [{"level": 3}], [({"level": 2}, "Value for claim 'level' not allowed")]),
        (
            "username",
            "^(admin|service|test-[0-9]+)$",
            [{"username": "admin"}, {"username": "service"}, {"username": "test-12345"}],
            [({"username": "unknown-username"}, "Value for claim 'username' not allowed")],
        ),
        (
            "username",
            "test-username",
            [],
            [({"username": {"test-username": "tet-username-value"}}, "Value type for claim 'username' not allowed")],
        ),
    ],
    ids=["presence-only", "subject-exact", "exact", "wildcard", "number", "multi-value-regex", "not-allowed-type"],
)
async def test_jwt_claims_client_policies(
    ag: Grant,
    claim: str,
    allowed: str | None,
    accepted: list[dict[str, Any]],
    refused: list[tuple[dict[str, Any], str]],
) -> None:
    """JWTAuthorizationGrantJWTClaimsClientPoliciesTest: testClaimPresenceOnly, testSubjectClaimExactMatch,
    testClaimExactMatch, testClaimWildcardMatch, testClaimNumberMatch, testClaimMultiValueRegexMatch,
    testClaimNowAllowedType."""
    await _policy(
        ag, "jwt-claim-enforcer", {"claim-name": claim} | ({} if allowed is None else {"allowed-value": allowed})
    )
    for extra, description in refused:
        await assert_failure_policy(ag, "invalid_request", description, await ag.post(ag.assertion(**extra)))
    for extra in accepted:
        await assert_success(ag, await ag.post(ag.assertion(**extra)))


async def test_downscope(ag: Grant) -> None:
    """JWTAuthorizationGrantDownscopeClientPoliciesTest#testDownscope: the assertion's ``scope`` bounds the token."""
    await _policy(ag, "downscope-assertion-grant-enforcer")

    async def scopes(assertion_scope: str, asked: str | None) -> set[str]:
        form = {} if asked is None else {"scope": asked}
        token = await assert_success(ag, await ag.post(ag.assertion(scope=assertion_scope), **form))
        return set(token["scope"].split(" "))

    assert await scopes("email profile address", "address") == {"email", "profile", "address"}
    assert await scopes("email profile address", None) == {"email", "profile"}
    assert await scopes("profile address", "address") == {"profile", "address"}
    response = await ag.post(ag.assertion(scope="email profile"), scope="address")
    description = "Scopes [address] not present in the initial access token [profile, email]"
    await assert_failure_policy(ag, "invalid_scope", description, response)
    response = await ag.post(ag.assertion(scope="email address"), scope="email profile address")
    description = "Scopes [profile] not present in the initial access token [address, email]"
    await assert_failure_policy(ag, "invalid_scope", description, response)


# JWTAuthorizationGrantAudienceClientPoliciesTest, JWTIdentityProviderConditionDownscopeClientPoliciesTest and
# JWTAuthorizationGrantLightweightAccessTokenClientPoliciesTest.

ALLOWED_AUDIENCES = json.dumps([{"key": "app", "value": "allowed-aud1"}, {"key": "app", "value": "allowed-aud2"}])


async def _provider_policy(ag: Grant, provider: str, settings: dict[str, Any] | None, *aliases: str) -> None:
    await update_profiles(ag.env, profile("executor", "executor description", executor(provider, settings)))
    by_alias = condition("identity-provider-alias", {"is-negative-logic": False, "identity_provider_aliases": aliases})
    await update_policies(ag.env, policy("policy", "description of policy", True, [by_alias], ["executor"]))


@pytest.mark.parametrize("client_id_audience", [False, True], ids=["testAudiences", "testAudiencesWithClientId"])
async def test_audience_client_policies(ag: Grant, client_id_audience: bool) -> None:
    """JWTAuthorizationGrantAudienceClientPoliciesTest: the executor's audiences replace the provider's (its
    ``clientId`` too when ``allowClientIdAsAudience`` is on); two audiences stay refused by the grant itself."""
    await _provider_policy(ag, "jwt-authorization-grant-audience", {"allowed-audience": ALLOWED_AUDIENCES}, ALIAS)
    if client_id_audience:
        await ag.update_provider(allowClientIdAsAudience="true")
    now = ag.env.clock.now()
    for audience in (ISSUER, "other-aud", "broker-app"):
        response = await ag.post(ag.assertion(aud=audience, iat=now))
        await assert_failure_policy(ag, "invalid_grant", "Invalid token audience", response)
    for audience in ("allowed-aud1", "allowed-aud2"):
        await assert_success(ag, await ag.post(ag.assertion(aud=audience, iat=now)))
    both = ag.assertion(aud=["broker-app" if client_id_audience else ISSUER, "allowed-aud2"], iat=now)
    await assert_failure(ag, "Multiple audiences not allowed", await ag.post(both))


async def test_identity_provider_condition_downscope(ag: Grant) -> None:
    """JWTIdentityProviderConditionDownscopeClientPoliciesTest: testDownscope with the identity-provider-alias
    condition (``other`` and the provider) in place of the grant type's."""
    await _provider_policy(ag, "downscope-assertion-grant-enforcer", None, "other", ALIAS)
    token = await assert_success(ag, await ag.post(ag.assertion(scope="email profile address")))
    assert set(token["scope"].split(" ")) == {"email", "profile"}
    response = await ag.post(ag.assertion(scope="email profile"), scope="address")
    description = "Scopes [address] not present in the initial access token [profile, email]"
    await assert_failure_policy(ag, "invalid_scope", description, response)


async def test_identity_provider_condition_names_another_provider(ag: Grant) -> None:
    """The condition naming only another provider: the policy does not apply."""
    await _provider_policy(ag, "downscope-assertion-grant-enforcer", None, "other")
    token = await assert_success(ag, await ag.post(ag.assertion(scope="email"), scope="address"))
    assert "address" in token["scope"].split(" ")


async def test_use_lightweight_access_token_executor(ag: Grant) -> None:
    """JWTAuthorizationGrantLightweightAccessTokenClientPoliciesTest#testUseLightweightAccessTokenExecutor."""
    h = await ag.admin()
    app = (await ag.env.http.get("/admin/realms/test/clients", params={"clientId": "app"}, headers=h)).json()[0]
    mapper = {
        "name": "heavy_claim",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": {
            "claim.name": "heavy_claim",
            "claim.value": "heavy-value",
            "jsonType.label": "String",
            "access.token.claim": "true",
            "id.token.claim": "false",
            "userinfo.token.claim": "false",
        },
    }
    path = f"/admin/realms/test/clients/{app['id']}/protocol-mappers/models"
    made = await ag.env.http.post(path, json=mapper, headers=h)
    assert made.status_code == 201, made.text
    await _policy(ag, "use-lightweight-access-token")
    response = await ag.post(ag.assertion())
    assert response.status_code == 200, response.text
    token = claims(response.json()["access_token"])
    assert token["azp"] == "app"
    assert "preferred_username" not in token and "heavy_claim" not in token


async def test_server_info_lists_the_provider_type_while_the_feature_is_on(realm: Env) -> None:
    """ServerInfoAdminResource.setIdentityProviders: JWTAuthorizationGrantIdentityProviderFactory is an
    EnvironmentDependentProviderFactory, listed while ``jwt-authorization-grant`` is on."""
    info = (await realm.http.get("/admin/serverinfo", headers=await realm.admin_headers())).json()
    entry = {"groupName": "User-defined", "id": "jwt-authorization-grant", "name": "JWT Authorization Grant"}
    assert info["identityProviders"][0] == entry
    off = dataclasses.replace(
        realm, settings=dataclasses.replace(realm.settings, features_disabled="jwt-authorization-grant")
    )
    async with another_worker(off) as http:
        info = (await http.get("/admin/serverinfo", headers=await realm.admin_headers())).json()
    assert entry not in info["identityProviders"]


async def test_the_client_s_own_audiences_for_the_provider_replace_the_realm_s(ag: Grant) -> None:
    """OIDCAdvancedConfigWrapper.getJWTAuthorizationGrantAudience: ``oauth2.jwt.authorization.grant.audience`` (a
    MapperTypeSerializer list keyed by provider alias) names the audiences the client's assertions of that provider
    may carry, in place of the issuer and token endpoint; an unreadable value refuses the grant."""
    h = await ag.admin()
    app = (await ag.env.http.get("/admin/realms/test/clients", params={"clientId": "app"}, headers=h)).json()[0]

    async def set_audience(value: str) -> None:
        app["attributes"]["oauth2.jwt.authorization.grant.audience"] = value
        put = await ag.env.http.put(f"/admin/realms/test/clients/{app['id']}", json=app, headers=h)
        assert put.status_code == 204, put.text

    await set_audience(json.dumps([{"key": ALIAS, "value": "custom-aud"}, {"key": "other", "value": "other-aud"}]))
    await assert_success(ag, await ag.post(ag.assertion(aud="custom-aud")))
    await assert_failure(ag, "Invalid token audience", await ag.post(ag.assertion(aud="other-aud")))
    await assert_failure(ag, "Invalid token audience", await ag.post(ag.assertion()))
    await set_audience("not json")
    await assert_failure(ag, "Could not deserialize json: not json", await ag.post(ag.assertion()))
