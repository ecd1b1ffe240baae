"""``POST /admin/realms`` and ``PUT /admin/realms/{realm}`` with ``clientProfiles`` / ``clientPolicies`` that Keycloak's
Jackson cannot convert (Keycloak 13's preview format, as migration-realm-13.0.1-client-policies.json has it): Keycloak's
RealmRepresentation.getParsedClientProfiles / getParsedClientPolicies answer null for them, so a new realm gets the
default policies and an update keeps the stored ones; the file import skips them the same way
(tests/contract/test_kc_export_shapes_legacy.py). Policies in today's format are still validated (400)."""

from __future__ import annotations

from typing import Any

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio

PREVIEW_PROFILES = {
    "profiles": [
        {
            "name": "fapi-profile",
            "builtin": False,
            "executors": [{"secure-responsetype-executor": {}}, {"secure-reqobj-executor": {}}],
        }
    ]
}
PREVIEW_POLICIES = {
    "policies": [
        {"name": "builtin-default-policy", "builtin": True, "enable": False},
        {"name": "fapi-policy", "builtin": False, "enable": True, "profiles": ["fapi-profile"]},
    ]
}
TODAY_PROFILES = {"profiles": [{"name": "p", "executors": [{"executor": "pkce-enforcer", "configuration": {}}]}]}
TODAY_POLICIES = {
    "policies": [
        {
            "name": "q",
            "enabled": True,
            "conditions": [{"condition": "any-client", "configuration": {}}],
            "profiles": ["p"],
        }
    ]
}


async def _policies(env: Env, headers: dict[str, str], realm: str) -> tuple[Any, Any]:
    base = f"/admin/realms/{realm}/client-policies"
    profiles = (await env.http.get(f"{base}/profiles", headers=headers)).json()
    policies = (await env.http.get(f"{base}/policies", headers=headers)).json()
    return profiles, policies


async def test_a_new_realm_ignores_unreadable_policies_and_an_update_keeps_the_stored_ones(env: Env) -> None:
    headers = await env.admin_headers()
    body = {"realm": "kc13", "enabled": True, "clientProfiles": PREVIEW_PROFILES, "clientPolicies": PREVIEW_POLICIES}
    created = await env.http.post("/admin/realms", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert await _policies(env, headers, "kc13") == ({"profiles": []}, {"policies": []})

    today = {"clientProfiles": TODAY_PROFILES, "clientPolicies": TODAY_POLICIES}
    assert (await env.http.put("/admin/realms/kc13", json=today, headers=headers)).status_code == 204
    preview = {"clientProfiles": PREVIEW_PROFILES, "clientPolicies": PREVIEW_POLICIES, "displayName": "Thirteen"}
    updated = await env.http.put("/admin/realms/kc13", json=preview, headers=headers)
    assert updated.status_code == 204, updated.text
    profiles, policies = await _policies(env, headers, "kc13")
    assert [p["name"] for p in profiles["profiles"]] == ["p"], profiles
    assert [p["name"] for p in policies["policies"]] == ["q"], policies
    realm = (await env.http.get("/admin/realms/kc13", headers=headers)).json()
    assert realm["displayName"] == "Thirteen"


async def test_policies_in_todays_format_are_still_checked(env: Env) -> None:
    headers = await env.admin_headers()
    wrong = {"profiles": [{"name": "p", "executors": [{"executor": "no-such-executor", "configuration": {}}]}]}
    body = {"realm": "kc-bad", "enabled": True, "clientProfiles": wrong}
    refused = await env.http.post("/admin/realms", json=body, headers=headers)
    assert refused.status_code == 400, refused.text
    assert "no-such-executor" in refused.text or "executor" in refused.text
    assert (await env.http.get("/admin/realms/kc-bad", headers=headers)).status_code == 404
