"""JWT client authentication, replaying Keycloak's ClientAuthSignedJWTTest and ClientAuthSecretSignedJWTTest.

``private_key_jwt`` (client-jwt: the client's keys from ``jwks.string``, ``jwks.url`` or its certificate) and
``client_secret_jwt`` (client-secret-jwt: HMAC with the secret), with the exact answers of
AbstractJWTClientValidator / AbstractBaseJWTValidator for each refused assertion.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import hashlib
import hmac
import json
import uuid
from typing import Any

import httpx
import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from doorkeep.oauth import client_keys
from support import add_audience, assert_error, claims, token_url, update_client
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio

ISSUER = "http://localhost/realms/test"
TOKEN = f"{ISSUER}/protocol/openid-connect/token"
BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())


def _jwks(key: Any, kid: str = "k1") -> str:
    jwk = json.loads(
        jwt.algorithms.get_default_algorithms()["RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256"].to_jwk(
            key.public_key()
        )
    )
    jwk.update(kid=kid, use="sig")
    return json.dumps({"keys": [jwk]})


def _claims(env: Env, **over: Any) -> dict[str, Any]:
    now = env.clock.now()
    base: dict[str, Any] = {
        "iss": "app",
        "sub": "app",
        "aud": TOKEN,
        "iat": now,
        "exp": now + 30,
        "jti": str(uuid.uuid4()),
    }
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


def _signed(env: Env, key: Any = RSA_KEY, alg: str = "RS256", kid: str | None = "k1", **over: Any) -> str:
    headers = {"kid": kid} if kid else {}
    if alg.startswith("HS"):  # by hand: PyJWT refuses HMAC keys shorter than the hash
        return _hmac_signed(_claims(env, **over), key, alg)
    return jwt.encode(_claims(env, **over), key, algorithm=alg, headers=headers)


def _hmac_signed(payload: dict[str, Any], secret: bytes, alg: str) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode()) + "." + b64(json.dumps(payload).encode())
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    return head + "." + b64(hmac.new(secret, head.encode(), digest).digest())


async def _token(env: Env, assertion: str, **extra: str) -> httpx.Response:
    data = {
        "grant_type": "password",
        "username": "user1",
        "password": "password",
        "client_assertion_type": BEARER,
        "client_assertion": assertion,
        **extra,
    }
    return await env.http.post(token_url("test"), data=data)


async def _private_key_jwt(env: Env, **attributes: str) -> None:
    attrs = {"use.jwks.string": "true", "jwks.string": _jwks(RSA_KEY)} | attributes
    await update_client(env.db, "test", "app", client_authenticator_type="client-jwt", attributes=attrs)


async def _client_secret_jwt(env: Env, **attributes: str) -> None:
    await update_client(env.db, "test", "app", client_authenticator_type="client-secret-jwt", attributes=attributes)


# --- private_key_jwt ------------------------------------------------------------------------------------
async def test_a_signed_assertion_authenticates_the_client(realm: Env) -> None:
    await _private_key_jwt(realm)
    response = await _token(realm, _signed(realm))
    assert response.status_code == 200, response.text
    assert claims(response.json()["access_token"])["azp"] == "app"


@pytest.mark.parametrize("audience", [ISSUER, TOKEN, f"{TOKEN}/introspect"])
async def test_the_issuer_and_the_endpoints_are_accepted_audiences(realm: Env, audience: str) -> None:
    await _private_key_jwt(realm)
    assert (await _token(realm, _signed(realm, aud=audience))).status_code == 200


async def test_an_ec_key_from_the_jwks_string(realm: Env) -> None:
    await _private_key_jwt(realm, **{"jwks.string": _jwks(EC_KEY, "ec")})
    assert (await _token(realm, _signed(realm, EC_KEY, "ES256", "ec"))).status_code == 200


async def test_the_key_of_the_client_certificate(realm: Env) -> None:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "app")])
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(RSA_KEY.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=36500))
        .sign(RSA_KEY, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    body = "".join(line for line in pem.splitlines() if not line.startswith("-----"))
    await update_client(
        realm.db, "test", "app", client_authenticator_type="client-jwt", attributes={"jwt.credential.certificate": body}
    )
    kid = client_keys.key_id(RSA_KEY.public_key())
    assert (await _token(realm, _signed(realm, kid=kid))).status_code == 200
    assert (await _token(realm, _signed(realm, kid=None))).status_code == 200
    response = await _token(realm, _signed(realm, kid="elsewhere"))
    assert_error(response, 400, "invalid_client", "Unable to load public key")


async def test_the_jwks_url_is_fetched_and_kept(realm: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    fetched: list[str] = []

    async def fetch(url: str) -> bytes:
        fetched.append(url)
        return _jwks(RSA_KEY).encode()

    for app in realm.apps:
        app.state.doorkeep.services.client_keys.fetch = fetch
    await _private_key_jwt(
        realm, **{"use.jwks.string": "false", "use.jwks.url": "true", "jwks.url": "https://app.example/jwks"}
    )
    assert (await _token(realm, _signed(realm))).status_code == 200
    assert (await _token(realm, _signed(realm))).status_code == 200
    assert fetched == ["https://app.example/jwks"]


async def test_a_wrong_audience_is_refused(realm: Env) -> None:
    await _private_key_jwt(realm)
    response = await _token(realm, _signed(realm, aud="https://elsewhere.example"))
    assert_error(response, 400, "invalid_client", "Invalid token audience")


async def test_multiple_audiences_are_refused(realm: Env) -> None:
    await _private_key_jwt(realm)
    response = await _token(realm, _signed(realm, aud=[ISSUER, TOKEN]))
    assert_error(response, 400, "invalid_client", "Multiple audiences not allowed")


@pytest.mark.server_options(oidc_allow_multiple_audiences_for_jwt_client_authentication=True)
async def test_the_server_option_allows_multiple_audiences_one_of_them_the_realms(realm: Env) -> None:
    """``allow-multiple-audiences-for-jwt-client-authentication`` (deprecated, to go in Keycloak 27): several
    audiences pass when one is expected; none expected is still refused."""
    await _private_key_jwt(realm)
    assert (await _token(realm, _signed(realm, aud=[ISSUER, "https://other.example"]))).status_code == 200
    response = await _token(realm, _signed(realm, aud=["https://a.example", "https://b.example"]))
    assert_error(response, 400, "invalid_client", "Invalid token audience")


async def test_an_expired_assertion_is_not_active(realm: Env) -> None:
    await _private_key_jwt(realm)
    now = realm.clock.now()
    response = await _token(realm, _signed(realm, iat=now - 50, exp=now - 16))
    assert_error(response, 400, "invalid_client", "Token is not active")


async def test_an_assertion_not_yet_valid_is_not_active(realm: Env) -> None:
    await _private_key_jwt(realm)
    response = await _token(realm, _signed(realm, nbf=realm.clock.now() + 20))
    assert_error(response, 400, "invalid_client", "Token is not active")


async def test_exp_is_required(realm: Env) -> None:
    await _private_key_jwt(realm)
    assert_error(await _token(realm, _signed(realm, exp=None)), 400, "invalid_client", "Token exp claim is required")


async def test_an_assertion_issued_too_long_ago_is_refused(realm: Env) -> None:
    await _private_key_jwt(realm)
    now = realm.clock.now()
    response = await _token(realm, _signed(realm, iat=now - 61, exp=now + 30))
    assert_error(response, 400, "invalid_client", "Token was issued too far in the past to be used now")


async def test_an_assertion_issued_in_the_future_is_refused(realm: Env) -> None:
    await _private_key_jwt(realm)
    now = realm.clock.now()
    response = await _token(realm, _signed(realm, iat=now + 16, exp=now + 30))
    assert_error(response, 400, "invalid_client", "Token was issued in the future")


async def test_without_iat_the_expiry_may_not_exceed_max_exp(realm: Env) -> None:
    await _private_key_jwt(realm)
    now = realm.clock.now()
    response = await _token(realm, _signed(realm, iat=None, exp=now + 61))
    assert_error(
        response, 400, "invalid_client", "Token expiration is too far in the future and iat claim not present in token"
    )
    await _private_key_jwt(realm, **{"token.endpoint.auth.signing.max.exp": "120"})
    assert (await _token(realm, _signed(realm, iat=None, exp=now + 61))).status_code == 200


async def test_a_reused_jti_is_refused(realm: Env) -> None:
    await _private_key_jwt(realm)
    assertion = _signed(realm)
    assert (await _token(realm, assertion)).status_code == 200
    assert_error(await _token(realm, assertion), 400, "invalid_client", "Token reuse detected")


async def test_one_assertion_sent_to_two_workers_at_once_authenticates_once(realm: Env) -> None:
    """A replayed assertion racing the original on another process sharing the database: the used-jti row
    is inserted once, so exactly one request is authenticated."""
    await _private_key_jwt(realm)
    form = {
        "grant_type": "password",
        "username": "user1",
        "password": "password",
        "client_assertion_type": BEARER,
        "client_assertion": _signed(realm),
    }
    async with another_worker(realm) as other:
        first, second = await asyncio.gather(
            realm.http.post(token_url("test"), data=form), other.post(token_url("test"), data=form)
        )
    assert sorted([first.status_code, second.status_code]) == [200, 400]
    refused = first if first.status_code == 400 else second
    assert_error(refused, 400, "invalid_client", "Token reuse detected")


async def test_jti_is_required(realm: Env) -> None:
    await _private_key_jwt(realm)
    assert_error(await _token(realm, _signed(realm, jti=None)), 400, "invalid_client", "Token jti claim is required")


async def test_a_missing_sub_is_refused(realm: Env) -> None:
    await _private_key_jwt(realm)
    response = await _token(realm, _signed(realm, sub=None, iss=None), client_id="app")
    assert_error(response, 400, "invalid_client", "Token sub claim is required")
    # Without client_id no client is named, and no authenticator's answer counts: CLIENT_NOT_FOUND.
    response = await _token(realm, _signed(realm, sub=None, iss=None))
    assert_error(response, 401, "invalid_client", "Invalid client or Invalid client credentials")


async def test_an_issuer_other_than_the_subject_authenticates_nothing(realm: Env) -> None:
    await _private_key_jwt(realm)
    response = await _token(realm, _signed(realm, iss="bad-issuer"))  # ClientAuthSecretSignedJWTTest.testInvalidIssuer
    assert_error(response, 401, "invalid_client", "Invalid client or Invalid client credentials")


async def test_a_client_id_other_than_the_subject_is_refused(realm: Env) -> None:
    await _private_key_jwt(realm)
    response = await _token(realm, _signed(realm, iss="other", sub="other"), client_id="app")
    assert_error(response, 400, "invalid_client", "client_id parameter does not match sub claim")


async def test_a_wrong_key_fails_the_signature(realm: Env) -> None:
    await _private_key_jwt(realm)
    response = await _token(realm, _signed(realm, OTHER_KEY))
    assert_error(
        response,
        400,
        "invalid_client",
        "Client authentication with signed JWT failed: Signature on JWT token failed validation",
    )


async def test_an_unknown_kid_is_unable_to_load_the_key(realm: Env) -> None:
    await _private_key_jwt(realm)
    assert_error(await _token(realm, _signed(realm, kid="nope")), 400, "invalid_client", "Unable to load public key")


@pytest.mark.parametrize("alg", ["HS256", "none"])
async def test_a_symmetric_or_none_algorithm_is_refused_for_private_key_jwt(realm: Env, alg: str) -> None:
    await _private_key_jwt(realm)
    key: Any = b"secret-secret-secret-secret-secret" if alg == "HS256" else None
    response = await _token(realm, _signed(realm, key, alg))
    assert_error(response, 400, "invalid_client", "Invalid signature algorithm")


async def test_the_configured_signing_algorithm_is_enforced(realm: Env) -> None:
    await _private_key_jwt(realm, **{"token.endpoint.auth.signing.alg": "PS256"})
    assert_error(await _token(realm, _signed(realm)), 400, "invalid_client", "Invalid signature algorithm")
    assert (await _token(realm, _signed(realm, alg="PS256"))).status_code == 200


async def test_a_malformed_assertion(realm: Env) -> None:
    await _private_key_jwt(realm)
    response = await _token(realm, "not-a-jwt", client_id="app")
    assert_error(response, 400, "invalid_client", "Client authentication with signed JWT failed: Parsing error")


async def test_an_assertion_does_not_authenticate_a_client_secret_client(realm: Env) -> None:
    response = await _token(realm, _signed(realm))  # app is client-secret
    assert_error(response, 401, "invalid_client", "Invalid client or Invalid client credentials")


# --- client_secret_jwt ----------------------------------------------------------------------------------
@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
async def test_an_assertion_signed_with_the_secret_authenticates(realm: Env, alg: str) -> None:
    await _client_secret_jwt(realm)
    response = await _token(realm, _signed(realm, b"secret", alg))
    assert response.status_code == 200, response.text


async def test_a_wrong_secret_is_unauthorized_client(realm: Env) -> None:
    await _client_secret_jwt(realm)
    response = await _token(realm, _signed(realm, b"ppassswordd", "HS256"))  # testAssertionInvalidSignature
    assert_error(
        response,
        400,
        "unauthorized_client",
        "Client authentication with client secret signed JWT failed: "
        "Signature on JWT token by client secret  failed validation",
    )


async def test_none_is_refused_for_client_secret_jwt(realm: Env) -> None:
    await _client_secret_jwt(realm)
    response = await _token(realm, _signed(realm, None, "none"))  # testAssertionWithNoneAlgorithm
    assert_error(response, 400, "invalid_client", "Invalid signature algorithm")


async def test_an_enforced_hmac_algorithm(realm: Env) -> None:
    await _client_secret_jwt(realm, **{"token.endpoint.auth.signing.alg": "HS512"})  # ...HS512Enforced
    assert_error(
        await _token(realm, _signed(realm, b"secret", "HS256")), 400, "invalid_client", "Invalid signature algorithm"
    )


async def test_a_reused_secret_jwt_is_refused(realm: Env) -> None:
    await _client_secret_jwt(realm)
    assertion = _signed(realm, b"secret", "HS256")
    assert (await _token(realm, assertion)).status_code == 200
    assert_error(await _token(realm, assertion), 400, "invalid_client", "Token reuse detected")


async def test_a_private_key_jwt_client_refuses_a_secret_jwt(realm: Env) -> None:
    await _private_key_jwt(realm)  # testCodeToTokenRequestFailureWhenClientHasPrivateKeyJWT
    response = await _token(realm, _signed(realm, b"secret", "HS256"))
    assert_error(response, 400, "invalid_client", "Invalid signature algorithm")


# --- the other endpoints --------------------------------------------------------------------------------
async def test_introspection_and_revocation_authenticate_with_an_assertion(realm: Env) -> None:
    await _private_key_jwt(realm)
    await add_audience(realm.db, "test", "app")  # app introspects its own token (Keycloak 26.6.2's audience check)
    tokens = (await _token(realm, _signed(realm))).json()
    introspect = await realm.http.post(
        token_url("test", "token/introspect"),
        data={"token": tokens["access_token"], "client_assertion_type": BEARER, "client_assertion": _signed(realm)},
    )
    assert introspect.status_code == 200 and introspect.json()["active"] is True
    revoke = await realm.http.post(
        token_url("test", "revoke"),
        data={"token": tokens["refresh_token"], "client_assertion_type": BEARER, "client_assertion": _signed(realm)},
    )
    assert revoke.status_code == 200, revoke.text


async def test_discovery_lists_the_jwt_methods(realm: Env) -> None:
    document = (await realm.http.get("/realms/test/.well-known/openid-configuration")).json()
    methods = ["private_key_jwt", "client_secret_basic", "client_secret_post", "tls_client_auth", "client_secret_jwt"]
    for endpoint in ("token", "introspection", "revocation"):
        assert document[f"{endpoint}_endpoint_auth_methods_supported"] == methods
        algs = document[f"{endpoint}_endpoint_auth_signing_alg_values_supported"]
        assert {"RS256", "PS256", "ES256", "EdDSA", "HS256", "HS512"} <= set(algs) and "none" not in algs


async def test_a_jwks_url_that_is_no_url_is_no_key_not_a_server_error(realm: Env) -> None:
    """A ``jwks_uri`` registered as ``http://[::1/…`` (client registration does not check it, nor does Keycloak)
    is a failed fetch: ClientPublicKeyLoader finds no key."""
    await _private_key_jwt(
        realm, **{"use.jwks.string": "false", "use.jwks.url": "true", "jwks.url": "http://[::1/jwks"}
    )
    assert_error(await _token(realm, _signed(realm)), 400, "invalid_client", "Unable to load public key")
