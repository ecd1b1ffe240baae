"""Wire port of Keycloak's ``org.keycloak.tests.keys.GeneratedEcdsaKeyProviderTest`` (tests/base/src/test/java/org/
keycloak/tests/keys/): an ``ecdsa-generated`` key provider on each NIST curve (P-256 by default), with and without
``ecGenerateCertificate`` (then ``/keys`` shows a self-signed certificate, issuer and subject ``CN={realm}``),
the 400 of a curve not offered (K-163), and a change of curve (a new key, kid and algorithm).

The Java ``supportedEc`` helper's config count: the priority and the curve (generateKeys writes the default
curve into the config), plus ``ecGenerateCertificate`` when given. Beyond the Java assertions, the key's curve is
checked from its published public key in every ``supportedEc`` scenario, and each new key signs a token for a
client asking for its algorithm.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from key_provider_port import add, component, created_id, metadata, of_provider, public_key, rep, update
from support import header, password_grant, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

PROVIDER = "ecdsa-generated"  # GeneratedEcdsaKeyProviderFactory.ID
CURVE = "ecdsaEllipticCurveKey"  # GeneratedEcdsaKeyProviderFactory.ECDSA_ELLIPTIC_CURVE_KEY
GENERATE_CERTIFICATE = "ecGenerateCertificate"  # Attributes.EC_GENERATE_CERTIFICATE_KEY
DEFAULT_EC = "P-256"
ALGORITHM = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}


def _curve(key: dict[str, Any]) -> str:
    """``getCurveFromPublicKey``: "P-" and the field size of the key's curve."""
    decoded = public_key(key["publicKey"])
    assert isinstance(decoded, ec.EllipticCurvePublicKey)
    return f"P-{decoded.curve.key_size}"


async def _signed_kid(env: Env, algorithm: str) -> str:
    """The kid of an access token for ``app`` once it asks for ``algorithm``."""
    await update_client(env.db, "test", "app", attributes={"access.token.signed.response.alg": algorithm})
    response = await password_grant(env.http, "test", "app")
    assert response.status_code == 200, response.text
    return str(header(response.json()["access_token"])["kid"])


async def supported_ec(env: Env, curve: str | None, with_certificate: bool) -> str:
    """``supportedEc``: the created provider's id."""
    priority = env.clock.now_ms()
    config = {"priority": str(priority)}
    if curve is not None:
        config[CURVE] = curve
    if with_certificate:
        config[GENERATE_CERTIFICATE] = "true"
    component_id = await created_id(env, await rep(env, "valid", PROVIDER, config))
    expected = curve or DEFAULT_EC

    created = (await component(env, component_id))["config"]
    assert len(created) == (3 if with_certificate else 2)
    assert (created["priority"], created[CURVE]) == ([str(priority)], [expected])
    if with_certificate:
        assert created[GENERATE_CERTIFICATE] == ["true"]

    key = of_provider(await metadata(env), component_id)
    assert (key["type"], key["providerPriority"], key["algorithm"]) == ("EC", priority, ALGORITHM[expected])
    assert _curve(key) == expected
    if with_certificate:
        certificate = x509.load_der_x509_certificate(base64.b64decode(key["certificate"]))
        assert certificate.issuer.rfc4514_string() == "CN=test" == certificate.subject.rfc4514_string()
        assert certificate.public_key() == public_key(key["publicKey"])
    else:
        assert "certificate" not in key
    assert await _signed_kid(env, ALGORITHM[expected]) == key["kid"]
    return component_id


@pytest.mark.parametrize(
    ("curve", "with_certificate"),
    [
        pytest.param(None, True, id="defaultEc"),
        pytest.param(None, False, id="defaultEcWithCertificate"),
        pytest.param("P-521", False, id="supportedEcP521"),
        pytest.param("P-521", True, id="supportedEcP521WithCertificate"),
        pytest.param("P-384", False, id="supportedEcP384"),
        pytest.param("P-384", True, id="supportedEcP384WithCertificate"),
        pytest.param("P-256", False, id="supportedEcP256"),
        pytest.param("P-256", True, id="supportedEcP256AndCertificate"),
    ],
)
async def test_supported_ec(realm: Env, curve: str | None, with_certificate: bool) -> None:
    """The eight ``supportedEc`` methods (the Java names kept as ids; ``defaultEc`` asks for a certificate
    and ``defaultEcWithCertificate`` does not, as the Java methods do)."""
    await supported_ec(realm, curve, with_certificate)


async def test_unsupported_ec_k163(realm: Env) -> None:
    """``unsupportedEcK163``: a NIST Koblitz curve over a binary field is not offered."""
    body = await rep(realm, "valid", PROVIDER, {"priority": str(realm.clock.now_ms()), CURVE: "K-163"})
    response = await add(realm, body)
    assert (response.status_code, response.json()) == (
        400,
        {"errorMessage": "'Elliptic Curve' should be P-256, P-384 or P-521"},
    )


async def test_a_generate_certificate_switch_that_is_no_boolean_is_refused(realm: Env) -> None:
    """Not a Java method: AbstractEcKeyProviderFactory.validateConfiguration's checkBoolean of
    ``ecGenerateCertificate``, whose label is "Generate Certificate"."""
    response = await add(realm, await rep(realm, "invalid", PROVIDER, {GENERATE_CERTIFICATE: "yes"}))
    assert (response.status_code, response.json()) == (
        400,
        {"errorMessage": "'Generate Certificate' should be 'true' or 'false'"},
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("P-256", "P-384", id="changeCurveFromP256ToP384"),
        pytest.param("P-384", "P-521", id="changeCurveFromP384ToP521"),
        pytest.param("P-521", "P-256", id="changeCurveFromP521ToP256"),
    ],
)
async def test_change_curve(realm: Env, old: str, new: str) -> None:
    """``changeCurve``: a new curve generates a new key (another kid and algorithm) on the same provider."""
    component_id = await supported_ec(realm, old, False)
    original = of_provider(await metadata(realm), component_id)
    created = await component(realm, component_id)
    created["config"][CURVE] = [new]
    await update(realm, component_id, created)

    config = (await component(realm, component_id))["config"]
    assert len(config) == 2 and config[CURVE] == [new]
    key = of_provider(await metadata(realm), component_id)
    assert key["kid"] != original["kid"] and key["type"] == "EC"
    assert key["algorithm"] != original["algorithm"] and key["algorithm"] == ALGORITHM[new]
    assert _curve(key) == new
    assert await _signed_kid(realm, ALGORITHM[new]) == key["kid"]
