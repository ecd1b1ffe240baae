"""Wire port of Keycloak's ``org.keycloak.tests.keys.FallbackKeyProviderTest`` (tests/base/src/test/java/org/
keycloak/tests/keys/): a realm whose key providers were all deleted gets ``fallback-{alg}`` providers on first
need (DefaultKeyManager.getActiveKey, the factories' createFallbackKeys): a browser login and its code exchange
need RS256 (the tokens), AES (KC_RESTART) and HS512 (the refresh token); and a realm that signs with each other
algorithm in turn gets one fallback provider per algorithm, next to its four defaults (an RS256 key does not
sign RS384 or PS256: DefaultKeyManager.matches wants the key's own algorithm).

Beyond the Java assertions, the fallback providers' priority is -100 and each token's ``kid`` is its algorithm's
fallback key. Every Java @Test is ported.
"""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import REDIRECT, exchange, login
from key_provider_port import REALM, metadata, realm_id
from support import header, seed_client, seed_realm, seed_user, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

KEY_PROVIDER = "org.keycloak.keys.KeyProvider"


@pytest.fixture
async def basic(env: Env) -> Env:
    """BasicRealmWithUserConfig: realm ``test``, its user, a confidential client for the browser login."""
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=(REDIRECT,))
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def providers(env: Env) -> list[dict[str, Any]]:
    """``components().query(realmId, KeyProvider)``."""
    params = {"parent": await realm_id(env), "type": KEY_PROVIDER}
    response = await env.http.get(f"{REALM}/components", params=params, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    listed: list[dict[str, Any]] = response.json()
    return listed


async def test_fallback_after_deleting_all_keys_in_realm(basic: Env) -> None:
    """``fallbackAfterDeletingAllKeysInRealm``."""
    listed = await providers(basic)
    assert len(listed) == 4
    for provider in listed:
        gone = await basic.http.delete(f"{REALM}/components/{provider['id']}", headers=await basic.admin_headers())
        assert gone.status_code == 204, gone.text
    assert await providers(basic) == []
    code = await login(basic.http, "test", "app")
    response = await exchange(basic.http, "test", "app", code["code"])
    assert response.status_code == 200, response.text
    made = await providers(basic)
    assert sorted(p["name"] for p in made) == ["fallback-AES", "fallback-HS512", "fallback-RS256"]
    assert {p["config"]["priority"][0] for p in made} == {"-100"}
    active = (await metadata(basic))["active"]
    assert header(response.json()["access_token"])["kid"] == active["RS256"]
    assert header(response.json()["refresh_token"])["kid"] == active["HS512"]
    assert "AES" in active


async def test_different_algorithms(basic: Env) -> None:
    """``differentAlgorithms``: the realm's default signature algorithm set to each in turn, a client credentials
    grant each time."""
    algorithms = ["RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
    await seed_client(basic.db, "test", "robot", service_accounts=True)
    await login(basic.http, "test", "app")
    headers = await basic.admin_headers()
    for algorithm in algorithms:
        changed = await basic.http.put(REALM, json={"defaultSignatureAlgorithm": algorithm}, headers=headers)
        assert changed.status_code == 204, changed.text
        response = await basic.http.post(
            token_url("test"),
            data={"grant_type": "client_credentials", "client_id": "robot", "client_secret": "secret"},
        )
        assert response.status_code == 200, response.text
        assert header(response.json()["access_token"])["alg"] == algorithm
        assert header(response.json()["access_token"])["kid"] == (await metadata(basic))["active"][algorithm]
    expected = ["rsa-generated", "rsa-enc-generated", "hmac-generated-hs512", "aes-generated"]
    expected += [f"fallback-{a}" for a in algorithms]
    assert sorted(p["name"] for p in await providers(basic)) == sorted(expected)
