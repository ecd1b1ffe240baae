"""Admin REST ``client-policies/profiles`` and ``client-policies/policies`` (Keycloak's ClientProfilesResource,
ClientPoliciesResource, ClientPoliciesUtil's validation): reads and writes, the built-in global profiles,
Keycloak's 400 messages, permissions (view-realm reads, manage-realm writes), no admin event, and the realm's
representation and export carrying ``clientProfiles`` / ``clientPolicies``. One realm for the module."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import group_port
from admin_support import forbidden, realm_admin
from group_port import fresh_realm
from keycloak_port import ADMIN, admin_headers, get, import_realm, put
from role_port import call, clear_events, poll_events
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env

REALM = {"realm": "test", "enabled": True, "adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
DEFAULT_PROFILES = Path(__file__).parents[2] / "src/doorkeep/clientpolicies/keycloak-default-client-profiles.json"
PKCE_PROFILE = {
    "name": "pkce",
    "description": "S256 PKCE",
    "executors": [{"executor": "pkce-enforcer", "configuration": {"auto-configure": True}}],
}
POLICY = {
    "name": "all-clients",
    "description": "every client",
    "enabled": True,
    "conditions": [{"condition": "any-client", "configuration": {}}],
    "profiles": ["pkce"],
}


@pytest.fixture(scope="module")
async def env(shared_env: Env) -> Env:
    await fresh_realm(shared_env, REALM)
    return shared_env


@pytest.fixture(autouse=True)
async def empty(env: Env) -> None:
    """Each test starts from a realm with no profiles and no policies, and no admin events."""
    await put(env, "/client-policies/policies", {"policies": []})
    await put(env, "/client-policies/profiles", {"profiles": []})
    await clear_events(env)


async def refused(env: Env, kind: str, body: Any, message: str) -> None:
    response = await call(env, "PUT", f"/client-policies/{kind}", body)
    assert response.status_code == 400, response.text
    assert response.json() == {"errorMessage": message}


async def test_empty_realm_has_no_profiles_nor_policies(env: Env) -> None:
    assert await get(env, "/client-policies/profiles") == {"profiles": []}
    assert await get(env, "/client-policies/policies") == {"policies": []}


async def test_global_profiles_are_keycloaks_default_client_profiles(env: Env) -> None:
    listed = await get(env, "/client-policies/profiles", **{"include-global-profiles": "true"})
    expected = json.loads(DEFAULT_PROFILES.read_text())["profiles"]
    assert listed == {"profiles": [], "globalProfiles": expected}
    names = [p["name"] for p in listed["globalProfiles"]]
    assert names[:3] == ["fapi-1-baseline", "fapi-1-advanced", "fapi-ciba"]
    assert "oauth-2-1-for-public-client" in names
    policies = await get(env, "/client-policies/policies", **{"include-global-policies": "true"})
    assert policies == {"policies": [], "globalPolicies": []}  # the default security profile has none


async def test_profiles_and_policies_are_stored_and_read_back(env: Env) -> None:
    await put(env, "/client-policies/profiles", {"profiles": [PKCE_PROFILE]})
    await put(env, "/client-policies/policies", {"policies": [POLICY]})
    assert await get(env, "/client-policies/profiles") == {"profiles": [PKCE_PROFILE]}
    assert await get(env, "/client-policies/policies") == {"policies": [POLICY]}
    # Keycloak records no admin event for either resource
    assert await poll_events(env) == []


async def test_a_policy_defaults_to_disabled_with_empty_lists(env: Env) -> None:
    await put(env, "/client-policies/policies", {"policies": [{"name": "bare"}]})
    stored = await get(env, "/client-policies/policies")
    assert stored == {"policies": [{"name": "bare", "enabled": False, "conditions": [], "profiles": []}]}


async def test_a_policy_may_name_a_global_profile_doorkeep_enforces_whole(env: Env) -> None:
    # oauth-2-1-for-public-client (secure-redirect-uris-enforcer, PKCE, DPoP...), fapi-1-baseline and fapi-ciba:
    # every executor is one Doorkeep runs
    profiles = ["oauth-2-1-for-public-client", "fapi-1-baseline", "fapi-ciba"]
    body = {"policies": [{**POLICY, "profiles": profiles}]}
    assert (await call(env, "PUT", "/client-policies/policies", body)).status_code == 204
    # fapi-ciba: its CIBA executors run too (oauth/ciba/)
    body = {"policies": [{**POLICY, "profiles": ["fapi-ciba", "fapi-2-dpop-message-signing"]}]}
    assert (await call(env, "PUT", "/client-policies/policies", body)).status_code == 204
    # saml-security-profile: Doorkeep has no SAML, so its executors are not run
    body = {"policies": [{**POLICY, "profiles": ["saml-security-profile"]}]}
    await refused(env, "policies", body, "Policy all-clients contains invalid profile saml-security-profile")


async def test_profile_validation_messages(env: Env) -> None:
    await refused(env, "profiles", {"profiles": [{"description": "x"}]}, "client profile without its name not allowed.")
    await refused(env, "profiles", {"profiles": [{"name": ""}]}, "client profile without its name not allowed.")
    twice = {"profiles": [PKCE_PROFILE, PKCE_PROFILE]}
    await refused(env, "profiles", twice, "proposed client profile name duplicated.")
    clash = {"profiles": [{"name": "fapi-1-baseline"}]}
    await refused(env, "profiles", clash, "Proposed profile name 'fapi-1-baseline' is duplicated as a global profile")
    bad_executor = (
        "proposed client profile contains the executor, which does not have valid provider, or has invalid "
        "configuration."
    )
    unknown = {"profiles": [{"name": "p", "executors": [{"executor": "no-such-executor", "configuration": {}}]}]}
    await refused(env, "profiles", unknown, bad_executor)
    # an executor Doorkeep does not run (SAML's): refused as Keycloak refuses an executor it has no provider for
    saml = {"profiles": [{"name": "p", "executors": [{"executor": "saml-avoid-redirect", "configuration": {}}]}]}
    await refused(env, "profiles", saml, bad_executor)
    # Jackson cannot bind secure-request-object's Integer available-period to a word
    period = {"available-period": "soon"}
    sro = {"profiles": [{"name": "p", "executors": [{"executor": "secure-request-object", "configuration": period}]}]}
    await refused(env, "profiles", sro, bad_executor)
    # SecureClientAuthenticatorExecutor's validateConfig: the default must be one of the allowed
    config = {"allowed-client-authenticators": ["client-jwt"], "default-client-authenticator": "client-secret"}
    sca = {
        "profiles": [{"name": "p", "executors": [{"executor": "secure-client-authenticator", "configuration": config}]}]
    }
    await refused(env, "profiles", sca, bad_executor)
    changed = {"profiles": [], "globalProfiles": [{"name": "fapi-1-baseline", "executors": []}]}
    await refused(env, "profiles", changed, "Global profiles cannot be updated")
    # the global profiles sent back unchanged (as the Admin Console does) are accepted and not stored
    listed = await get(env, "/client-policies/profiles", **{"include-global-profiles": "true"})
    await put(env, "/client-policies/profiles", {**listed, "profiles": [PKCE_PROFILE]})
    assert await get(env, "/client-policies/profiles") == {"profiles": [PKCE_PROFILE]}


async def test_policy_validation_messages(env: Env) -> None:
    await put(env, "/client-policies/profiles", {"profiles": [PKCE_PROFILE]})
    await refused(env, "policies", {"policies": [POLICY, POLICY]}, "proposed client policy name duplicated")
    await refused(env, "policies", {"policies": [{"enabled": True}]}, "client policy without name not allowed")
    unknown_condition = {**POLICY, "conditions": [{"condition": "no-such-condition", "configuration": {}}]}
    message = "Policy all-clients contains invalid condition no-such-condition"
    await refused(env, "policies", {"policies": [unknown_condition]}, message)
    twice = {**POLICY, "profiles": ["pkce", "pkce"]}
    await refused(env, "policies", {"policies": [twice]}, "Policy all-clients contains duplicated profiles")
    missing = {**POLICY, "profiles": ["no-such-profile"]}
    message = "Policy all-clients contains invalid profile no-such-profile"
    await refused(env, "policies", {"policies": [missing]}, message)
    changed = {"policies": [], "globalPolicies": [POLICY]}
    await refused(env, "policies", changed, "Global policies cannot be updated")


async def test_view_realm_reads_and_manage_realm_writes(env: Env) -> None:
    viewer = await realm_admin(env, "cp-viewer", "view-realm")
    for kind in ("profiles", "policies"):
        url = f"{ADMIN}/client-policies/{kind}"
        read = await env.http.get(url, headers=viewer)
        assert read.status_code == 200, read.text
        forbidden(await env.http.put(url, json={kind: []}, headers=viewer))
    manager = await realm_admin(env, "cp-manager", "manage-realm")
    written = await env.http.put(f"{ADMIN}/client-policies/profiles", json={"profiles": []}, headers=manager)
    assert written.status_code == 204, written.text
    nobody = await realm_admin(env, "cp-nobody", "view-users")
    forbidden(await env.http.get(f"{ADMIN}/client-policies/profiles", headers=nobody))


async def test_other_client_policies_paths_are_not_found(env: Env) -> None:
    """RealmAdminResource serves ``client-policies/profiles`` and ``client-policies/policies`` only."""
    for path in ("/client-policies", "/client-policies/executors"):
        response = await call(env, "GET", path)
        assert response.status_code == 404, (path, response.text)


async def test_realm_representation_and_import_carry_them(env: Env) -> None:
    await put(env, "/client-policies/profiles", {"profiles": [PKCE_PROFILE]})
    await put(env, "/client-policies/policies", {"policies": [POLICY]})
    realm = await get(env, "")
    assert realm["clientProfiles"] == {"profiles": [PKCE_PROFILE]}
    assert realm["clientPolicies"] == {"policies": [POLICY]}
    assert not any(k.startswith("client-policies.") for k in realm["attributes"])
    # a realm update leaves them as they are unless it carries them
    await put(env, "", {"displayName": "Test"})
    assert (await get(env, ""))["clientPolicies"] == {"policies": [POLICY]}
    bad = await call(env, "PUT", "", {"clientPolicies": {"policies": [{**POLICY, "profiles": ["nope"]}]}})
    assert bad.status_code == 400, bad.text
    assert bad.json() == {"errorMessage": "Policy all-clients contains invalid profile nope"}
    # an import of the representation (as an export writes it) brings them along
    copy = {**realm, "id": "copy-id", "realm": "cp-copy"}
    copy.pop("defaultRole", None)
    await import_realm(env, copy)
    headers = await admin_headers(env)
    imported = await env.http.get("/admin/realms/cp-copy/client-policies/policies", headers=headers)
    assert imported.json() == {"policies": [POLICY]}
    refused_import = await env.http.post(
        "/admin/realms",
        json={"realm": "cp-bad", "clientProfiles": {"profiles": [{"name": "fapi-1-advanced"}]}},
        headers=headers,
    )
    assert refused_import.status_code == 400, refused_import.text
    assert refused_import.json() == {
        "errorMessage": "Proposed profile name 'fapi-1-advanced' is duplicated as a global profile"
    }
    assert (await env.http.delete("/admin/realms/cp-copy", headers=headers)).status_code == 204
