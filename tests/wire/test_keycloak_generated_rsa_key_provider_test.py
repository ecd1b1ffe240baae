"""Wire port of Keycloak's ``org.keycloak.tests.keys.GeneratedRsaKeyProviderTest`` (tests/base/src/test/java/org/
keycloak/tests/keys/): an ``rsa-generated`` key provider created through ``/components`` with a priority of
``System.currentTimeMillis()`` (a long beyond an int's range, answered unchanged as ``providerPriority``), its
default and chosen key size, an update of its priority (the same key) and of its key size (a new key), and the
400 of a key size the crypto provider does not offer (``'Key size' should be 1024, 2048, 3072 or 4096``).

Beyond the Java assertions, each test that creates a provider checks that the new key, of the highest
priority, signs the next access token at once.

Not ported, with the reason:

* ``defaultKeysizeForEnc``, ``largeKeysizeForEnc``, ``updatePriorityForEnc``, ``updateKeysizeForEnc``,
  ``invalidKeysizeForEnc``: the same scenarios on ``rsa-enc-generated``, an encryption key (``use`` ENC,
  RSA-OAEP). Doorkeep encrypts no tokens and decrypts no JWE, so it keeps no encryption keys; creating that
  provider answers 400 (``test_an_encryption_key_provider_is_refused``).
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


def _modulus_bits(key: dict[str, Any]) -> int:
    decoded = public_key(key["publicKey"])
    assert isinstance(decoded, rsa.RSAPublicKey)
    return decoded.key_size


async def test_default_keysize_for_sig(realm: Env) -> None:
    """``defaultKeysizeForSig``: no keySize gives a 2048-bit key; the config keeps only the priority."""
    priority = realm.clock.now_ms()
    assert priority > 2**31
    component_id = await created_id(realm, await rep(realm, "valid", PROVIDER, {"priority": str(priority)}))
    created = await component(realm, component_id)
    assert created["config"] == {"priority": [str(priority)]}
    keys = await metadata(realm)
    key = keys["keys"][0]
    assert (key["providerId"], key["type"], key["providerPriority"], key["use"]) == (
        component_id,
        "RSA",
        priority,
        "SIG",
    )
    assert _modulus_bits(key) == 2048
    assert header(await access_token(realm))["kid"] == key["kid"] == keys["active"]["RS256"]


async def test_large_keysize_for_sig(realm: Env) -> None:
    """``largeKeysizeForSig``: keySize 4096 is kept in the config and gives a 4096-bit key."""
    priority = realm.clock.now_ms()
    body = await rep(realm, "valid", PROVIDER, {"priority": str(priority), "keySize": "4096"})
    component_id = await created_id(realm, body)
    created = await component(realm, component_id)
    assert len(created["config"]) == 2 and created["config"]["keySize"] == ["4096"]
    key = (await metadata(realm))["keys"][0]
    assert (key["providerId"], key["type"], key["providerPriority"], key["use"]) == (
        component_id,
        "RSA",
        priority,
        "SIG",
    )
    assert _modulus_bits(key) == 4096
    assert header(await access_token(realm))["kid"] == key["kid"]


async def test_update_priority_for_sig(realm: Env) -> None:
    """``updatePriorityForSig``: a new priority keeps the key."""
    priority = realm.clock.now_ms()
    component_id = await created_id(realm, await rep(realm, "valid", PROVIDER, {"priority": str(priority)}))
    before = (await metadata(realm))["keys"][0]
    created = await component(realm, component_id)
    created["config"]["priority"] = [str(priority + 1000)]
    await update(realm, component_id, created)
    after = (await metadata(realm))["keys"][0]
    assert after["publicKey"] == before["publicKey"] and after["use"] == "SIG"
    assert (after["providerId"], after["providerPriority"]) == (component_id, priority + 1000)


async def test_update_keysize_for_sig(realm: Env) -> None:
    """``updateKeysizeForSig``: a new key size generates a new key of that size; it signs from then on."""
    priority = realm.clock.now_ms()
    component_id = await created_id(realm, await rep(realm, "valid", PROVIDER, {"priority": str(priority)}))
    before = (await metadata(realm))["keys"][0]
    signed_before = await access_token(realm)
    created = await component(realm, component_id)
    created["config"]["keySize"] = ["4096"]
    await update(realm, component_id, created)
    after = (await metadata(realm))["keys"][0]
    assert after["publicKey"] != before["publicKey"]
    assert (_modulus_bits(before), _modulus_bits(after)) == (2048, 4096)
    assert after["use"] == "SIG" and after["providerId"] == component_id
    assert header(signed_before)["kid"] == before["kid"]
    assert header(await access_token(realm))["kid"] == after["kid"] != before["kid"]


async def test_invalid_keysize_for_sig(realm: Env) -> None:
    """``invalidKeysizeForSig``: ComponentValidationException with the supported sizes joined by "or"."""
    response = await add(realm, await rep(realm, "invalid", PROVIDER, {"keySize": "1234"}))
    assert_error(response, "'Key size' should be 1024, 2048, 3072 or 4096")
    listed = await realm.http.get("/admin/realms/test/components", headers=await realm.admin_headers())
    assert "invalid" not in {c["name"] for c in listed.json()}


async def test_an_encryption_key_provider_is_refused(realm: Env) -> None:
    """The ``*ForEnc`` variants' provider: Doorkeep keeps no encryption keys, and says so with a 400."""
    response = await add(realm, await rep(realm, "valid", "rsa-enc-generated", {"priority": "1"}))
    assert_error(response, "Doorkeep does not support the key provider 'rsa-enc-generated'")
