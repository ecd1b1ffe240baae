"""The key providers ``GET /admin/serverinfo`` offers, next to the JavaKeystoreKeyProviderTest port
(test_kc_s71f_java_keystore_key_provider.py): ServerInfoAdminResource lists every KeyProviderFactory under
``componentTypes["org.keycloak.keys.KeyProvider"]`` (its id, getHelpText, its config properties) and under
``providers.keys``; Keycloak's admin console builds Realm settings → Keys → "Add provider" from that list, and an
admin client reads it to know which providers a realm may add.

Doorkeep lists each provider its components API accepts (``keys.components.PROPERTIES``), with the help text of
Keycloak's factory: GeneratedRsaKeyProviderFactory, GeneratedRsaEncKeyProviderFactory, ImportedRsaKeyProviderFactory,
ImportedRsaEncKeyProviderFactory, GeneratedEcdsaKeyProviderFactory, GeneratedEcdhKeyProviderFactory,
GeneratedEddsaKeyProviderFactory, GeneratedHmacKeyProviderFactory, GeneratedAesKeyProviderFactory. It does not list
``java-keystore`` (Keycloak does), since it refuses that provider (deliberate difference: offering a provider whose
every create fails would only mislead), nor the ML-DSA provider of Keycloak's main branch, which it does not have.
"""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.keys import components
from key_provider_port import add, rep
from keycloak_port import admin_headers
from wire_env import Env

pytestmark = pytest.mark.anyio

KEY_PROVIDER = "org.keycloak.keys.KeyProvider"
HELP_TEXTS = {
    "rsa-generated": "Generates RSA keys and creates a self-signed certificate",
    "rsa-enc-generated": "Generates RSA keys for key encryption and creates a self-signed certificate",
    "rsa": "RSA signature key provider that can optionally generated a self-signed certificate",
    "rsa-enc": "RSA for key encryption provider that can optionally generated a self-signed certificate",
    "ecdsa-generated": "Generates ECDSA keys",
    "ecdh-generated": "Generates ECDH keys",
    "eddsa-generated": "Generates EdDSA keys",
    "hmac-generated": "Generates HMAC secret key",
    "aes-generated": "Generates AES secret key",
}
GENERATED = sorted(p for p in HELP_TEXTS if p.endswith("-generated"))


async def _info(env: Env) -> dict[str, Any]:
    response = await env.http.get("/admin/serverinfo", headers=await admin_headers(env))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _offered(info: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["id"]: t for t in info["componentTypes"][KEY_PROVIDER]}


async def test_every_key_provider_the_realm_may_add_is_offered_with_its_help_text(env: Env) -> None:
    info = await _info(env)
    offered = _offered(info)
    assert {pid: t["helpText"] for pid, t in offered.items()} == HELP_TEXTS
    assert sorted(info["providers"]["keys"]["providers"]) == sorted(HELP_TEXTS)
    assert set(HELP_TEXTS) == set(components.PROPERTIES)  # what the components API accepts, no more, no less


@pytest.mark.parametrize("provider", sorted(HELP_TEXTS))
async def test_each_offered_provider_lists_its_config_properties(env: Env, provider: str) -> None:
    """ComponentTypeRepresentation.properties: the provider's ProviderConfigProperty names, in its order, each
    choice list with its options; ``privateKey`` secret."""
    offered = _offered(await _info(env))[provider]
    names = [p["name"] for p in offered["properties"]]
    assert names == [p.name for p in components.PROPERTIES[provider]]
    secret = {p["name"] for p in offered["properties"] if p["secret"]}
    assert secret == ({"privateKey"} if provider in ("rsa", "rsa-enc") else set())
    assert offered["metadata"] == {}


async def test_java_keystore_is_not_offered(env: Env) -> None:
    info = await _info(env)
    assert "java-keystore" not in _offered(info)
    assert "java-keystore" not in info["providers"]["keys"]["providers"]


@pytest.mark.parametrize("provider", GENERATED)
async def test_an_offered_generated_provider_is_added_with_no_config_but_its_priority(
    realm: Env, provider: str
) -> None:
    """What the console does with an offered provider: add it with the defaults; each is 201."""
    response = await add(realm, await rep(realm, provider, provider, {"priority": "10"}))
    assert response.status_code == 201, response.text
