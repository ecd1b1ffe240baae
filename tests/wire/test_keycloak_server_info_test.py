"""Keycloak's ServerInfoTest (tests/base/.../tests/admin/ServerInfoTest.java), its one method ported to one test:
``GET /admin/serverinfo`` as master's admin (ServerInfoAdminResource.getInfo).

Who sees which part is ServerInfoPermissionsTest's (test_keycloak_server_info_permissions_test.py). What the Java
method asserts and Doorkeep answers differently, on purpose:

* ``providers`` lists the SPIs Doorkeep has (login-protocol, keys, eventsListener…), not Keycloak's ``realm``,
  ``user``, ``authenticator`` or ``connectionsJpa`` (no JPA, so no ``operationalInfo`` of it).
* ``themes``: Doorkeep has one built-in theme, ``keycloak``, for every type; not Keycloak's ``base``,
  ``keycloak.v2`` and ``keycloak.v3``.
* ``cryptoInfo``: no ``BCFKS`` keystore type (no Bouncy Castle FIPS).
* ``systemInfo.version``: the Keycloak release Doorkeep answers like (serverinfo.KEYCLOAK_VERSION), not the
  version of a server under test.
"""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.admin.serverinfo import KEYCLOAK_VERSION
from keycloak_port import admin_headers
from wire_env import Env

pytestmark = pytest.mark.anyio


def _key_size_options(info: dict[str, Any]) -> list[str]:
    (rsa,) = [t for t in info["componentTypes"]["org.keycloak.keys.KeyProvider"] if t["id"] == "rsa-generated"]
    (key_size,) = [p for p in rsa["properties"] if p["name"] == "keySize"]
    return list(key_size["options"])


async def test_server_info(env: Env) -> None:
    response = await env.http.get("/admin/serverinfo", headers=await admin_headers(env))
    assert response.status_code == 200, response.text
    info = response.json()
    assert info["providers"] and info["themes"]["account"] and info["enums"]
    assert info["memoryInfo"] is not None and info["systemInfo"] is not None

    crypto = info["cryptoInfo"]
    assert sorted(crypto["supportedKeystoreTypes"]) == ["JKS", "PKCS12"]
    assert sorted(crypto["clientSignatureSymmetricAlgorithms"]) == ["HS256", "HS384", "HS512"]
    asymmetric = ["ES256", "ES384", "ES512", "EdDSA", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512"]
    assert sorted(crypto["clientSignatureAsymmetricAlgorithms"]) == asymmetric
    assert sorted(_key_size_options(info)) == ["1024", "2048", "3072", "4096"]

    system = info["systemInfo"]
    assert system["version"] == KEYCLOAK_VERSION
    assert system.get("serverTime") is not None and system.get("uptime") is not None
    memory = info["memoryInfo"]
    assert memory["free"] == memory["total"] - memory["used"] and 0 <= memory["freePercentage"] <= 100, memory
    assert memory["totalFormated"].endswith((" MB", " kB", " B")), memory


async def test_the_eddsa_key_provider_is_offered_with_its_curves(env: Env) -> None:
    """Not a Java assertion: GeneratedEddsaKeyProviderFactory among the key providers, its help text and its
    ``eddsaEllipticCurveKey`` list (Ed25519, Ed448), which the admin console builds its form from."""
    info = (await env.http.get("/admin/serverinfo", headers=await admin_headers(env))).json()
    (eddsa,) = [t for t in info["componentTypes"]["org.keycloak.keys.KeyProvider"] if t["id"] == "eddsa-generated"]
    assert eddsa["helpText"] == "Generates EdDSA keys"
    (curve,) = [p for p in eddsa["properties"] if p["name"] == "eddsaEllipticCurveKey"]
    assert (curve["label"], curve["options"]) == ("Elliptic Curve", ["Ed25519", "Ed448"])
