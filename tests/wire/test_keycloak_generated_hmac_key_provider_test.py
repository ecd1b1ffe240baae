"""Wire port of Keycloak's ``org.keycloak.tests.keys.GeneratedHmacKeyProviderTest`` (tests/base/src/test/java/org/
keycloak/tests/keys/): an ``hmac-generated`` key provider's default secret (64 bytes,
GeneratedHmacKeyProviderFactory.DEFAULT_HMAC_KEY_SIZE) and algorithm (HS256), a chosen secret size, an update
of the size (a new secret), an update that blanks the size (Keycloak 26.4, issue #42405: the secret is kept and
its size written into the config), and the 400 of a size not offered.

The Java test reads the stored secret with ``runOnServer`` (``RunHelpers.internalComponent``); here the
component's row is read from the database the server writes (``key_provider_port.stored``). Beyond the Java
assertions, ``update_keysize`` checks that the kid the admin API shows follows the secret.
"""

from __future__ import annotations

import pytest

from key_provider_port import (
    add,
    assert_error,
    component,
    created_id,
    metadata,
    rep,
    secret_length,
    stored,
    update,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

PROVIDER = "hmac-generated"  # GeneratedHmacKeyProviderFactory.ID
DEFAULT_HMAC_KEY_SIZE = 64


async def _hs256_key(env: Env) -> dict[str, object]:
    """The first HS256 key listed (the realm's own HMAC key is HS512)."""
    return next(k for k in (await metadata(env))["keys"] if k["algorithm"] == "HS256")


async def test_default_keysize(realm: Env) -> None:
    priority = realm.clock.now_ms()
    component_id = await created_id(realm, await rep(realm, "valid", PROVIDER, {"priority": str(priority)}))
    created = await component(realm, component_id)
    assert created["config"] == {"priority": [str(priority)]}
    key = await _hs256_key(realm)
    assert (key["providerId"], key["type"], key["providerPriority"]) == (component_id, "OCT", priority)
    assert "publicKey" not in key and "certificate" not in key  # the secret is never shown
    assert secret_length(await stored(realm, component_id)) == DEFAULT_HMAC_KEY_SIZE


async def test_large_keysize(realm: Env) -> None:
    priority = realm.clock.now_ms()
    body = await rep(realm, "valid", PROVIDER, {"priority": str(priority), "secretSize": "512"})
    component_id = await created_id(realm, body)
    created = await component(realm, component_id)
    assert len(created["config"]) == 2 and created["config"]["secretSize"] == ["512"]
    key = await _hs256_key(realm)
    assert (key["providerId"], key["type"], key["providerPriority"]) == (component_id, "OCT", priority)
    assert secret_length(await stored(realm, component_id)) == 512


async def test_update_keysize(realm: Env) -> None:
    priority = realm.clock.now_ms()
    component_id = await created_id(realm, await rep(realm, "valid", PROVIDER, {"priority": str(priority)}))
    first = await stored(realm, component_id)
    assert secret_length(first) == DEFAULT_HMAC_KEY_SIZE

    created = await component(realm, component_id)
    created["config"]["secretSize"] = ["512"]
    await update(realm, component_id, created)
    resized = await stored(realm, component_id)
    assert secret_length(resized) == 512 and resized.kid != first.kid
    assert (await _hs256_key(realm))["kid"] == resized.kid

    created = await component(realm, component_id)
    created["config"]["secretSize"] = [""]  # blank: removed from the config, yet the secret stays
    await update(realm, component_id, created)
    kept = await stored(realm, component_id)
    assert kept.config["secretSize"] == ["512"]
    assert secret_length(kept) == 512 and kept.private == resized.private and kept.kid == resized.kid
    assert (await component(realm, component_id))["config"]["secretSize"] == ["512"]


async def test_invalid_keysize(realm: Env) -> None:
    response = await add(realm, await rep(realm, "invalid", PROVIDER, {"secretSize": "1234"}))
    assert_error(response, "'Secret size' should be 16, 24, 32, 64, 128, 256 or 512")
