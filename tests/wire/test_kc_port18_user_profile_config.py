"""Keycloak's UserProfileConfigTest (testsuite user/profile), the parts its RunOnServer methods decide that the
Admin REST API shows: ``PUT users/profile`` for the configuration, ``POST users`` (the USER_API context) for the
validation of a user's attributes. Keycloak 26 refuses a configuration without ``username`` and ``email``, which
the Java test's configurations lack, so each port keeps the default attributes and adds the Java test's, editable
(EDIT below).

Not ported, with the reason:

* testConfigurationGetSet's check that a long configuration is stored "in 2 pieces"
  (UP_PIECES_COUNT_COMPONENT_CONFIG_KEY): a storage detail of the component; the round trip is ported.
* testDefaultConfigForUpdateProfile, testFirstLastNameCanBeOptional, testCustomAttribute_Optional,
  testRequiredByUserRole_USER, testNoAttributeValidationsIfNoEditPermission_USER/_ADMIN: the UPDATE_PROFILE,
  ACCOUNT and REGISTRATION contexts; UserProfileTest's ports (test_keycloak_user_profile.py) and the account and
  registration ports cover them on the wire.
* testRequiredByScope_clientDefaultScope: scope-bound requirements, tracked by Doorkeep on the registration form
  only (test_keycloak_user_profile.py's docstring).

LoginPageWithUserProfileTest is LoginPageTest with the DECLARATIVE_USER_PROFILE feature, always on in Keycloak 26:
LoginPageTest's port is its port.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

import group_port
from group_port import fresh_realm
from role_port import TEST_REALM, call, ok
from user_profile_config import DEFAULT_PROFILE
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

PROFILE = "/users/profile"
ADDRESS = "address"
# The Java test's attributes have no permissions, which its old provider read as "anyone edits"; in Keycloak 26 an
# attribute nobody may edit is read-only in every context and never validated, so the ports let both edit it.
EDIT = {"view": [], "edit": ["admin", "user"]}


def with_attributes(*attributes: dict[str, Any]) -> dict[str, Any]:
    config = copy.deepcopy(DEFAULT_PROFILE)
    names = {a["name"] for a in attributes}
    config["attributes"] = [a for a in config["attributes"] if a["name"] not in names] + list(attributes)
    return config


async def create_user(env: Env, **rep: Any) -> tuple[int, Any]:
    body = {"username": "user", "email": "user@example.org", "firstName": "F", "lastName": "L", **rep}
    response = await call(env, "POST", "/users", body)
    return response.status_code, (response.json() if response.content else None)


async def test_configuration_set_invalid(env: Env) -> None:
    """testConfigurationSetInvalid: ``{"validateConfigAttribute": true}`` is no UPConfig; nothing is stored."""
    await fresh_realm(env, TEST_REALM)
    response = await call(env, "PUT", PROFILE, {"validateConfigAttribute": True})
    assert response.status_code == 400, response.text
    assert "validateConfigAttribute" in response.json()["error"]
    assert await ok(env, "GET", PROFILE) == DEFAULT_PROFILE


async def test_configuration_get_set(env: Env) -> None:
    """testConfigurationGetSet: a big configuration (80 more attributes, each with a length validation) is
    served back exactly as set."""
    await fresh_realm(env, TEST_REALM)
    config = with_attributes(
        *({"name": f"username{i}", "validations": {"length": {"min": 3}}, "multivalued": False} for i in range(80))
    )
    assert await ok(env, "PUT", PROFILE, config) == config
    assert await ok(env, "GET", PROFILE) == config


async def test_configuration_get_set_default(env: Env) -> None:
    """testConfigurationGetSetDefault: setting none restores the default configuration."""
    await fresh_realm(env, TEST_REALM)
    await ok(env, "PUT", PROFILE, with_attributes({"name": ADDRESS}))
    await ok(env, "PUT", PROFILE, None)
    assert await ok(env, "GET", PROFILE) == DEFAULT_PROFILE


async def test_custom_attribute_required(env: Env) -> None:
    """testCustomAttribute_Required: ``address`` always required with a length min 4: missing, then too short,
    is refused; ``adress ok`` passes."""
    await fresh_realm(env, TEST_REALM)
    address = {"name": ADDRESS, "validations": {"length": {"min": 4}}, "required": {}, "permissions": EDIT}
    await ok(env, "PUT", PROFILE, with_attributes(address))
    status, body = await create_user(env)
    assert status == 400 and body["field"] == ADDRESS, body
    status, body = await create_user(env, attributes={ADDRESS: ["adr"]})
    assert status == 400 and body["field"] == ADDRESS, body
    assert (await create_user(env, attributes={ADDRESS: ["adress ok"]}))[0] == 201


async def test_required_by_user_role_admin(env: Env) -> None:
    """testRequiredByUserRole_ADMIN: required for role ``admin`` fails in the User API without the attribute."""
    await fresh_realm(env, TEST_REALM)
    await ok(
        env, "PUT", PROFILE, with_attributes({"name": ADDRESS, "required": {"roles": ["admin"]}, "permissions": EDIT})
    )
    status, body = await create_user(env)
    assert status == 400 and body["field"] == ADDRESS, body
    assert (await create_user(env, attributes={ADDRESS: ["here"]}))[0] == 201


async def test_required_by_user_role_user_is_not_required_in_the_user_api(env: Env) -> None:
    """testRequiredByUserRole_USER's last step: required for role ``user`` does not fail in the User API."""
    await fresh_realm(env, TEST_REALM)
    await ok(
        env, "PUT", PROFILE, with_attributes({"name": ADDRESS, "required": {"roles": ["user"]}, "permissions": EDIT})
    )
    assert (await create_user(env))[0] == 201


async def test_additional_validation_for_username(env: Env) -> None:
    """testAdditionalValidationForUsername (through the User API): ``username`` configured with a length of at
    least 4 alone refuses ``usr`` with LengthValidator's error (``too-short`` with only a minimum, as the newer
    UserProfileTest port of the same method asserts) and accepts ``user``; the default configuration
    again accepts ``usr`` (its minimum is 3)."""
    await fresh_realm(env, TEST_REALM)
    username = {"name": "username", "validations": {"length": {"min": 4}}, "permissions": EDIT}
    await ok(env, "PUT", PROFILE, with_attributes(username))
    status, body = await create_user(env, username="usr")
    assert status == 400, body
    assert (body["field"], body["errorMessage"]) == ("username", "error-invalid-length-too-short"), body
    assert (await create_user(env, username="user"))[0] == 201
    await ok(env, "PUT", PROFILE, None)
    assert (await create_user(env, username="usr", email="usr@example.org"))[0] == 201


async def test_a_configured_email_pattern_is_applied_by_the_user_api(env: Env) -> None:
    """The same for ``email``: validations other than the default ones are the ones the User API applies (a
    pattern refusing another domain), on create and on update."""
    await fresh_realm(env, TEST_REALM)
    pattern = {"pattern": "^[^@]+@example[.]org$", "error-message": "only-example-org"}
    email = {"name": "email", "validations": {"email": {}, "pattern": pattern}, "permissions": EDIT}
    await ok(env, "PUT", PROFILE, with_attributes(email))
    status, body = await create_user(env, email="user@elsewhere.test")
    assert status == 400 and (body["field"], body["errorMessage"]) == ("email", "only-example-org"), body
    assert (await create_user(env))[0] == 201


async def test_a_username_with_no_configured_validation_still_fits_the_column(env: Env) -> None:
    """Hostile: the profile leaves ``username`` without any validation, so no configured length caps it; a
    300-character username is refused with a 400 (the stored column holds 255, as Keycloak's USER_ENTITY does),
    never a 500, and nothing is written; a short one is created."""
    await fresh_realm(env, TEST_REALM)
    await ok(env, "PUT", PROFILE, with_attributes({"name": "username", "validations": {}, "permissions": EDIT}))
    status, body = await create_user(env, username="u" * 300)
    assert status == 400, body
    assert (await create_user(env, username="ab"))[0] == 201
    users = await call(env, "GET", "/users", None)
    assert [u["username"] for u in users.json()] == ["ab"], users.text
