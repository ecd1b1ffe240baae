"""Wire port of Keycloak's ``GeneratedEddsaKeyProviderTest`` (testsuite/.../keys/): an ``eddsa-generated`` key
provider on each curve it offers (Ed25519 by default, Ed448), the 400 of a curve it does not offer, and a change
of curve (a new key pair, hence a new kid, on the same provider).

The Java class itself is not in the reference index this port was written from, so its methods follow its
sibling GeneratedEcdsaKeyProviderTest (same ``supportedEc``/``unsupportedEc``/``changeCurve`` helpers) and the
behaviour of GeneratedEddsaKeyProviderFactory, AbstractEddsaKeyProviderFactory and AbstractEddsaKeyProvider:
config properties priority, enabled, active and ``eddsaEllipticCurveKey`` (list Ed25519, Ed448); the generated
key's type OKP, algorithm EdDSA, use SIG, kid ``KeyUtils.createKeyId`` of its public key, and no certificate.

Beyond the Java assertions, each scenario checks the key end to end: the realm's JWKS publishes it as an OKP
JWK (RFC 8037: ``crv``, raw ``x``), and a token the realm signs with EdDSA names it and verifies with that JWK.
The fallback key (``fallback-EdDSA``, Ed25519, priority -100) a realm makes when asked for EdDSA without a
provider, and the realm's ``defaultSignatureAlgorithm`` EdDSA, are checked too.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed448, ed25519

from key_provider_port import add, component, created_id, metadata, of_provider, public_key, rep, update
from support import claims, header, password_grant, token_url, update_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

PROVIDER = "eddsa-generated"  # GeneratedEddsaKeyProviderFactory.ID
CURVE = "eddsaEllipticCurveKey"  # AbstractEddsaKeyProviderFactory.EDDSA_ELLIPTIC_CURVE_KEY
DEFAULT_CURVE = "Ed25519"  # GeneratedEddsaKeyProviderFactory.DEFAULT_EDDSA_ELLIPTIC_CURVE


def _curve(key: dict[str, Any]) -> str:
    """``getCurveFromPublicKey``: the curve of the key's published public key (EdECPublicKey params name)."""
    decoded = public_key(key["publicKey"])
    if isinstance(decoded, ed25519.Ed25519PublicKey):
        return "Ed25519"
    assert isinstance(decoded, ed448.Ed448PublicKey), decoded
    return "Ed448"


def _kid(encoded: str) -> str:
    """KeyUtils.createKeyId: base64url of the SHA-256 of the SubjectPublicKeyInfo."""
    digest = hashlib.sha256(base64.b64decode(encoded)).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


async def _jwk(env: Env, kid: str) -> dict[str, Any]:
    response = await env.http.get(token_url("test", "certs"))
    assert response.status_code == 200, response.text
    return next(k for k in response.json()["keys"] if k["kid"] == kid)


async def _signed_with(env: Env, kid: str) -> None:
    """An access token for ``app`` asking for EdDSA names ``kid``, and verifies with the JWKS entry of ``kid``."""
    await update_client(env.db, "test", "app", attributes={"access.token.signed.response.alg": "EdDSA"})
    response = await password_grant(env.http, "test", "app")
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert header(token) == {"alg": "EdDSA", "typ": "JWT", "kid": kid}
    verifier = jwt.PyJWK(await _jwk(env, kid))
    verified = jwt.decode(token, verifier.key, algorithms=["EdDSA"], options={"verify_aud": False, "verify_exp": False})
    assert verified["azp"] == "app"


async def supported_ec(env: Env, curve: str | None) -> str:
    """``supportedEc``: the created provider's id."""
    priority = env.clock.now_ms()
    config = {"priority": str(priority)}
    if curve is not None:
        config[CURVE] = curve
    component_id = await created_id(env, await rep(env, "valid", PROVIDER, config))
    expected = curve or DEFAULT_CURVE

    created = (await component(env, component_id))["config"]
    # the priority and the curve (generateKeys writes it); the key pair in the config is not a declared property
    assert created == {"priority": [str(priority)], CURVE: [expected]}

    key = of_provider(await metadata(env), component_id)
    assert (key["type"], key["algorithm"], key["use"], key["status"]) == ("OKP", "EdDSA", "SIG", "ACTIVE")
    assert key["providerPriority"] == priority
    assert _curve(key) == expected and key["kid"] == _kid(key["publicKey"])
    assert "certificate" not in key and "validTo" not in key

    raw = public_key(key["publicKey"]).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    assert await _jwk(env, key["kid"]) == {
        "kid": key["kid"],
        "kty": "OKP",
        "alg": "EdDSA",
        "use": "sig",
        "crv": expected,
        "x": x,
    }
    await _signed_with(env, key["kid"])
    return component_id


@pytest.mark.parametrize(
    "curve",
    [
        pytest.param(None, id="defaultEc"),
        pytest.param("Ed25519", id="supportedEcEd25519"),
        pytest.param("Ed448", id="supportedEcEd448"),
    ],
)
async def test_supported_ec(realm: Env, curve: str | None) -> None:
    """The ``supportedEc`` methods: Ed25519 when no curve is given."""
    await supported_ec(realm, curve)


@pytest.mark.parametrize("curve", ["X25519", "P-256", "ed25519"])
async def test_unsupported_ec(realm: Env, curve: str) -> None:
    """``unsupportedEc``: a curve outside the list (a Montgomery curve, a NIST one, the right name mis-cased)."""
    body = await rep(realm, "valid", PROVIDER, {"priority": str(realm.clock.now_ms()), CURVE: curve})
    response = await add(realm, body)
    assert (response.status_code, response.json()) == (
        400,
        {"errorMessage": "'Elliptic Curve' should be Ed25519 or Ed448"},
    )


async def test_a_priority_that_is_no_number_is_refused(realm: Env) -> None:
    """Not a Java method: AbstractEddsaKeyProviderFactory.validateConfiguration's checkLong of the priority."""
    response = await add(realm, await rep(realm, "invalid", PROVIDER, {"priority": "high"}))
    assert (response.status_code, response.json()) == (400, {"errorMessage": "'Priority' should be a number"})


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("Ed25519", "Ed448", id="changeCurveFromEd25519ToEd448"),
        pytest.param("Ed448", "Ed25519", id="changeCurveFromEd448ToEd25519"),
    ],
)
async def test_change_curve(realm: Env, old: str, new: str) -> None:
    """``changeCurve``: a new curve generates a new key pair (another kid; the algorithm stays EdDSA)."""
    component_id = await supported_ec(realm, old)
    original = of_provider(await metadata(realm), component_id)
    created = await component(realm, component_id)
    created["config"][CURVE] = [new]
    await update(realm, component_id, created)

    config = (await component(realm, component_id))["config"]
    assert len(config) == 2 and config[CURVE] == [new]
    key = of_provider(await metadata(realm), component_id)
    assert key["kid"] != original["kid"] and (key["type"], key["algorithm"]) == ("OKP", "EdDSA")
    assert _curve(key) == new
    await _signed_with(realm, key["kid"])


async def test_an_update_that_keeps_the_curve_keeps_the_key(realm: Env) -> None:
    """Not a Java method: validateConfiguration regenerates only when the curve changed."""
    component_id = await supported_ec(realm, "Ed448")
    original = of_provider(await metadata(realm), component_id)
    created = await component(realm, component_id)
    created["config"]["priority"] = ["7"]
    await update(realm, component_id, created)
    key = of_provider(await metadata(realm), component_id)
    assert (key["kid"], key["publicKey"], key["providerPriority"]) == (original["kid"], original["publicKey"], 7)


async def test_a_realm_without_an_eddsa_provider_makes_a_fallback_key(realm: Env) -> None:
    """Not a Java method: GeneratedEddsaKeyProviderFactory.createFallbackKeys, reached through
    DefaultKeyManager.getActiveKey when a client asks for EdDSA: a ``fallback-EdDSA`` provider, priority -100,
    curve Ed25519."""
    await update_client(realm.db, "test", "app", attributes={"access.token.signed.response.alg": "EdDSA"})
    response = await password_grant(realm.http, "test", "app")
    assert response.status_code == 200, response.text
    kid = header(response.json()["access_token"])["kid"]
    key = next(k for k in (await metadata(realm))["keys"] if k["kid"] == kid)
    assert (key["type"], key["algorithm"], key["providerPriority"]) == ("OKP", "EdDSA", -100)
    provider = await component(realm, key["providerId"])
    assert (provider["name"], provider["providerId"]) == ("fallback-EdDSA", PROVIDER)
    assert provider["config"] == {"priority": ["-100"], CURVE: ["Ed25519"]}
    await _signed_with(realm, kid)


def _at_hash(access_token: str, curve: str) -> str:
    """OIDC Core's at_hash as Keycloak makes it for EdDSA (JavaAlgorithm.getJavaAlgorithmForHash): the left half
    of SHA-512 (Ed25519) or of Bouncy Castle's 64-byte SHAKE256 (Ed448)."""
    data = access_token.encode()
    digest = hashlib.shake_256(data).digest(64) if curve == "Ed448" else hashlib.sha512(data).digest()
    return base64.urlsafe_b64encode(digest[:32]).rstrip(b"=").decode()


@pytest.mark.parametrize("curve", ["Ed25519", "Ed448"])
async def test_the_realm_default_signature_algorithm_eddsa_signs_access_and_id_tokens(realm: Env, curve: str) -> None:
    """Not a Java method: a realm whose ``defaultSignatureAlgorithm`` is EdDSA signs access and ID tokens with its
    EdDSA key, the ID token's ``at_hash`` hashed as the key's curve says, and the userinfo endpoint takes such an
    access token."""
    component_id = await supported_ec(realm, curve)
    kid = of_provider(await metadata(realm), component_id)["kid"]
    await update_client(realm.db, "test", "app", attributes={})
    await update_realm(realm.db, "test", default_signature_algorithm="EdDSA")
    response = await password_grant(realm.http, "test", "app", scope="openid")
    assert response.status_code == 200, response.text
    body = response.json()
    for token in (body["access_token"], body["id_token"]):
        assert (header(token)["alg"], header(token)["kid"]) == ("EdDSA", kid)
    id_token = claims(body["id_token"])
    assert id_token["typ"] == "ID" and id_token["at_hash"] == _at_hash(body["access_token"], curve)
    answer = await realm.http.get(
        token_url("test", "userinfo"), headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["preferred_username"] == "user1"


async def test_a_signed_userinfo_answer_in_eddsa(realm: Env) -> None:
    """Not a Java method: ``user.info.response.signature.alg`` EdDSA signs the userinfo answer with the realm's
    EdDSA key (Keycloak lists EdDSA in userinfo_signing_alg_values_supported)."""
    component_id = await supported_ec(realm, None)
    kid = of_provider(await metadata(realm), component_id)["kid"]
    await update_client(realm.db, "test", "app", attributes={"user.info.response.signature.alg": "EdDSA"})
    tokens = await password_grant(realm.http, "test", "app", scope="openid")
    headers = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
    answer = await realm.http.get(token_url("test", "userinfo"), headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/jwt")
    assert (header(answer.text)["alg"], header(answer.text)["kid"]) == ("EdDSA", kid)
    verifier = jwt.PyJWK(await _jwk(realm, kid))
    verified = jwt.decode(
        answer.text, verifier.key, algorithms=["EdDSA"], options={"verify_aud": False, "verify_exp": False}
    )
    assert verified["preferred_username"] == "user1"


async def test_discovery_lists_eddsa_for_tokens_and_userinfo(realm: Env) -> None:
    """Not a Java method: Keycloak 26's discovery lists EdDSA among the ID token, userinfo and JARM signing
    algorithms, in its providers' order."""
    response = await realm.http.get("/realms/test/.well-known/openid-configuration")
    doc = response.json()
    order = ["PS384", "RS384", "EdDSA", "ES384", "ES256", "RS256", "ES512", "PS256", "PS512", "RS512"]
    assert doc["id_token_signing_alg_values_supported"] == order
    assert doc["authorization_signing_alg_values_supported"] == order
    assert "EdDSA" in doc["userinfo_signing_alg_values_supported"]
    assert "EdDSA" in doc["token_endpoint_auth_signing_alg_values_supported"]
