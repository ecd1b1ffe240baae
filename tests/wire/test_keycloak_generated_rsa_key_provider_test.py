"""Wire port of Keycloak's ``org.keycloak.tests.keys.GeneratedRsaKeyProviderTest`` (tests/base/src/test/java/org/
keycloak/tests/keys/): an ``rsa-generated`` key provider created through ``/components`` with a priority of
``System.currentTimeMillis()`` (a long beyond an int's range, answered unchanged as ``providerPriority``), its
default and chosen key size, an update of its priority (the same key) and of its key size (a new key), and the
400 of a key size the crypto provider does not offer (``'Key size' should be 1024, 2048, 3072 or 4096``).

The ``*ForEnc`` methods run the same scenarios on ``rsa-enc-generated`` (``use`` ENC, RSA-OAEP by default).

Beyond the Java assertions, each test that creates a signing provider checks that the new key, of the highest
priority, signs the next access token at once; each encryption one, that the realm's JWKS publishes the new key
with ``use`` ``enc`` and its algorithm, and that no token is signed with it. Every Java @Test is ported.
"""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from key_provider_port import (
    access_token,
    add,
    assert_error,
    component,
    created_id,
    metadata,
    public_key,
    rep,
    update,
)
from support import header
from wire_env import Env

pytestmark = pytest.mark.anyio

PROVIDER = "rsa-generated"  # GeneratedRsaKeyProviderFactory.ID
ENC_PROVIDER = "rsa-enc-generated"  # GeneratedRsaEncKeyProviderFactory.ID
USE = {PROVIDER: "SIG", ENC_PROVIDER: "ENC"}


def _modulus_bits(key: dict[str, Any]) -> int:
    decoded = public_key(key["publicKey"])
    assert isinstance(decoded, rsa.RSAPublicKey)
    return decoded.key_size


async def _in_use(realm: Env, provider: str, key: dict[str, Any]) -> None:
    """A signing key signs the next access token; an encryption key is in the JWKS as ``enc`` and signs nothing."""
    signed = header(await access_token(realm))
    if provider == PROVIDER:
        assert signed["kid"] == key["kid"]
        return
    assert signed["kid"] != key["kid"]
    jwks = (await realm.http.get("/realms/test/protocol/openid-connect/certs")).json()["keys"]
    published = next(k for k in jwks if k["kid"] == key["kid"])
    assert (published["use"], published["alg"], published["kty"]) == ("enc", key["algorithm"], "RSA")


async def _default_keysize(realm: Env, provider: str) -> None:
    """No keySize gives a 2048-bit key; the config keeps only the priority."""
    priority = realm.clock.now_ms()
    assert priority > 2**31
    component_id = await created_id(realm, await rep(realm, "valid", provider, {"priority": str(priority)}))
    created = await component(realm, component_id)
    assert created["config"] == {"priority": [str(priority)]}
    keys = await metadata(realm)
    key = keys["keys"][0]
    assert (key["providerId"], key["type"], key["providerPriority"], key["use"]) == (
        component_id,
        "RSA",
        priority,
        USE[provider],
    )
    assert _modulus_bits(key) == 2048
    algorithm = "RS256" if provider == PROVIDER else "RSA-OAEP"
    assert key["algorithm"] == algorithm and keys["active"][algorithm] == key["kid"]
    await _in_use(realm, provider, key)


async def _large_keysize(realm: Env, provider: str) -> None:
    """keySize 4096 is kept in the config and gives a 4096-bit key."""
    priority = realm.clock.now_ms()
    body = await rep(realm, "valid", provider, {"priority": str(priority), "keySize": "4096"})
    component_id = await created_id(realm, body)
    created = await component(realm, component_id)
    assert len(created["config"]) == 2 and created["config"]["keySize"] == ["4096"]
    key = (await metadata(realm))["keys"][0]
    assert (key["providerId"], key["type"], key["providerPriority"], key["use"]) == (
        component_id,
        "RSA",
        priority,
        USE[provider],
    )
    assert _modulus_bits(key) == 4096
    await _in_use(realm, provider, key)


async def _update_priority(realm: Env, provider: str) -> None:
    """A new priority keeps the key."""
    priority = realm.clock.now_ms()
    component_id = await created_id(realm, await rep(realm, "valid", provider, {"priority": str(priority)}))
    before = (await metadata(realm))["keys"][0]
    created = await component(realm, component_id)
    created["config"]["priority"] = [str(priority + 1000)]
    await update(realm, component_id, created)
    after = (await metadata(realm))["keys"][0]
    assert after["publicKey"] == before["publicKey"] and after["use"] == USE[provider]
    assert (after["providerId"], after["providerPriority"]) == (component_id, priority + 1000)


async def _update_keysize(realm: Env, provider: str) -> None:
    """A new key size generates a new key of that size; it is the realm's key of its use from then on."""
    priority = realm.clock.now_ms()
    component_id = await created_id(realm, await rep(realm, "valid", provider, {"priority": str(priority)}))
    before = (await metadata(realm))["keys"][0]
    signed_before = await access_token(realm)
    created = await component(realm, component_id)
    created["config"]["keySize"] = ["4096"]
    await update(realm, component_id, created)
    after = (await metadata(realm))["keys"][0]
    assert after["publicKey"] != before["publicKey"]
    assert (_modulus_bits(before), _modulus_bits(after)) == (2048, 4096)
    assert after["use"] == USE[provider] and after["providerId"] == component_id
    if provider == PROVIDER:
        assert header(signed_before)["kid"] == before["kid"]
    await _in_use(realm, provider, after)


async def _invalid_keysize(realm: Env, provider: str) -> None:
    """ComponentValidationException with the supported sizes joined by "or"."""
    response = await add(realm, await rep(realm, "invalid", provider, {"keySize": "1234"}))
    assert_error(response, "'Key size' should be 1024, 2048, 3072 or 4096")
    listed = await realm.http.get("/admin/realms/test/components", headers=await realm.admin_headers())
    assert "invalid" not in {c["name"] for c in listed.json()}


async def test_default_keysize_for_sig(realm: Env) -> None:
    """``defaultKeysizeForSig``."""
    await _default_keysize(realm, PROVIDER)


async def test_default_keysize_for_enc(realm: Env) -> None:
    """``defaultKeysizeForEnc``."""
    await _default_keysize(realm, ENC_PROVIDER)


async def test_large_keysize_for_sig(realm: Env) -> None:
    """``largeKeysizeForSig``."""
    await _large_keysize(realm, PROVIDER)


async def test_large_keysize_for_enc(realm: Env) -> None:
    """``largeKeysizeForEnc``."""
    await _large_keysize(realm, ENC_PROVIDER)


async def test_update_priority_for_sig(realm: Env) -> None:
    """``updatePriorityForSig``."""
    await _update_priority(realm, PROVIDER)


async def test_update_priority_for_enc(realm: Env) -> None:
    """``updatePriorityForEnc``."""
    await _update_priority(realm, ENC_PROVIDER)


async def test_update_keysize_for_sig(realm: Env) -> None:
    """``updateKeysizeForSig``."""
    await _update_keysize(realm, PROVIDER)


async def test_update_keysize_for_enc(realm: Env) -> None:
    """``updateKeysizeForEnc``."""
    await _update_keysize(realm, ENC_PROVIDER)


async def test_invalid_keysize_for_sig(realm: Env) -> None:
    """``invalidKeysizeForSig``."""
    await _invalid_keysize(realm, PROVIDER)


async def test_invalid_keysize_for_enc(realm: Env) -> None:
    """``invalidKeysizeForEnc``."""
    await _invalid_keysize(realm, ENC_PROVIDER)


async def test_the_enc_algorithm_is_kept_and_the_default_is_rsa_oaep(realm: Env) -> None:
    """``rsa-enc-generated``'s ``algorithm`` (RSA1_5, RSA-OAEP, RSA-OAEP-256) names the key's algorithm."""
    body = await rep(
        realm, "oaep256", ENC_PROVIDER, {"priority": str(realm.clock.now_ms()), "algorithm": "RSA-OAEP-256"}
    )
    component_id = await created_id(realm, body)
    key = (await metadata(realm))["keys"][0]
    assert (key["providerId"], key["algorithm"], key["use"]) == (component_id, "RSA-OAEP-256", "ENC")
    await _in_use(realm, ENC_PROVIDER, key)
