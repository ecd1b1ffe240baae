"""The profiles and policies ClientPoliciesLoadUpdateTest and ClientPoliciesImportExportTest load, and their
assertions (AbstractClientPoliciesTest's setupValidProfilesAndPolicies, assertExpectedLoadedProfiles and
assertExpectedLoadedPolicies); their realm (``env``); the builders are tests/client_policies_port.py's."""

from __future__ import annotations

from typing import Any

import pytest

from client_policies_port import (
    GLOBAL_PROFILE_NAMES,
    SAMPLE_CLIENT_ROLE,
    SAMPLE_CLIENT_SCOPE,
    condition,
    executor,
    policy,
    profile,
    secure_client_authenticator,
)
from group_port import fresh_realm
from keycloak_port import get, put
from role_port import call
from wire_env import Env


@pytest.fixture(scope="module")
async def env(shared_env: Env) -> Env:
    """Both classes' realm as far as their policies need it: ``topGroup`` and the client scope SAMPLE_CLIENT_SCOPE
    (a module takes it as ``env = client_policies_loading.env``)."""
    await fresh_realm(shared_env, {"realm": "test", "enabled": True, "groups": [{"name": "topGroup"}]})
    made = await call(shared_env, "POST", "/client-scopes", {"name": SAMPLE_CLIENT_SCOPE, "protocol": "openid-connect"})
    assert made.status_code == 201, made.text
    return shared_env


FAPI1_BASELINE = "fapi-1-baseline"
BASELINE_DESCRIPTION = (
    "Client profile, which enforce clients to conform 'Financial-grade API Security Profile 1.0 - Part 1: Baseline'"
    " specification."
)
BASELINE_EXECUTORS = [
    "secure-session",
    "pkce-enforcer",
    "secure-client-authenticator",
    "secure-client-uris",
    "consent-required",
    "full-scope-disabled",
]
JWT_ONLY = secure_client_authenticator(["client-jwt"], "client-jwt")
# setupValidProfilesAndPolicies' "lack-of-builtin-field-test-profile": the executors without a configuration are
# added with ``null`` by the Java builder, here with an empty one.
LACKING_EXECUTORS = [
    JWT_ONLY,
    executor("holder-of-key-enforcer", {"auto-configure": True}),
    *(
        executor(name)
        for name in (
            "secure-client-uris",
            "secure-request-object",
            "secure-response-type",
            "secure-session",
            "secure-signature-algorithm",
            "secure-signature-algorithm-signed-jwt",
        )
    ),
]


async def profiles_with_globals(env: Env) -> dict[str, Any]:
    return dict(await get(env, "/client-policies/profiles", **{"include-global-profiles": "true"}))


async def policies(env: Env) -> dict[str, Any]:
    return dict(await get(env, "/client-policies/policies"))


def named(reps: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (rep,) = [r for r in reps if r["name"] == name]
    return rep


def executor_names(rep: dict[str, Any]) -> list[str]:
    return [e["executor"] for e in rep["executors"]]


def condition_names(rep: dict[str, Any]) -> list[str]:
    return [c["condition"] for c in rep["conditions"]]


async def setup_valid_profiles_and_policies(env: Env) -> None:
    """setupValidProfilesAndPolicies."""
    ordinal = profile("ordinal-test-profile", "The profile that can be loaded.", JWT_ONLY)
    lacking = profile(
        "lack-of-builtin-field-test-profile",
        "Without builtin field that is treated as builtin=false.",
        *LACKING_EXECUTORS,
    )
    await put(env, "/client-policies/profiles", {"profiles": [ordinal, lacking]})
    new_policy = policy(
        "new-policy",
        "duplicated profiles are ignored.",
        True,
        [
            condition("client-access-type", {"type": ["public", "bearer-only"]}),
            condition("client-roles", {"roles": [SAMPLE_CLIENT_ROLE]}),
            condition("client-scopes", {"type": "Optional", "scopes": [SAMPLE_CLIENT_SCOPE]}),
        ],
        ["ordinal-test-profile", "lack-of-builtin-field-test-profile"],
    )
    lacking_policy = policy(
        "lack-of-builtin-field-test-policy",
        "Without builtin field that is treated as builtin=false.",
        None,
        [
            condition("client-updater-context", {"update-client-source": ["ByAuthenticatedUser"]}),
            condition("client-updater-source-groups", {"groups": ["topGroup"]}),
            condition("client-updater-source-host", {"trusted-hosts": ["localhost", "127.0.0.1"]}),
            condition("client-updater-source-roles", {"roles": ["create-client"]}),
        ],
        ["lack-of-builtin-field-test-profile"],
    )
    await put(env, "/client-policies/policies", {"policies": [new_policy, lacking_policy]})


async def assert_expected_loaded_profiles(env: Env, ordinal_description: str) -> None:
    """assertExpectedLoadedProfiles."""
    reps = await profiles_with_globals(env)
    assert {p["name"] for p in reps["globalProfiles"]} == set(GLOBAL_PROFILE_NAMES)
    assert [p["name"] for p in reps["profiles"]] == ["ordinal-test-profile", "lack-of-builtin-field-test-profile"]
    baseline = named(reps["globalProfiles"], FAPI1_BASELINE)
    assert (baseline["description"], executor_names(baseline)) == (BASELINE_DESCRIPTION, BASELINE_EXECUTORS)
    ordinal = named(reps["profiles"], "ordinal-test-profile")
    assert ordinal["description"] == ordinal_description
    assert ordinal["executors"] == [JWT_ONLY]
    lacking = named(reps["profiles"], "lack-of-builtin-field-test-profile")
    assert lacking["description"] == "Without builtin field that is treated as builtin=false."
    assert lacking["executors"] == LACKING_EXECUTORS


async def assert_expected_loaded_policies(env: Env, description: str, enabled: bool) -> None:
    """assertExpectedLoadedPolicies."""
    reps = (await policies(env))["policies"]
    assert [p["name"] for p in reps] == ["new-policy", "lack-of-builtin-field-test-policy"]
    new = named(reps, "new-policy")
    assert (new["description"], new["enabled"]) == (description, enabled)
    assert new["profiles"] == ["ordinal-test-profile", "lack-of-builtin-field-test-profile"]
    assert new["conditions"] == [
        condition("client-access-type", {"type": ["public", "bearer-only"]}),
        condition("client-roles", {"roles": [SAMPLE_CLIENT_ROLE]}),
        condition("client-scopes", {"type": "Optional", "scopes": [SAMPLE_CLIENT_SCOPE]}),
    ]
    lacking = named(reps, "lack-of-builtin-field-test-policy")
    assert lacking["enabled"] is False and lacking["profiles"] == ["lack-of-builtin-field-test-profile"]
    assert condition_names(lacking) == [
        "client-updater-context",
        "client-updater-source-groups",
        "client-updater-source-host",
        "client-updater-source-roles",
    ]
    assert lacking["conditions"][2]["configuration"] == {"trusted-hosts": ["localhost", "127.0.0.1"]}
    assert lacking["conditions"][3]["configuration"] == {"roles": ["create-client"]}
