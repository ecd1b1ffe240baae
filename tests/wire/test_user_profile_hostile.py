"""Hostile input to the declarative user profile: an administrator's ``pattern`` that backtracks
catastrophically on a user's value, a pattern nested too deep to compile, and the profile's internal realm
attribute written through a realm update. One app for the module (group_port.shared_env), realm ``test``
imported anew for each test."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

import group_port
from group_port import fresh_realm
from role_port import TEST_REALM, call, ok
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

PROFILE = "/users/profile"
BOTH = {"view": ["admin", "user"], "edit": ["admin", "user"]}
DIRECT_GRANT = {"clientId": "direct-grant", "secret": "password", "directAccessGrantsEnabled": True, "enabled": True}
# (a+)+b on 27 a's: Python's ``re`` tries 2**27 ways (about ten seconds), the ``regex`` engine gives up at its limit
EVIL_PATTERN, EVIL_VALUE = "(a+)+b", "a" * 27
JDOE = {
    "username": "jdoe",
    "enabled": True,
    "email": "jdoe@keycloak.org",
    "firstName": "John",
    "lastName": "Doe",
    "credentials": [{"type": "password", "value": "password", "temporary": False}],
}


async def realm(env: Env) -> None:
    await fresh_realm(env, {**TEST_REALM, "clients": [DIRECT_GRANT]})


async def default_with(env: Env, *attributes: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = copy.deepcopy(await ok(env, "GET", PROFILE))
    config["attributes"].extend(attributes)
    return config


async def account_headers(env: Env) -> dict[str, str]:
    grant = await password_grant(env.http, "test", "direct-grant", username="jdoe", secret="password")
    return {"Authorization": f"Bearer {grant.json()['access_token']}"}


async def test_a_backtracking_pattern_on_a_users_value_is_refused_within_a_time_limit(env: Env) -> None:
    await realm(env)
    default = await default_with(env)
    code = {"name": "code", "permissions": BOTH, "validations": {"pattern": {"pattern": EVIL_PATTERN}}}
    await ok(env, "PUT", PROFILE, {**default, "attributes": [*default["attributes"], code]})
    assert (await call(env, "POST", "/users", JDOE)).status_code == 201
    headers = await account_headers(env)
    account = (await env.http.get("/realms/test/account", headers=headers)).json()

    started = time.monotonic()
    mine = await env.http.post(
        "/realms/test/account", headers=headers, json={**account, "attributes": {"code": [EVIL_VALUE]}}
    )
    admins = await call(env, "POST", "/users", {"username": "other", "attributes": {"code": [EVIL_VALUE]}})
    took = time.monotonic() - started
    assert took < 3, f"two pattern checks took {took:.1f} s: the pattern ran without a bound"
    assert mine.status_code == 400, mine.text
    assert [e["errorMessage"] for e in mine.json()["errors"]] == ["error-pattern-no-match"]
    assert (admins.status_code, admins.json()["errorMessage"]) == (400, "error-pattern-no-match")
    # an ordinary pattern still matches as Keycloak's Pattern.matcher(value).matches()
    ordinary = {**code, "validations": {"pattern": {"pattern": "a+b"}}}
    await ok(env, "PUT", PROFILE, {**default, "attributes": [*default["attributes"], ordinary]})
    fine = await env.http.post(
        "/realms/test/account", headers=headers, json={**account, "attributes": {"code": ["aab"]}}
    )
    assert fine.status_code == 204, fine.text


async def test_a_pattern_nested_too_deep_to_compile_is_an_invalid_configuration_not_a_500(env: Env) -> None:
    await realm(env)
    deep = "(" * 5000 + "a" + ")" * 5000
    code = {"name": "code", "permissions": BOTH, "validations": {"pattern": {"pattern": deep}}}
    response = await call(env, "PUT", PROFILE, await default_with(env, code))
    assert response.status_code == 400, response.text
    assert "error-validator-config-invalid-value" in response.json()["errorMessage"]


async def test_a_realm_update_cannot_write_the_profiles_internal_attribute(env: Env) -> None:
    await realm(env)
    for raw in ("{not json", '{"attributes": 3}', '{"attributes": [{"name": "x", "validations": {"pattern": 1}}]}'):
        update = await call(env, "PUT", "", {"attributes": {"doorkeep.userProfile.config": raw, "kept": "yes"}})
        assert update.status_code == 204, update.text
        profile = await call(env, "GET", PROFILE)
        assert profile.status_code == 200, profile.text
        assert [a["name"] for a in profile.json()["attributes"]] == ["username", "email", "firstName", "lastName"]
        created = await call(env, "POST", "/users", {"username": f"user{len(raw)}", "attributes": {"x": ["1"]}})
        assert created.status_code == 201, created.text
        assert (await ok(env, "GET", ""))["attributes"]["kept"] == "yes"


async def test_realm_attributes_cannot_write_client_policies_past_their_validation(env: Env) -> None:
    await realm(env)
    unchecked = '{"policies": [{"name": "p", "enabled": true, "conditions": [], "profiles": ["no-such-profile"]}]}'
    update = await call(env, "PUT", "", {"attributes": {"client-policies.policies": unchecked}})
    assert update.status_code == 204, update.text
    assert await ok(env, "GET", "/client-policies/policies") == {"policies": []}
    checked = await call(env, "PUT", "/client-policies/policies", {"policies": [{"name": "p", "profiles": ["no"]}]})
    assert checked.status_code == 400, checked.text  # the resource itself refuses it
    await fresh_realm(env, {**TEST_REALM, "attributes": {"client-policies.policies": unchecked}})
    assert await ok(env, "GET", "/client-policies/policies") == {"policies": []}
