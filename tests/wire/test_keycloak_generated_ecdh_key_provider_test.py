"""Wire port of Keycloak's ``org.keycloak.tests.keys.GeneratedEcdhKeyProviderTest`` (tests/base/src/test/java/org/
keycloak/tests/keys/): an ``ecdh-generated`` encryption key provider on each NIST curve (P-256 by default) with
each ``ecdhAlgorithm`` (ECDH-ES, ECDH-ES+A128KW, +A192KW, +A256KW), the 400 of a curve not offered (K-163), and a
change of curve and algorithm (a new key and kid).

The Java ``supportedEc`` helper's config count is three: the priority, the curve (generateKeys writes the
default curve into the config) and the algorithm. Beyond the Java assertions, each new key's curve is checked
from its published public key, the realm's JWKS publishes it (``use`` ``enc``, its algorithm and curve) and no
token is signed with it. Every Java @Test is ported.
"""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from key_provider_port import access_token, add, component, created_id, metadata, of_provider, public_key, rep, update
from support import header
from wire_env import Env

pytestmark = pytest.mark.anyio

PROVIDER = "ecdh-generated"  # GeneratedEcdhKeyProviderFactory.ID
CURVE = "ecdhEllipticCurveKey"  # GeneratedEcdhKeyProviderFactory.ECDH_ELLIPTIC_CURVE_KEY
ALGORITHM = "ecdhAlgorithm"  # GeneratedEcdhKeyProviderFactory.ECDH_ALGORITHM_KEY
DEFAULT_EC = "P-256"
ES, KW128, KW192, KW256 = "ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW"


def _curve(key: dict[str, Any]) -> str:
    """``getCurveFromPublicKey``: "P-" and the field size of the key's curve."""
    decoded = public_key(key["publicKey"])
    assert isinstance(decoded, ec.EllipticCurvePublicKey)
    return f"P-{decoded.curve.key_size}"


async def supported_ec(env: Env, curve: str | None, algorithm: str) -> str:
    """``supportedEc``: the created provider's id."""
    priority = env.clock.now_ms()
    config = {"priority": str(priority), ALGORITHM: algorithm}
    if curve is not None:
        config[CURVE] = curve
    component_id = await created_id(env, await rep(env, "valid", PROVIDER, config))
    expected = curve or DEFAULT_EC
    created = (await component(env, component_id))["config"]
    assert len(created) == 3, created
    assert (created["priority"], created[CURVE], created[ALGORITHM]) == ([str(priority)], [expected], [algorithm])
    key = of_provider(await metadata(env), component_id)
    assert (key["providerId"], key["type"], key["use"], key["providerPriority"]) == (
        component_id,
        "EC",
        "ENC",
        priority,
    )
    assert key["algorithm"] == algorithm and _curve(key) == expected
    jwks = (await env.http.get("/realms/test/protocol/openid-connect/certs")).json()["keys"]
    published = next(k for k in jwks if k["kid"] == key["kid"])
    assert (published["kty"], published["use"], published["alg"], published["crv"]) == (
        "EC",
        "enc",
        algorithm,
        expected,
    )
    assert "d" not in published
    assert header(await access_token(env))["kid"] != key["kid"]
    return component_id


async def unsupported_ec(env: Env, curve: str, algorithm: str) -> None:
    """``unsupportedEc``: a 400 (ConfigurationValidationHelper's list check of the curve)."""
    config = {"priority": str(env.clock.now_ms()), CURVE: curve, ALGORITHM: algorithm}
    response = await add(env, await rep(env, "valid", PROVIDER, config))
    assert response.status_code == 400, response.text
    assert response.json() == {"errorMessage": "'Elliptic Curve' should be P-256, P-384 or P-521"}


async def change_curve(env: Env, from_curve: str, to_curve: str, from_alg: str, to_alg: str) -> None:
    """``changeCurve``: a new curve generates a new key (a new kid) of the new algorithm."""
    component_id = await supported_ec(env, from_curve, from_alg)
    original = of_provider(await metadata(env), component_id)
    created = await component(env, component_id)
    created["config"][CURVE] = [to_curve]
    created["config"][ALGORITHM] = [to_alg]
    await update(env, component_id, created)
    shown = (await component(env, component_id))["config"]
    assert len(shown) == 3 and (shown[CURVE], shown[ALGORITHM]) == ([to_curve], [to_alg])
    key = of_provider(await metadata(env), component_id)
    assert key["providerId"] == component_id and key["kid"] != original["kid"]
    assert (key["type"], key["use"], original["algorithm"], key["algorithm"]) == ("EC", "ENC", from_alg, to_alg)
    assert _curve(key) == to_curve


async def test_default_ec_direct(realm: Env) -> None:
    await supported_ec(realm, None, ES)


async def test_supported_ec_p521_direct(realm: Env) -> None:
    await supported_ec(realm, "P-521", ES)


async def test_supported_ec_p384_direct(realm: Env) -> None:
    await supported_ec(realm, "P-384", ES)


async def test_supported_ec_p256_direct(realm: Env) -> None:
    await supported_ec(realm, "P-256", ES)


async def test_unsupported_ec_k163_direct(realm: Env) -> None:
    await unsupported_ec(realm, "K-163", ES)


async def test_default_ec_key_wrap128(realm: Env) -> None:
    await supported_ec(realm, None, KW128)


async def test_default_ec_key_wrap192(realm: Env) -> None:
    await supported_ec(realm, None, KW192)


async def test_default_ec_key_wrap256(realm: Env) -> None:
    await supported_ec(realm, None, KW256)


async def test_supported_ec_p521_key_wrap128(realm: Env) -> None:
    await supported_ec(realm, "P-521", KW128)


async def test_supported_ec_p521_key_wrap192(realm: Env) -> None:
    await supported_ec(realm, "P-521", KW192)


async def test_supported_ec_p521_key_wrap256(realm: Env) -> None:
    await supported_ec(realm, "P-521", KW256)


async def test_supported_ec_p384_key_wrap128(realm: Env) -> None:
    await supported_ec(realm, "P-384", KW128)


async def test_supported_ec_p384_key_wrap192(realm: Env) -> None:
    await supported_ec(realm, "P-384", KW192)


async def test_supported_ec_p384_key_wrap256(realm: Env) -> None:
    await supported_ec(realm, "P-384", KW256)


async def test_supported_ec_p256_key_wrap128(realm: Env) -> None:
    await supported_ec(realm, "P-256", KW128)


async def test_supported_ec_p256_key_wrap192(realm: Env) -> None:
    await supported_ec(realm, "P-256", KW192)


async def test_supported_ec_p256_key_wrap256(realm: Env) -> None:
    await supported_ec(realm, "P-256", KW256)


async def test_unsupported_ec_k163_key_wrap128(realm: Env) -> None:
    await unsupported_ec(realm, "K-163", KW128)


async def test_unsupported_ec_k163_key_wrap192(realm: Env) -> None:
    await unsupported_ec(realm, "K-163", KW192)


async def test_unsupported_ec_k163_key_wrap256(realm: Env) -> None:
    await unsupported_ec(realm, "K-163", KW256)


async def test_change_curve_from_p256_to_p384_direct(realm: Env) -> None:
    await change_curve(realm, "P-256", "P-384", ES, ES)


async def test_change_curve_from_p384_to_p521_direct(realm: Env) -> None:
    await change_curve(realm, "P-384", "P-521", ES, ES)


async def test_change_curve_from_p521_to_p256_direct(realm: Env) -> None:
    await change_curve(realm, "P-521", "P-256", ES, ES)


async def test_change_curve_from_p256_to_p384_key_wrap(realm: Env) -> None:
    await change_curve(realm, "P-256", "P-384", KW128, KW192)


async def test_change_curve_from_p384_to_p521_key_wrap(realm: Env) -> None:
    await change_curve(realm, "P-384", "P-521", KW192, KW256)


async def test_change_curve_from_p521_to_p256_key_wrap(realm: Env) -> None:
    await change_curve(realm, "P-521", "P-256", KW256, KW128)
