"""The recovery codes' ``warning_threshold`` as Keycloak 26 keeps and checks it: the CONFIGURE_RECOVERY_AUTHN_CODES
action's own ``config`` (RecoveryAuthnCodesCredentialProvider.getWarningThreshold, else the realm's deprecated
``recoveryCodesWarningThreshold`` policy, else 4), written through ``required-actions/{alias}/config``, whose PUT
runs RecoveryAuthnCodesAction.validateConfig (an int, 0 or more, and required) and RequiredActionFactory's
``max_auth_age`` check (RecoveryAuthnCodesAuthenticatorTest.test09recoveryAuthnCodesWithThresholdConfigured)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from doorkeep.users import recovery_codes
from flow_builder import ADMIN, admin
from recovery_flow import OTP_FORM, RECOVERY, give_codes, seed, two_factor_flow
from support import password_grant
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio
ACTION = f"{ADMIN}/authentication/required-actions/{recovery_codes.CONFIGURE}"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed(env)
    await two_factor_flow(env, OTP_FORM, RECOVERY)  # the Account API lists the type while a flow uses it
    await give_codes(env)
    return env


async def warned(env: Env) -> bool:
    """Whether the Account API warns that few recovery codes are left (the user has all twelve)."""
    token = (await password_grant(env.http, "test", "app")).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    found = (await env.http.get("/realms/test/account/credentials", headers=headers)).json()
    [codes] = [c for c in found if c["type"] == recovery_codes.TYPE]
    [metadata] = codes["userCredentialMetadatas"]
    assert metadata["infoMessage"]["parameters"] == ["0/12"]
    return "warningMessageTitle" in metadata


async def put_config(env: Env, config: dict[str, Any], status: int) -> Any:
    response = await admin(env, "PUT", f"{ACTION}/config", {"config": config}, status)
    return response.json() if response.content else None


async def test_the_threshold_set_through_config_is_the_accounts_warning(realm: Env) -> None:
    """Twelve left: no warning below a threshold of 12, a warning from 13; the config reads back as stored."""
    assert not await warned(realm)
    await put_config(realm, {recovery_codes.THRESHOLD_KEY: "12"}, 204)
    assert not await warned(realm)
    await put_config(realm, {recovery_codes.THRESHOLD_KEY: "13", "other": "ignored"}, 204)
    assert await warned(realm)
    stored = (await admin(realm, "GET", f"{ACTION}/config", status=200)).json()
    assert stored == {"config": {recovery_codes.THRESHOLD_KEY: "13"}}
    action = (await admin(realm, "GET", ACTION, status=200)).json()
    assert action["config"] == {recovery_codes.THRESHOLD_KEY: "13"}  # the action's own config
    await admin(realm, "DELETE", f"{ACTION}/config", None, 204)
    assert (await admin(realm, "GET", f"{ACTION}/config", status=200)).json() == {"config": {}}
    assert not await warned(realm)


@pytest.mark.parametrize(
    ("config", "field", "message", "params"),
    [
        ({recovery_codes.THRESHOLD_KEY: "many"}, recovery_codes.THRESHOLD_KEY, "error-invalid-value", []),
        ({recovery_codes.THRESHOLD_KEY: "99999999999"}, recovery_codes.THRESHOLD_KEY, "error-invalid-value", []),
        (
            {recovery_codes.THRESHOLD_KEY: "-1"},
            recovery_codes.THRESHOLD_KEY,
            "error-number-out-of-range-too-small",
            [0],
        ),
        ({}, recovery_codes.THRESHOLD_KEY, "error-invalid-value", []),
        ({recovery_codes.THRESHOLD_KEY: ""}, recovery_codes.THRESHOLD_KEY, "error-invalid-value", []),
        ({recovery_codes.THRESHOLD_KEY: "3", "max_auth_age": "soon"}, "max_auth_age", "error-invalid-value", []),
        (
            {recovery_codes.THRESHOLD_KEY: "3", "max_auth_age": "-5"},
            "max_auth_age",
            "error-number-out-of-range-too-small",
            [0],
        ),
    ],
)
async def test_a_bad_value_is_refused_naming_its_field(
    realm: Env, config: dict[str, Any], field: str, message: str, params: list[Any]
) -> None:
    await put_config(realm, {recovery_codes.THRESHOLD_KEY: "2"}, 204)
    refused = await put_config(realm, config, 400)
    assert refused == {"field": field, "errorMessage": message, "params": params}
    stored = (await admin(realm, "GET", f"{ACTION}/config", status=200)).json()
    assert stored == {"config": {recovery_codes.THRESHOLD_KEY: "2"}}


async def test_the_description_lists_the_threshold_then_the_max_auth_age(realm: Env) -> None:
    found = (await admin(realm, "GET", f"{ACTION}/config-description", status=200)).json()
    names = [(p["name"], p["type"], p["defaultValue"]) for p in found["properties"]]
    assert names == [(recovery_codes.THRESHOLD_KEY, "Integer", 4), ("max_auth_age", "String", 300)]


async def test_other_names_are_not_configurable_here(realm: Env) -> None:
    """No such provider: 400 for the config, 404 for its description; recovery codes with the feature off: not
    configurable."""
    base = f"{ADMIN}/authentication/required-actions"
    assert (await admin(realm, "GET", f"{base}/nosuch/config", status=400)).json() == {
        "error": "RequiredAction is not configurable"
    }
    await admin(realm, "GET", f"{base}/nosuch/config-description", status=404)
    off = dataclasses.replace(realm, settings=dataclasses.replace(realm.settings, features_disabled="recovery-codes"))
    async with another_worker(off) as http:
        response = await http.get(f"{ACTION}/config", headers=await realm.admin_headers())
        assert response.status_code == 400, response.text


async def test_a_value_the_plain_put_let_through_falls_back_to_the_default(realm: Env) -> None:
    """``PUT required-actions/{alias}`` does not validate (updateRequiredAction): the Account API then answers with
    the default threshold rather than Keycloak's NumberFormatException."""
    action = (await admin(realm, "GET", ACTION, status=200)).json()
    await admin(realm, "PUT", ACTION, {**action, "config": {recovery_codes.THRESHOLD_KEY: "lots"}}, 204)
    assert not await warned(realm)


async def test_without_a_config_the_deprecated_password_policy_counts(realm: Env) -> None:
    rep = (await admin(realm, "GET", ADMIN, status=200)).json()
    await admin(realm, "PUT", ADMIN, {**rep, "passwordPolicy": "recoveryCodesWarningThreshold(13)"}, 204)
    assert await warned(realm)
    await put_config(realm, {recovery_codes.THRESHOLD_KEY: "1"}, 204)  # the action's config comes first
    assert not await warned(realm)
