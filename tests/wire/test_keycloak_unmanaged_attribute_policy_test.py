"""Keycloak 26's unmanaged attribute policy (``UPConfig.unmanagedAttributePolicy``) over the admin API
(USER_API) and the Account REST API (ACCOUNT), after the testsuite's UnmanagedAttributePolicyTest.

The Java class is not in the reference index this port was written from, so the tests below follow what it
checks as Keycloak's own code defines it (DefaultAttributes.isAllowUnmanagedAttribute,
isAllowEditUnmanagedAttribute and createUnmanagedAttributeMetadata; DefaultUserProfile.updateInternal) and
UserProfileTest.testUnmanagedPolicy, one test per policy and per rule, named for the behaviour:

* disabled (no policy): an unmanaged attribute sent is not stored, one a user has is neither shown nor
  removed, and a value too long is not even validated;
* ENABLED: the admin API, the account and the update-profile page (one input each, named after the
  attribute; UpdateProfile builds the profile from the form) see and change them;
* ADMIN_EDIT: the admin API sees and changes them, the account and the update-profile page neither see nor
  change them;
* ADMIN_VIEW: the admin API sees them but a value sent changes nothing, the account does not see them.

Deliberate difference from Keycloak 26: the policy applies once a realm has been given a configuration
(``PUT users/profile``, or a realm file's ``declarative-user-profile`` component). A realm never given one
keeps Doorkeep's earlier lenient behaviour (every attribute stored and returned), where Keycloak 26 treats
the missing configuration as the default one, policy disabled. ``test_a_realm_never_given_a_configuration``
pins that difference.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest

import group_port
from browser_flow import REDIRECT, code_from, start, submit
from group_port import fresh_realm
from role_port import TEST_REALM, call, ok
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

PROFILE = "/users/profile"
DIRECT_GRANT = {"clientId": "direct-grant", "secret": "password", "directAccessGrantsEnabled": True, "enabled": True}
APP = {"clientId": "app", "publicClient": True, "redirectUris": [REDIRECT + "*"], "enabled": True}
ACCOUNT = "/realms/test/account"


async def realm(env: Env, policy: str | None, **changes: Any) -> dict[str, Any]:
    """Realm ``test`` given the default configuration with ``policy`` (None: disabled); the configuration."""
    await fresh_realm(env, {**TEST_REALM, "clients": [DIRECT_GRANT, APP], **changes})
    return await set_policy(env, policy)


async def set_policy(env: Env, policy: str | None) -> dict[str, Any]:
    config: dict[str, Any] = copy.deepcopy(await ok(env, "GET", PROFILE))
    config.pop("unmanagedAttributePolicy", None)
    if policy is not None:
        config["unmanagedAttributePolicy"] = policy
    answer: dict[str, Any] = await ok(env, "PUT", PROFILE, config)
    assert answer.get("unmanagedAttributePolicy") == policy
    return answer


async def create_user(env: Env, attributes: dict[str, Any] | None) -> str:
    body: dict[str, Any] = {
        "username": "jdoe",
        "enabled": True,
        "email": "jdoe@keycloak.org",
        "firstName": "John",
        "lastName": "Doe",
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
    }
    if attributes is not None:
        body["attributes"] = attributes
    response = await call(env, "POST", "/users", body)
    assert response.status_code == 201, response.text
    return str(response.headers["location"]).rsplit("/", 1)[-1]


async def admin_attributes(env: Env, user_id: str) -> dict[str, Any] | None:
    rep = await ok(env, "GET", f"/users/{user_id}")
    listed = [u for u in await ok(env, "GET", "/users", username="jdoe", exact="true") if u["id"] == user_id]
    assert [u.get("attributes") for u in listed] == [rep.get("attributes")]  # the list shows the same
    found: dict[str, Any] | None = rep.get("attributes")
    return found


async def admin_update(env: Env, user_id: str, attributes: dict[str, Any]) -> None:
    rep = await ok(env, "GET", f"/users/{user_id}")
    await ok(env, "PUT", f"/users/{user_id}", {**rep, "attributes": attributes})


async def account_headers(env: Env) -> dict[str, str]:
    grant = await password_grant(env.http, "test", "direct-grant", username="jdoe", secret="password")
    assert grant.status_code == 200, grant.text
    return {"Authorization": f"Bearer {grant.json()['access_token']}"}


async def account(env: Env) -> dict[str, Any]:
    response = await env.http.get(ACCOUNT, headers=await account_headers(env))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def account_update(env: Env, attributes: dict[str, Any] | None) -> None:
    rep = await account(env)
    rep.pop("userProfileMetadata", None)
    rep.pop("attributes", None)
    if attributes is not None:
        rep["attributes"] = attributes
    response = await env.http.post(ACCOUNT, headers=await account_headers(env), json=rep)
    assert response.status_code == 204, response.text


# --- disabled ------------------------------------------------------------------------------------
async def test_disabled_policy_does_not_store_unmanaged_attributes(env: Env) -> None:
    config = await realm(env, None)
    assert "unmanagedAttributePolicy" not in config
    user_id = await create_user(env, {"aName": ["aValue"]})
    assert await admin_attributes(env, user_id) is None
    await admin_update(env, user_id, {"aName": ["aValue"], "other": ["x"]})
    assert await admin_attributes(env, user_id) is None
    await set_policy(env, "ADMIN_EDIT")  # nothing was kept behind the admin's back either
    assert await admin_attributes(env, user_id) is None


async def test_disabled_policy_hides_but_keeps_the_unmanaged_attributes_a_user_has(env: Env) -> None:
    await realm(env, "ADMIN_EDIT")
    user_id = await create_user(env, {"foo": ["foo"]})
    await set_policy(env, None)
    assert await admin_attributes(env, user_id) is None
    assert "attributes" not in await account(env)
    await admin_update(env, user_id, {})  # an attributes map without it removes nothing it may not see
    await account_update(env, {"foo": ["mine"]})
    await set_policy(env, "ADMIN_EDIT")
    assert await admin_attributes(env, user_id) == {"foo": ["foo"]}


async def test_disabled_policy_does_not_validate_unmanaged_attributes(env: Env) -> None:
    await realm(env, None)
    response = await call(env, "POST", "/users", {"username": "jdoe", "attributes": {"big": ["x" * 3000]}})
    assert response.status_code == 201, response.text


# --- ENABLED -------------------------------------------------------------------------------------
async def test_enabled_policy_lets_the_admin_and_the_user_see_and_change_them(env: Env) -> None:
    await realm(env, "ENABLED")
    user_id = await create_user(env, {"aName": ["aValue"]})
    assert await admin_attributes(env, user_id) == {"aName": ["aValue"]}
    assert (await account(env))["attributes"] == {"aName": ["aValue"]}
    await account_update(env, {"aName": ["changed"], "mine": ["1", "2"]})
    assert await admin_attributes(env, user_id) == {"aName": ["changed"], "mine": ["1", "2"]}
    await account_update(env, {"mine": ["1"]})  # what the account leaves out is removed (update(true))
    assert (await account(env))["attributes"] == {"mine": ["1"]}
    await admin_update(env, user_id, {"mine": ["1"], "byAdmin": ["yes"]})
    assert (await account(env))["attributes"] == {"mine": ["1"], "byAdmin": ["yes"]}


async def test_enabled_policy_validates_unmanaged_attributes_in_both_contexts(env: Env) -> None:
    await realm(env, "ENABLED")
    response = await call(env, "POST", "/users", {"username": "jdoe", "attributes": {"big": ["x" * 3000]}})
    assert response.status_code == 400
    assert response.json()["errorMessage"] == "error-invalid-length"
    user_id = await create_user(env, None)
    rep = await account(env)
    rep.pop("userProfileMetadata")
    response = await env.http.post(
        ACCOUNT, headers=await account_headers(env), json={**rep, "attributes": {"big": ["x" * 3000]}}
    )
    assert response.status_code == 400
    assert await admin_attributes(env, user_id) is None


# --- ADMIN_EDIT ----------------------------------------------------------------------------------
async def test_admin_edit_policy_lets_only_the_admin_see_and_change_them(env: Env) -> None:
    await realm(env, "ADMIN_EDIT")
    user_id = await create_user(env, {"aName": ["aValue"]})
    assert await admin_attributes(env, user_id) == {"aName": ["aValue"]}
    assert "attributes" not in await account(env)
    await account_update(env, {"aName": ["by-user"], "new": ["by-user"]})
    assert await admin_attributes(env, user_id) == {"aName": ["aValue"]}
    await account_update(env, None)  # nor does the account remove what it cannot see
    await admin_update(env, user_id, {"aName": ["changed"], "added": ["v"]})
    assert await admin_attributes(env, user_id) == {"aName": ["changed"], "added": ["v"]}
    await admin_update(env, user_id, {"added": ["v"]})
    assert await admin_attributes(env, user_id) == {"added": ["v"]}


async def test_admin_edit_policy_validates_unmanaged_attributes_sent_by_the_admin(env: Env) -> None:
    await realm(env, "ADMIN_EDIT")
    response = await call(env, "POST", "/users", {"username": "jdoe", "attributes": {"big": ["x" * 3000]}})
    assert response.status_code == 400
    assert response.json()["params"] == ["big", 0, 2048]


async def profile_page(env: Env, user_id: str) -> httpx.Response:
    """The login of jdoe with UPDATE_PROFILE pending: login-update-profile."""
    await ok(env, "PUT", f"/users/{user_id}", {"requiredActions": ["UPDATE_PROFILE"]})
    env.http.cookies.clear()
    page = await submit(env.http, await start(env.http, "test", "app"), username="jdoe", password="password")
    assert 'id="kc-update-profile-form"' in page.text, page.text[:1500]
    return page


NAMES = {"username": "jdoe", "email": "jdoe@keycloak.org", "firstName": "John", "lastName": "Doe"}


async def test_enabled_policy_shows_them_on_the_update_profile_page_and_takes_what_is_posted(env: Env) -> None:
    await realm(env, "ENABLED")
    user_id = await create_user(env, {"aName": ["aValue"], "other": ["kept"]})
    page = await profile_page(env, user_id)
    assert '<label for="aName">aName</label><input type="text" id="aName" name="aName" value="aValue">' in page.text
    assert 'name="other" value="kept"' in page.text
    page = await submit(env.http, page, **{**NAMES, "email": "bad"}, aName="typed")
    assert 'name="aName" value="typed"' in page.text  # shown again as typed
    assert "code" in code_from(await submit(env.http, page, **NAMES, aName="changed", other=""))
    assert await admin_attributes(env, user_id) == {"aName": ["changed"]}  # a blank value removes it


async def test_admin_edit_policy_keeps_them_off_the_update_profile_page(env: Env) -> None:
    await realm(env, "ADMIN_EDIT")
    user_id = await create_user(env, {"aName": ["aValue"]})
    page = await profile_page(env, user_id)
    assert 'name="aName"' not in page.text
    assert "code" in code_from(await submit(env.http, page, **NAMES, aName="forged", added="forged"))
    assert await admin_attributes(env, user_id) == {"aName": ["aValue"]}


# --- ADMIN_VIEW ----------------------------------------------------------------------------------
async def test_admin_view_policy_shows_them_to_the_admin_read_only(env: Env) -> None:
    await realm(env, "ADMIN_EDIT")
    user_id = await create_user(env, {"foo": ["foo"]})
    await set_policy(env, "ADMIN_VIEW")
    assert await admin_attributes(env, user_id) == {"foo": ["foo"]}
    await admin_update(env, user_id, {"foo": ["changed"], "bar": ["new"]})
    assert await admin_attributes(env, user_id) == {"foo": ["foo"]}
    await admin_update(env, user_id, {})
    assert await admin_attributes(env, user_id) == {"foo": ["foo"]}


async def test_admin_view_policy_does_not_store_unmanaged_attributes_of_a_new_user(env: Env) -> None:
    await realm(env, "ADMIN_VIEW")
    user_id = await create_user(env, {"foo": ["foo"]})
    assert await admin_attributes(env, user_id) is None


async def test_admin_view_policy_hides_them_from_the_user(env: Env) -> None:
    await realm(env, "ADMIN_EDIT")
    user_id = await create_user(env, {"foo": ["foo"]})
    await set_policy(env, "ADMIN_VIEW")
    assert "attributes" not in await account(env)
    await account_update(env, {"foo": ["mine"]})
    assert await admin_attributes(env, user_id) == {"foo": ["foo"]}


# --- declared attributes and the policy together --------------------------------------------------
async def test_declared_attributes_follow_their_permissions_whatever_the_policy(env: Env) -> None:
    await realm(env, None)
    config = await ok(env, "GET", PROFILE)
    both = {"view": ["admin", "user"], "edit": ["admin", "user"]}
    config["attributes"].append({"name": "declared", "permissions": both})
    await ok(env, "PUT", PROFILE, config)
    user_id = await create_user(env, {"declared": ["d"], "undeclared": ["u"]})
    assert await admin_attributes(env, user_id) == {"declared": ["d"]}
    assert (await account(env))["attributes"] == {"declared": ["d"]}


# --- where the policy applies -------------------------------------------------------------------
async def test_a_realm_never_given_a_configuration_stores_every_attribute(env: Env) -> None:
    """Doorkeep's deliberate difference from Keycloak 26 (module docstring)."""
    await fresh_realm(env, {**TEST_REALM, "clients": [DIRECT_GRANT]})
    user_id = await create_user(env, {"aName": ["aValue"]})
    assert await admin_attributes(env, user_id) == {"aName": ["aValue"]}
    assert "attributes" not in await account(env)


async def test_a_realm_file_with_the_profile_component_applies_the_policy(env: Env) -> None:
    config = copy.deepcopy(await _default_config(env))
    component = {
        "providerId": "declarative-user-profile",
        "subComponents": {},
        "config": {"kc.user.profile.config": [json.dumps(config)]},
    }
    components = {"org.keycloak.userprofile.UserProfileProvider": [component]}
    await fresh_realm(env, {**TEST_REALM, "clients": [DIRECT_GRANT], "components": components})
    user_id = await create_user(env, {"aName": ["aValue"]})
    assert await admin_attributes(env, user_id) is None


async def test_putting_the_default_configuration_back_applies_the_policy(env: Env) -> None:
    await fresh_realm(env, {**TEST_REALM, "clients": [DIRECT_GRANT]})
    assert "unmanagedAttributePolicy" not in await ok(env, "PUT", PROFILE, await ok(env, "GET", PROFILE))
    user_id = await create_user(env, {"aName": ["aValue"]})
    assert await admin_attributes(env, user_id) is None
    exported = await ok(env, "POST", "/partial-export")
    [component] = exported["components"]["org.keycloak.userprofile.UserProfileProvider"]
    assert json.loads(component["config"]["kc.user.profile.config"][0]) == await ok(env, "GET", PROFILE)


async def _default_config(env: Env) -> dict[str, Any]:
    await fresh_realm(env, {**TEST_REALM})
    found: dict[str, Any] = await ok(env, "GET", PROFILE)
    return found
