"""Every required action's ``config`` and ``config-description`` (Keycloak 26's AuthenticationManagementResource;
RequiredActionFactory.getConfigMetadata and validateConfig): each deployed action describes its properties
(``max_auth_age`` for all, UpdateTotp's ``add-recovery-codes``, UpdateEmail's ``verifyEmail`` and cooldown,
VerifyEmail's cooldown), keeps what a PUT sends of them, refuses a bad ``max_auth_age`` naming the field, records
a REQUIRED_ACTION_CONFIG admin event, and a ``kc_action`` login obeys the configured age (UPDATE_PASSWORD's after
the password policy's ``maxAuthAge``, UPDATE_PROFILE's alone)."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.realms import required_actions as ra
from flow_builder import ADMIN, admin
from group_port import fresh_realm
from keycloak_port import update_realm
from required_action_config_support import AGE, BASE, action_realm, aia, put_config, reauthentication, stored
from reset_password_port import is_update_password_page
from wire_env import Env

pytestmark = pytest.mark.anyio
OWN = {  # the factories that declare more than RequiredActionFactory's max_auth_age, in their order
    "CONFIGURE_RECOVERY_AUTHN_CODES": ["warning_threshold", AGE],
    "CONFIGURE_TOTP": [AGE, "add-recovery-codes"],
    "UPDATE_EMAIL": [AGE, "verifyEmail", "emailResendCooldownSeconds"],
    "VERIFY_EMAIL": [AGE, "emailResendCooldownSeconds"],
}
NONE = {"delete_account"}  # DeleteAccount.getConfigMetadata is empty: not configurable
PLAIN = sorted(set(ra.PROVIDERS) - set(OWN) - NONE)


@pytest.fixture
async def realm(env: Env) -> Env:
    return await action_realm(env)


async def test_every_deployed_action_describes_its_configuration(realm: Env) -> None:
    for alias in set(ra.PROVIDERS) - NONE:
        found = (await admin(realm, "GET", f"{BASE}/{alias}/config-description", status=200)).json()
        assert [p["name"] for p in found["properties"]] == OWN.get(alias, [AGE]), alias
        [age] = [p for p in found["properties"] if p["name"] == AGE]
        assert (age["type"], age["defaultValue"], age["label"]) == ("String", 300, "Maximum Age of Authentication")
    totp = (await admin(realm, "GET", f"{BASE}/CONFIGURE_TOTP/config-description", status=200)).json()
    assert (totp["properties"][1]["type"], totp["properties"][1]["defaultValue"]) == ("boolean", False)
    email = (await admin(realm, "GET", f"{BASE}/UPDATE_EMAIL/config-description", status=200)).json()
    assert [p["defaultValue"] for p in email["properties"]] == [300, False, "30"]


@pytest.mark.parametrize("alias", PLAIN)
async def test_an_actions_max_auth_age_is_kept_and_other_names_ignored(realm: Env, alias: str) -> None:
    assert await stored(realm, alias) == {}
    await put_config(realm, alias, {AGE: "120", "verifyEmail": "true"}, 204)
    assert await stored(realm, alias) == {AGE: "120"}
    action = (await admin(realm, "GET", f"{BASE}/{alias}", status=200)).json()
    assert action["config"] == {AGE: "120"}  # the action's own config, as the representation shows it
    await put_config(realm, alias, {}, 204)  # a property left out is dropped (no value is no check)
    assert await stored(realm, alias) == {}


async def test_the_extra_properties_are_kept_beside_the_max_auth_age(realm: Env) -> None:
    await put_config(realm, "CONFIGURE_TOTP", {AGE: "0", "add-recovery-codes": "true"}, 204)
    assert await stored(realm, "CONFIGURE_TOTP") == {AGE: "0", "add-recovery-codes": "true"}
    sent = {"verifyEmail": "true", "emailResendCooldownSeconds": "90", AGE: ""}  # "" is removed, as no value
    await put_config(realm, "UPDATE_EMAIL", sent, 204)
    assert await stored(realm, "UPDATE_EMAIL") == {"verifyEmail": "true", "emailResendCooldownSeconds": "90"}
    await put_config(realm, "VERIFY_EMAIL", {"emailResendCooldownSeconds": "5", "verifyEmail": "true"}, 204)
    assert await stored(realm, "VERIFY_EMAIL") == {"emailResendCooldownSeconds": "5"}
    await admin(realm, "DELETE", f"{BASE}/VERIFY_EMAIL/config", None, 204)
    assert await stored(realm, "VERIFY_EMAIL") == {}


@pytest.mark.parametrize(
    ("value", "message", "params"),
    [
        ("soon", "error-invalid-value", []),
        ("1.5", "error-invalid-value", []),
        (" 60", "error-invalid-value", []),
        ("99999999999", "error-invalid-value", []),  # beyond Integer.parseInt
        ("-1", "error-number-out-of-range-too-small", [0]),
    ],
)
@pytest.mark.parametrize("alias", ["UPDATE_PASSWORD", "CONFIGURE_TOTP", "UPDATE_EMAIL", "delete_credential"])
async def test_a_bad_max_auth_age_is_refused_naming_it(
    realm: Env, alias: str, value: str, message: str, params: list[Any]
) -> None:
    await put_config(realm, alias, {AGE: "60"}, 204)
    refused = await put_config(realm, alias, {AGE: value}, 400)
    assert refused == {"field": AGE, "errorMessage": message, "params": params}
    assert await stored(realm, alias) == {AGE: "60"}  # nothing written


async def test_names_no_deployed_provider_has_are_not_configurable(realm: Env) -> None:
    assert (await admin(realm, "GET", f"{BASE}/nosuch/config", status=400)).json() == {
        "error": "RequiredAction is not configurable"
    }
    await admin(realm, "PUT", f"{BASE}/nosuch/config", {"config": {AGE: "1"}}, 400)
    await admin(realm, "DELETE", f"{BASE}/nosuch/config", None, 400)
    await admin(realm, "GET", f"{BASE}/nosuch/config-description", status=404)


async def test_delete_account_is_not_configurable(realm: Env) -> None:
    """DeleteAccount.getConfigMetadata is empty (its max auth age is always 0): no description, no config."""
    described = await admin(realm, "GET", f"{BASE}/delete_account/config-description", status=404)
    assert described.json() == {"error": "Could not find configurable RequiredAction provider"}
    refused = await admin(realm, "PUT", f"{BASE}/delete_account/config", {"config": {AGE: "60"}}, 400)
    assert refused.json() == {"error": "RequiredAction is not configurable"}


async def test_a_config_write_is_a_required_action_config_admin_event(realm: Env) -> None:
    await put_config(realm, "UPDATE_PROFILE", {AGE: "45"}, 204)
    found = (await admin(realm, "GET", f"{ADMIN}/admin-events", status=200)).json()
    [event] = [e for e in found if e["resourceType"] == "REQUIRED_ACTION_CONFIG"]
    assert (event["operationType"], event["resourcePath"]) == (
        "UPDATE",
        "authentication/required-actions/UPDATE_PROFILE/config",
    )


async def test_update_passwords_configured_max_auth_age_is_obeyed(realm: Env) -> None:
    await put_config(realm, "UPDATE_PASSWORD", {AGE: "60"}, 204)
    assert reauthentication(await aia(realm, "UPDATE_PASSWORD", 90))
    realm.http.cookies.clear()
    fresh = await aia(realm, "UPDATE_PASSWORD", 30)
    assert is_update_password_page(fresh) and not reauthentication(fresh)


async def test_the_password_policys_max_auth_age_comes_before_the_config(realm: Env) -> None:
    await put_config(realm, "UPDATE_PASSWORD", {AGE: "60"}, 204)
    await update_realm(realm, passwordPolicy="maxAuthAge(600)")
    assert is_update_password_page(await aia(realm, "UPDATE_PASSWORD", 90))


async def test_update_profiles_configured_max_auth_age_is_obeyed(realm: Env) -> None:
    """1000 s: a login ten minutes old (older than the default five) goes straight to the form; 1100 s is too old."""
    await put_config(realm, "UPDATE_PROFILE", {AGE: "1000"}, 204)
    fresh = await aia(realm, "UPDATE_PROFILE", 600)
    assert 'id="kc-update-profile-form"' in fresh.text and not reauthentication(fresh)
    realm.http.cookies.clear()
    assert reauthentication(await aia(realm, "UPDATE_PROFILE", 1100))


async def test_a_negative_age_the_plain_put_let_through_is_the_default(realm: Env) -> None:
    """``PUT required-actions/{alias}`` does not validate; getMaxAuthAge takes a negative value as none (300 s)."""
    action = (await admin(realm, "GET", f"{BASE}/UPDATE_PROFILE", status=200)).json()
    await admin(realm, "PUT", f"{BASE}/UPDATE_PROFILE", {**action, "config": {AGE: "-5"}}, 204)
    assert 'id="kc-update-profile-form"' in (await aia(realm, "UPDATE_PROFILE", 200)).text
    realm.http.cookies.clear()
    assert reauthentication(await aia(realm, "UPDATE_PROFILE", 350))


async def test_a_realm_file_brings_each_actions_config_and_the_export_gives_it_back(env: Env) -> None:
    """RepresentationToModel: ``requiredActions[].config`` imported as it is (unchecked, as Keycloak's import);
    the partial export lists it again."""
    actions = [
        {"alias": "UPDATE_PASSWORD", "providerId": "UPDATE_PASSWORD", "enabled": True, "config": {AGE: "42"}},
        {"alias": "VERIFY_EMAIL", "providerId": "VERIFY_EMAIL", "enabled": True, "priority": 1, "config": {}},
    ]
    await fresh_realm(env, {"realm": "test", "enabled": True, "requiredActions": actions})
    assert await stored(env, "UPDATE_PASSWORD") == {AGE: "42"}
    exported = (await admin(env, "POST", f"{ADMIN}/partial-export", status=200)).json()
    assert [(a["alias"], a["config"]) for a in exported["requiredActions"]] == [
        ("UPDATE_PASSWORD", {AGE: "42"}),
        ("VERIFY_EMAIL", {}),
    ]
