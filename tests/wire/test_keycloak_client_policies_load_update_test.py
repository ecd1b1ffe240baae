"""Keycloak's ClientPoliciesLoadUpdateTest (testsuite/.../client/policies/ClientPoliciesLoadUpdateTest.java): loading
the global profiles and updating a realm's profiles and policies; a refused update leaves what was stored.

The Java test sends its JSON through AbstractClientPoliciesTest.updateProfiles / updatePolicies, which parse it
in the test client first: testNullProfiles, testNullPolicies ("argument content is null") and the "Unrecognized
field" of testInvalidFormattedJson* / testInvalidFieldTypeJson* are that client's failures. Over HTTP their
counterpart is what the server does with the same bodies: malformed JSON, or a field of the wrong type, is a
400 and nothing changes; the tests of those names assert that.

setupValidProfilesAndPolicies' second profile holds the executors Keycloak's does (secure-client-authenticator,
holder-of-key-enforcer, secure-client-uris, secure-request-object, secure-response-type, secure-session,
secure-signature-algorithm and secure-signature-algorithm-signed-jwt): Doorkeep runs each of them.
Every Java method is ported."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import client_policies_loading
import group_port
from client_policies_loading import (
    BASELINE_DESCRIPTION,
    BASELINE_EXECUTORS,
    FAPI1_BASELINE,
    JWT_ONLY,
    assert_expected_loaded_policies,
    assert_expected_loaded_profiles,
    executor_names,
    named,
    policies,
    profiles_with_globals,
    setup_valid_profiles_and_policies,
)
from client_policies_port import (
    GLOBAL_PROFILE_NAMES,
    SAMPLE_CLIENT_ROLE,
    condition,
    pkce_enforcer,
    policy,
    profile,
    revert,
    secure_client_authenticator,
)
from keycloak_port import ADMIN, admin_headers, get, put
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
env = client_policies_loading.env


@pytest.fixture(autouse=True)
async def builtin(env: Env) -> Any:
    yield
    await revert(env)


async def refused_unchanged(env: Env, kind: str, body: Any, *, raw: bool = False) -> None:
    """The PUT is a 400 and the profiles (with the globals) or policies read the same afterwards."""
    read = profiles_with_globals if kind == "profiles" else policies
    before = await read(env)
    url = f"{ADMIN}/client-policies/{kind}"
    headers = {**await admin_headers(env), "Content-Type": "application/json"}
    if raw:
        response = await env.http.put(url, content=body, headers=headers)
    else:
        response = await env.http.put(url, json=body, headers=headers)
    assert response.status_code == 400, response.text
    assert await read(env) == before


async def test_load_builtin_profiles_and_policies(env: Env) -> None:
    """testLoadBuiltinProfilesAndPolicies: the ten global profiles (fapi-1-baseline's description and executors,
    its secure-session configured with nothing), none of the realm's own, and no policy at all."""
    reps = await profiles_with_globals(env)
    assert {p["name"] for p in reps["globalProfiles"]} == set(GLOBAL_PROFILE_NAMES)
    assert reps["profiles"] == []
    baseline = named(reps["globalProfiles"], FAPI1_BASELINE)
    assert (baseline["description"], executor_names(baseline)) == (BASELINE_DESCRIPTION, BASELINE_EXECUTORS)
    assert baseline["executors"][0] == {"executor": "secure-session", "configuration": {}}
    without = await get(env, "/client-policies/profiles")
    assert without == {"profiles": []}
    assert await policies(env) == {"policies": []}


async def test_update_valid_profiles_and_policies(env: Env) -> None:
    """testUpdateValidProfilesAndPolicies: what is stored reads back; a changed description is kept, and a
    policy sent back without ``enabled`` is disabled."""
    await setup_valid_profiles_and_policies(env)
    await assert_expected_loaded_profiles(env, "The profile that can be loaded.")
    await assert_expected_loaded_policies(env, "duplicated profiles are ignored.", True)
    profiles = await get(env, "/client-policies/profiles")
    named(profiles["profiles"], "ordinal-test-profile")["description"] = "The profile has been updated."
    await put(env, "/client-policies/profiles", profiles)
    await assert_expected_loaded_profiles(env, "The profile has been updated.")
    reps = await policies(env)
    new = named(reps["policies"], "new-policy")
    new["description"] = "The policy has also been updated."
    del new["enabled"]
    await put(env, "/client-policies/policies", reps)
    await assert_expected_loaded_policies(env, "The policy has also been updated.", False)


async def test_duplicated_profiles(env: Env) -> None:
    """testDuplicatedProfiles: a profile named twice is refused (Keycloak's 400 "Bad Request")."""
    duplicated = profile(
        "builtin-basic-security",
        "Enforce basic security level",
        secure_client_authenticator(["client-secret", "client-jwt"], None),
        pkce_enforcer(False),
    )
    loaded = profile("ordinal-test-profile", "The profile that can be loaded.", JWT_ONLY)
    await refused_unchanged(env, "profiles", {"profiles": [duplicated, loaded, duplicated]})


async def test_overwrite_builtin_profile_not_allowed(env: Env) -> None:
    """testOverwriteBuiltinProfileNotAllowed: a realm profile may not take a global profile's name."""
    allowed = ["client-jwt", "client-secret-jwt", "client-x509"]
    baseline = profile(FAPI1_BASELINE, "Pershyy Profil", secure_client_authenticator(allowed, "client-x509"))
    await refused_unchanged(env, "profiles", {"profiles": [baseline]})


async def test_updating_global_profiles_not_allowed(env: Env) -> None:
    """testUpdatingGlobalProfilesNotAllowed: a changed or an added global profile is refused; sending none, or
    the same ones, is accepted, and the globals stay as they were."""
    original = (await profiles_with_globals(env))["globalProfiles"]
    changed = await profiles_with_globals(env)
    named(changed["globalProfiles"], FAPI1_BASELINE)["description"] = "some new description"
    await refused_unchanged(env, "profiles", changed)
    added = await profiles_with_globals(env)
    added["globalProfiles"].append({"name": "new-name", "description": "desc"})
    await refused_unchanged(env, "profiles", added)
    none = await profiles_with_globals(env)
    del none["globalProfiles"]
    await put(env, "/client-policies/profiles", none)
    await put(env, "/client-policies/profiles", await profiles_with_globals(env))
    assert (await profiles_with_globals(env))["globalProfiles"] == original


PROFILE = profile("ordinal-test-profile", "kept", JWT_ONLY)


async def test_null_profiles(env: Env) -> None:
    """testNullProfiles: an empty body is refused and the stored profiles stay."""
    await put(env, "/client-policies/profiles", {"profiles": [PROFILE]})
    await refused_unchanged(env, "profiles", b"", raw=True)


async def test_invalid_formatted_json_profiles(env: Env) -> None:
    """testInvalidFormattedJsonProfiles: JSON with a trailing comma is refused, nothing changes."""
    await put(env, "/client-policies/profiles", {"profiles": [PROFILE]})
    body = b'{"profiles": [{"name": "ordinal-test-profile", "description": "invalid , added.", "executors": []},]}'
    await refused_unchanged(env, "profiles", body, raw=True)


async def test_invalid_field_type_json_profiles(env: Env) -> None:
    """testInvalidFieldTypeJsonProfiles: ``executors`` an object instead of a list is refused."""
    await put(env, "/client-policies/profiles", {"profiles": [PROFILE]})
    bad = {"name": "ordinal-test-profile", "description": "d", "executors": {"pkce-enforcer": {}}}
    await refused_unchanged(env, "profiles", {"profiles": [bad]})


async def test_duplicated_policies(env: Env) -> None:
    """testDuplicatedPolicies: a policy named twice is refused."""
    await setup_valid_profiles_and_policies(env)
    duplicated = policy(
        "builtin-duplicated-new-policy",
        "builtin duplicated new policy is ignored.",
        True,
        [condition("client-roles", {"roles": [SAMPLE_CLIENT_ROLE]})],
        [FAPI1_BASELINE],
    )
    loaded = policy(
        "new-policy",
        "duplicated profiles are ignored.",
        True,
        [condition("client-access-type", {"type": ["public", "bearer-only"]})],
        ["lack-of-builtin-field-test-profile", "ordinal-test-profile"],
    )
    await refused_unchanged(env, "policies", {"policies": [duplicated, loaded, copy.deepcopy(duplicated)]})


async def test_null_policies(env: Env) -> None:
    """testNullPolicies: an empty body is refused and the stored policies stay."""
    await setup_valid_profiles_and_policies(env)
    await refused_unchanged(env, "policies", b"", raw=True)


async def test_invalid_formatted_json_policies(env: Env) -> None:
    """testInvalidFormattedJsonPolicies: a bracket left open is refused."""
    await setup_valid_profiles_and_policies(env)
    body = b'{"policies": [{"name": "ordinal-test-policy", "conditions": [], "profiles": ["ordinal-test-profile"]}'
    await refused_unchanged(env, "policies", body, raw=True)


async def test_invalid_field_type_json_policies(env: Env) -> None:
    """testInvalidFieldTypeJsonPolicies: ``conditions`` true instead of a list is refused."""
    await setup_valid_profiles_and_policies(env)
    bad = {"name": "ordinal-test-policy", "enabled": True, "conditions": True, "profiles": ["ordinal-test-profile"]}
    await refused_unchanged(env, "policies", {"policies": [bad]})


async def test_crud_realm_representation(env: Env) -> None:
    """testCRUDRealmRepresentation: the realm's representation carries the profiles and policies, and putting
    it back keeps them."""
    await setup_valid_profiles_and_policies(env)
    profiles = ["ordinal-test-profile", "lack-of-builtin-field-test-profile"]
    policy_names = ["new-policy", "lack-of-builtin-field-test-policy"]
    realm = await get(env, "")
    assert [p["name"] for p in realm["clientProfiles"]["profiles"]] == profiles
    assert [p["name"] for p in realm["clientPolicies"]["policies"]] == policy_names
    await put(env, "", realm)
    again = await get(env, "")
    assert [p["name"] for p in again["clientProfiles"]["profiles"]] == profiles
    assert [p["name"] for p in again["clientPolicies"]["policies"]] == policy_names
    assert again["clientPolicies"] == realm["clientPolicies"]
