"""Keycloak's AutomaticKeyRotationTest (tests/base/.../tests/keys/AutomaticKeyRotationTest.java @04a0f277), as far
as it applies to the key providers Doorkeep serves.

The class tests AutomaticKeyRotationTask, the scheduled rotation of keycloak#11693 (pull request #45091): new
provider settings (``autoRotationEnabled``, ``rotationPeriod``, ``passiveKeyExpiration``, ``lastRotationTime``,
``autoDeleteDisabledKeys``, ``deletionGracePeriod``, ``disabledTime``), a task that replaces a provider whose period
is over with a new ``<provider>-<timestamp>`` one and makes the old one passive, disables passive keys after their
expiration (never before the realm's longest session and token lifetimes) and deletes disabled ones. No released
Keycloak has it (the issue and the pull request are open; the class is on Keycloak's main branch only), and Doorkeep's
key providers are those of Keycloak 26: none of its methods that run the task is ported. What holds for Doorkeep's
providers:

* testRotationDisabledByDefault / testAutomaticKeyRotationConfiguration: a provider created with the new settings is
  an ordinary ``rsa-generated`` provider. Its representation shows the provider's declared properties only (as
  ComponentResource shows every component), so none of the settings; it takes over RS256 by its priority, and
  nothing rotates it, however long the clock runs (testKeyRotationNotDueYet's "no ``rsa-generated-<n>``").
* testPassiveKeyRetentionRespectsSessionTimeouts / testPassiveRetentionDerivedFromSessionTimeouts: what the task's
  retention floor protects, an offline session's tokens signed by a key since made passive, holds without it:
  Doorkeep never disables a passive key by itself, so the offline token signed by the passive HMAC key refreshes up to
  the offline session's idle timeout (30 days), and its successor is signed by the new active key.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from key_provider_port import REALM, add, component, created_id, metadata, rep, update
from support import header, refresh
from token_exchange_realm import import_realm, subject
from wire_env import Env

pytestmark = pytest.mark.anyio

DAY = 24 * 60 * 60
ROTATION_SETTINGS = {  # createKeyProviderWithAutoRotation's config beyond priority, active and enabled
    "autoRotationEnabled": "true",
    "rotationPeriod": "7776000",
    "passiveKeyExpiration": "2592000",
    "lastRotationTime": "1700000000000",
}


async def _providers(env: Env) -> list[dict[str, Any]]:
    params = {"type": "org.keycloak.keys.KeyProvider"}
    listed = await env.http.get(f"{REALM}/components", params=params, headers=await env.admin_headers())
    assert listed.status_code == 200, listed.text
    found: list[dict[str, Any]] = listed.json()
    return found


async def test_a_provider_with_rotation_settings_is_an_ordinary_one(env: Env) -> None:
    """testRotationDisabledByDefault and testAutomaticKeyRotationConfiguration on Keycloak 26's providers: the
    settings are no properties of ``rsa-generated``, so the representation shows none; the provider's key is RS256's
    active one at once (priority 200), and 91 days later it still is, the provider still active, no replacement made."""
    await import_realm(env)
    config = {"priority": "200", "active": "true", "enabled": "true", **ROTATION_SETTINGS}
    provider_id = await created_id(env, await rep(env, "test-auto-rotation-1", "rsa-generated", config))
    shown = (await component(env, provider_id))["config"]
    assert not set(ROTATION_SETTINGS) & set(shown), shown
    assert shown["priority"] == ["200"] and shown["active"] == ["true"]
    keys = await metadata(env)
    (own,) = [k for k in keys["keys"] if k["providerId"] == provider_id]
    assert keys["active"]["RS256"] == own["kid"] and own["status"] == "ACTIVE"
    names = sorted(p["name"] for p in await _providers(env))

    env.clock.advance(91 * DAY)
    keys = await metadata(env)
    assert keys["active"]["RS256"] == own["kid"]
    assert sorted(p["name"] for p in await _providers(env)) == names
    assert not [n for n in names if re.fullmatch(r"(rsa|hmac|ecdsa|ecdh)-generated-\d+", n)]
    assert (await component(env, provider_id))["config"]["active"] == ["true"]


async def _make_passive(env: Env, kid: str) -> str:
    """The provider of ``kid`` set ``active`` false; its component id."""
    (key,) = [k for k in (await metadata(env))["keys"] if k["kid"] == kid]
    body = await component(env, key["providerId"])
    body["config"]["active"] = ["false"]
    await update(env, key["providerId"], body)
    return str(key["providerId"])


async def test_a_passive_key_keeps_an_offline_session_going(env: Env) -> None:
    """testPassiveKeyRetentionRespectsSessionTimeouts' concern on Doorkeep: john's offline token (HS512, the
    realm's HMAC key), then a new ``hmac-generated`` and ``rsa-generated`` provider and the old two made passive.
    29 days on, the offline token still refreshes; its successor and the new access token carry the new keys' kids,
    the old keys are still listed as PASSIVE, and the successor refreshes 29 days later again."""
    await import_realm(env)
    offline = await subject(env, scope="offline_access")
    old_hmac = header(offline["refresh_token"])["kid"]
    old_rsa = header(offline["access_token"])["kid"]
    for name, provider in (("new-hmac", "hmac-generated"), ("new-rsa", "rsa-generated")):
        config = {"priority": "200"} | ({"algorithm": "HS512"} if provider == "hmac-generated" else {})
        assert (await add(env, await rep(env, name, provider, config))).status_code == 201
    passive = {await _make_passive(env, old_hmac), await _make_passive(env, old_rsa)}
    active = (await metadata(env))["active"]
    assert active["HS512"] != old_hmac and active["RS256"] != old_rsa

    env.clock.advance(29 * DAY)
    refreshed = await refresh(env.http, "test", "subject-client", offline["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    body = refreshed.json()
    assert header(body["refresh_token"])["kid"] == active["HS512"]
    assert header(body["access_token"])["kid"] == active["RS256"]
    statuses = {k["providerId"]: k["status"] for k in (await metadata(env))["keys"]}
    assert {statuses[p] for p in passive} == {"PASSIVE"}

    env.clock.advance(29 * DAY)
    again = await refresh(env.http, "test", "subject-client", body["refresh_token"])
    assert again.status_code == 200, again.text


@pytest.mark.parametrize("retire", ["disabled", "removed"])
async def test_an_offline_token_of_a_retired_key_is_refused(env: Env, retire: str) -> None:
    """What the task's expiration and deletion do to a passive key, done by hand as Keycloak 26 lets an admin: its
    HMAC provider disabled (``enabled`` false: its key no longer verifies, DefaultKeyManager lists only enabled keys
    for verification) or removed. The offline token it signed is refused as a token whose signature cannot be
    checked (TokenManager.verifyRefreshToken: "Invalid refresh token"); a new login signs with the new key."""
    await import_realm(env)
    offline = await subject(env, scope="offline_access")
    old_hmac = header(offline["refresh_token"])["kid"]
    config = {"priority": "200", "algorithm": "HS512"}
    assert (await add(env, await rep(env, "new-hmac", "hmac-generated", config))).status_code == 201
    provider = await _make_passive(env, old_hmac)
    if retire == "disabled":
        body = await component(env, provider)
        body["config"]["enabled"] = ["false"]
        await update(env, provider, body)
    else:
        removed = await env.http.delete(f"{REALM}/components/{provider}", headers=await env.admin_headers())
        assert removed.status_code == 204, removed.text
    refused = await refresh(env.http, "test", "subject-client", offline["refresh_token"])
    assert refused.status_code == 400, refused.text
    assert refused.json() == {"error": "invalid_grant", "error_description": "Invalid refresh token"}
    fresh = await subject(env, scope="offline_access")
    assert header(fresh["refresh_token"])["kid"] == (await metadata(env))["active"]["HS512"]
    assert (await refresh(env.http, "test", "subject-client", fresh["refresh_token"])).status_code == 200
