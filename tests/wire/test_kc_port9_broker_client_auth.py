"""How the consumer authenticates to an OpenID Connect provider's token endpoint (AbstractOAuth2IdentityProvider's
authenticateTokenRequest, generateToken and getSignatureContext), ported from Keycloak's broker tests
(testsuite/.../tests/broker/ at keycloak@110a6242 and @065517cb; tests/base/.../broker/oidc/ of the new framework)
over real HTTP, the provider another realm of the same server (tests/broker_support.py) whose client authenticates
the assertion as Keycloak's does, or a FakeIdp that keeps the token request where the Java test checks what was sent:

* KcOidcBrokerClientSecretJwtTest and KcOidcBrokerClientSecretJwtCustomSignAlgTest: ``client_secret_jwt``, the
  provider's client ``client-secret-jwt`` (HS256, then HS384 on both sides); the login goes through.
* KcOidcBrokerPrivateKeyJwtTest, KcOidcBrokerPrivateKeyJwtCustomSignAlgTest (ES256, a key of the consumer realm's
  own), KcOidcBrokerPrivateKeyJwtCustomAudienceTest (the provider's issuer as ``clientAssertionAudience``, the
  client's certificate the consumer's RS256 key's): ``private_key_jwt`` signed with the consumer realm's key.
* KcOidcBrokerPrivateKeyJwtClientIdRequiredTest: the ``client_id`` goes with the assertion.
* KcOidcBrokerPrivateKeyJwtWithX509HeadersTest: ``jwtX509HeadersEnabled`` puts the key certificate's ``x5t`` in the
  assertion's header.
* KcOidcBrokerClientSecretBasicAuthTest's unencoded variant (Keycloak 26.5's ``client_secret_basic_unencoded``).
The stored-token refresh authenticates the same way (its own test below).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt
import pytest

from broker_support import Broker, broker_login, browser, callback, served, served_with_fake, to_provider
from broker_token_support import alice_token, enable_events, retrieve
from browser_flow import REDIRECT
from fake_idp import CLIENT_ID, CLIENT_SECRET
from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
KEY_PROVIDER = "org.keycloak.keys.KeyProvider"


async def _provider_client(broker: Broker, authenticator: str, **attributes: str) -> None:
    """The provider realm's ``broker-app`` authenticated by ``authenticator``, with ``attributes`` added."""
    env = broker.env
    (client,) = (await admin(env, "GET", "/admin/realms/provider/clients?clientId=broker-app", status=200)).json()
    client["clientAuthenticatorType"] = authenticator
    client["attributes"] = {**(client.get("attributes") or {}), **attributes}
    await admin(env, "PUT", f"/admin/realms/provider/clients/{client['id']}", client, status=204)


def _consumer_certs(broker: Broker) -> str:
    return f"{broker.base}/realms/test/protocol/openid-connect/certs"


async def _signs_in(broker: Broker) -> None:
    """alice in through the provider and back at the application: her user made (AbstractBrokerTest's login)."""
    async with browser(broker) as http:
        done = await broker_login(http)
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
    users = (await admin(broker.env, "GET", "/admin/realms/test/users?username=alice&exact=true", status=200)).json()
    assert [u["username"] for u in users] == ["alice"]


async def _fails(broker: Broker) -> None:
    """The provider refuses the token request: the consumer's 502 page, no user made."""
    async with browser(broker) as http:
        failed = await broker_login(http)
    assert failed.status_code == 502, failed.text
    assert "Unexpected error when authenticating with identity provider" in failed.text
    assert (await admin(broker.env, "GET", "/admin/realms/test/users?username=alice", status=200)).json() == []


async def test_client_secret_jwt_signs_in(env: Env) -> None:
    """KcOidcBrokerClientSecretJwtTest: the provider's client ``client-secret-jwt``, the provider
    ``clientAuthMethod`` ``client_secret_jwt``: the HS256 assertion signed with the shared secret authenticates."""
    async with served(env) as broker:
        await _provider_client(broker, "client-secret-jwt")
        await broker.add_provider(config=broker.provider_rep(clientAuthMethod="client_secret_jwt")["config"])
        await _signs_in(broker)


async def test_client_secret_jwt_with_another_secret_is_refused(env: Env) -> None:
    """The same with a secret the provider's client does not have: the provider refuses the token request."""
    async with served(env) as broker:
        await _provider_client(broker, "client-secret-jwt")
        rep = broker.provider_rep(clientAuthMethod="client_secret_jwt", clientSecret="not-the-secret")
        await broker.add_provider(config=rep["config"])
        await _fails(broker)


async def test_client_secret_jwt_with_a_custom_signing_algorithm(env: Env) -> None:
    """KcOidcBrokerClientSecretJwtCustomSignAlgTest: HS384 as ``clientAssertionSigningAlg`` and as the provider
    client's ``token.endpoint.auth.signing.alg``; the login goes through. Left at HS256 on the consumer's side the
    provider (expecting HS384) refuses it."""
    async with served(env) as broker:
        await _provider_client(broker, "client-secret-jwt", **{"token.endpoint.auth.signing.alg": "HS384"})
        rep = broker.provider_rep(clientAuthMethod="client_secret_jwt")
        await broker.add_provider(config=rep["config"])
        await _fails(broker)
        rep["config"]["clientAssertionSigningAlg"] = "HS384"
        await admin(env, "PUT", "/admin/realms/test/identity-provider/instances/kc", rep, status=204)
        await _signs_in(broker)


async def test_private_key_jwt_signs_in_with_the_realm_key(env: Env) -> None:
    """KcOidcBrokerPrivateKeyJwtTest: the provider's client ``client-jwt`` reads the consumer realm's JWKS; the
    assertion signed with the consumer's active RS256 key authenticates, with an empty client secret."""
    async with served(env) as broker:
        jwks = {"use.jwks.url": "true", "jwks.url": _consumer_certs(broker)}
        await _provider_client(broker, "client-jwt", **jwks)
        rep = broker.provider_rep(clientAuthMethod="private_key_jwt", clientSecret="")
        await broker.add_provider(config=rep["config"])
        await _signs_in(broker)


async def test_private_key_jwt_with_an_es256_key(env: Env) -> None:
    """KcOidcBrokerPrivateKeyJwtCustomSignAlgTest: an ``ecdsa-generated`` P-256 key added to the consumer realm,
    ES256 as ``clientAssertionSigningAlg`` and as the provider client's signing algorithm: the login goes through,
    and a provider client that expects RS256 refuses the ES256 assertion."""
    async with served(env) as broker:
        realm_id = (await admin(env, "GET", "/admin/realms/test", status=200)).json()["id"]
        component = {
            "name": "valid",
            "parentId": realm_id,
            "providerId": "ecdsa-generated",
            "providerType": KEY_PROVIDER,
            "config": {
                "priority": ["200"],
                "active": ["true"],
                "enabled": ["true"],
                "ecdsaEllipticCurveKey": ["P-256"],
            },
        }
        await admin(env, "POST", "/admin/realms/test/components", component, status=201)
        jwks = {"use.jwks.url": "true", "jwks.url": _consumer_certs(broker)}
        await _provider_client(broker, "client-jwt", **jwks, **{"token.endpoint.auth.signing.alg": "RS256"})
        rep = broker.provider_rep(clientAuthMethod="private_key_jwt", clientAssertionSigningAlg="ES256")
        await broker.add_provider(config=rep["config"])
        await _fails(broker)
        await _provider_client(broker, "client-jwt", **{"token.endpoint.auth.signing.alg": "ES256"})
        await _signs_in(broker)


async def test_private_key_jwt_with_a_custom_audience(env: Env) -> None:
    """KcOidcBrokerPrivateKeyJwtCustomAudienceTest: the provider's client holds the consumer's RS256 certificate;
    ``clientAssertionAudience`` the provider realm's issuer, which the provider takes as an audience. An audience it
    does not know is refused."""
    async with served(env) as broker:
        keys = (await admin(env, "GET", "/admin/realms/test/keys", status=200)).json()["keys"]
        (rs256,) = [k for k in keys if k["algorithm"] == "RS256" and k["status"] == "ACTIVE"]
        await _provider_client(broker, "client-jwt", **{"jwt.credential.certificate": rs256["certificate"]})
        rep = broker.provider_rep(clientAuthMethod="private_key_jwt", clientAssertionAudience="https://elsewhere")
        await broker.add_provider(config=rep["config"])
        await _fails(broker)
        rep["config"]["clientAssertionAudience"] = f"{broker.base}/realms/provider"
        await admin(env, "PUT", "/admin/realms/test/identity-provider/instances/kc", rep, status=204)
        await _signs_in(broker)


def _parts(assertion: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = assertion.split(".")
    return _decoded(header), _decoded(payload)


def _decoded(segment: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    return found


async def test_private_key_jwt_assertion_claims_client_id_and_signature(env: Env) -> None:
    """KcOidcBrokerPrivateKeyJwtClientIdRequiredTest (the provider requires ``client_id`` beside the assertion) and
    generateToken's claims: ``client_id``, ``client_assertion_type`` jwt-bearer and the assertion; no client secret;
    ``iss`` and ``sub`` the client id, ``aud`` the token URL, ``exp`` the realm's accessCodeLifespan after ``iat``, a
    ``jti``, ``typ`` JWT; the header names the consumer's RS256 key, whose JWKS verifies it."""
    async with served_with_fake(env) as (broker, idp):
        rep = idp.rep(clientAuthMethod="private_key_jwt")
        await admin(env, "PUT", "/admin/realms/test/identity-provider/instances/kc", rep, status=204)
        async with browser(broker) as http:
            params = await to_provider(http, idp)
            done = await callback(http, params["state"])
            assert done.status_code in (200, 302), done.text
            jwks = (await http.get("/realms/test/protocol/openid-connect/certs")).json()
        (sent,) = idp.token_requests
        assert sent["client_id"] == CLIENT_ID and sent["client_assertion_type"] == ASSERTION_TYPE
        assert "client_secret" not in sent and CLIENT_SECRET not in json.dumps(sent)
        header, claims = _parts(sent["client_assertion"])
        assert header["alg"] == "RS256" and header["typ"] == "JWT" and "x5t" not in header
        (key,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
        verified = jwt.decode(
            sent["client_assertion"],
            jwt.PyJWK(key).key,
            algorithms=["RS256"],
            audience=f"{idp.base}/token",
            options={"verify_exp": False, "verify_iat": False},
        )
        assert verified == claims
        assert claims["iss"] == claims["sub"] == CLIENT_ID and claims["typ"] == "JWT" and claims["jti"]
        assert claims["iat"] == env.clock.now() and claims["exp"] == claims["iat"] + 60


async def test_client_secret_jwt_assertion_is_signed_with_the_secret(env: Env) -> None:
    """client_secret_jwt: HMAC with the client secret (HS256 unless ``clientAssertionSigningAlg`` says otherwise),
    no ``kid``; ``clientAssertionAudience`` is the audience when set; the realm's accessCodeLifespan is its life."""
    async with served_with_fake(env) as (broker, idp):
        await admin(env, "PUT", "/admin/realms/test", {"accessCodeLifespan": 90}, status=204)
        rep = idp.rep(clientAuthMethod="client_secret_jwt", clientAssertionAudience="https://aud.example")
        await admin(env, "PUT", "/admin/realms/test/identity-provider/instances/kc", rep, status=204)
        async with browser(broker) as http:
            params = await to_provider(http, idp)
            await callback(http, params["state"])
        (sent,) = idp.token_requests
        header, _ = _parts(sent["client_assertion"])
        assert header == {"alg": "HS256", "typ": "JWT"}
        options: Any = {"verify_exp": False, "verify_iat": False}
        verified = jwt.decode(
            sent["client_assertion"],
            CLIENT_SECRET,
            algorithms=["HS256"],
            audience="https://aud.example",
            options=options,
        )
        assert verified["exp"] == verified["iat"] + 90 and sent["client_id"] == CLIENT_ID


async def test_x509_headers_put_the_certificate_thumbprint_in_the_header(env: Env) -> None:
    """KcOidcBrokerPrivateKeyJwtWithX509HeadersTest: with ``jwtX509HeadersEnabled`` the RS256 assertion's header
    carries ``x5t``, the SHA-1 thumbprint of the signing key's certificate as the realm's JWKS publishes it."""
    async with served_with_fake(env) as (broker, idp):
        rep = idp.rep(clientAuthMethod="private_key_jwt", jwtX509HeadersEnabled="true")
        await admin(env, "PUT", "/admin/realms/test/identity-provider/instances/kc", rep, status=204)
        async with browser(broker) as http:
            params = await to_provider(http, idp)
            await callback(http, params["state"])
            jwks = (await http.get("/realms/test/protocol/openid-connect/certs")).json()
        (sent,) = idp.token_requests
        header, _ = _parts(sent["client_assertion"])
        (key,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
        assert header["x5t"] == key["x5t"]


async def test_client_secret_basic_unencoded_sends_the_secret_as_it_is(env: Env) -> None:
    """Keycloak 26.5's ``client_secret_basic_unencoded`` (SimpleHttp.authBasic): the id and secret go into Basic as
    they are, where ``client_secret_basic`` form-encodes them first (RFC 6749 §2.3.1, BasicAuthHelper.RFC6749). The
    provider decodes them as RFC 6749 says: a secret with a ``+`` passes encoded, and unencoded its ``+`` reads as a
    space and the provider refuses it."""
    secret = "a+b/c"
    async with served(env) as broker:
        (client,) = (await admin(env, "GET", "/admin/realms/provider/clients?clientId=broker-app", status=200)).json()
        client["secret"] = secret
        await admin(env, "PUT", f"/admin/realms/provider/clients/{client['id']}", client, status=204)
        rep = broker.provider_rep(clientAuthMethod="client_secret_basic_unencoded", clientSecret=secret)
        await broker.add_provider(config=rep["config"])
        await _fails(broker)
        rep["config"]["clientAuthMethod"] = "client_secret_basic"
        await admin(env, "PUT", "/admin/realms/test/identity-provider/instances/kc", rep, status=204)
        await _signs_in(broker)


async def test_client_secret_basic_unencoded_signs_in_with_a_plain_secret(env: Env) -> None:
    """``client_secret_basic_unencoded`` with a secret form-encoding leaves as it is: the provider takes it."""
    async with served(env) as broker:
        rep = broker.provider_rep(clientAuthMethod="client_secret_basic_unencoded")
        await broker.add_provider(config=rep["config"])
        await _signs_in(broker)


async def test_the_stored_token_refresh_authenticates_with_the_realm_key(env: Env) -> None:
    """AbstractOAuth2IdentityProvider.refreshToken goes through authenticateTokenRequest too: with
    ``private_key_jwt`` the refresh grant carries a fresh assertion signed with the consumer's key, and the provider
    (a ``client-jwt`` client reading the consumer's JWKS) renews the stored token."""
    async with served(env) as broker:
        await enable_events(env)
        await _provider_client(broker, "client-jwt", **{"use.jwks.url": "true", "jwks.url": _consumer_certs(broker)})
        rep = broker.provider_rep(clientAuthMethod="private_key_jwt", clientSecret="")
        await broker.add_provider(storeToken=True, addReadTokenRoleOnCreate=True, config=rep["config"])
        token = await alice_token(broker)
        before = (await retrieve(broker, token)).json()
        env.clock.advance(before["accessTokenExpiration"] - env.clock.now() - 4)
        renewed = await retrieve(broker, token)
        assert renewed.status_code == 200, renewed.text
        assert renewed.json()["access_token"] != before["access_token"]
