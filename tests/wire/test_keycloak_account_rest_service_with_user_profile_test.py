"""Keycloak's AccountRestServiceWithUserProfileTest (tests/base/.../account/
AccountRestServiceWithUserProfileTest.java) over HTTP: the account's ``userProfileMetadata`` and updates under
declarative user-profile configurations set with ``PUT users/profile`` (VerifyProfileTest.setUserProfileConfiguration:
a username, and a user-required e-mail, added where the configuration leaves them out). The realm is
AbstractRestServiceTest's (``account_rest_service_port``), imported anew for each test; the token is
TokenUtil's (test-user@localhost's password grant of ``direct-grant``), whose client scopes are the ones the
attributes' ``selector`` and ``required`` scopes are matched against. One test per Java method.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import group_port
from account_rest_service_port import account_realm, call, token
from keycloak_port import poll, put, update_realm, user_id
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

ALL = {"view": ["admin", "user"], "edit": ["admin", "user"]}  # VerifyProfileTest.PERMISSIONS_ALL
ADMIN_EDITABLE = {"view": ["admin", "user"], "edit": ["admin"]}  # PERMISSIONS_ADMIN_EDITABLE
ADMIN_ONLY = {"view": ["admin"], "edit": ["admin"]}  # PERMISSIONS_ADMIN_ONLY
LAST_NAME_ANNOTATIONS = {"formHintKey": "userEmailFormFieldHint", "anotherKey": 10, "yetAnotherKey": "some value"}
FIRST_NAME = {
    "name": "firstName",
    "permissions": ALL,
    "required": {"scopes": ["profile"]},
    "displayName": "${profile.firstName}",
    "validations": {"length": {"max": 255}},
}
LAST_NAME = {
    "name": "lastName",
    "permissions": ALL,
    "required": {},
    "displayName": "Last name",
    "annotations": LAST_NAME_ANNOTATIONS,
}
READONLY = {"name": "attr_readonly", "permissions": ADMIN_EDITABLE}
NO_PERMISSION = {"name": "attr_no_permission", "permissions": ADMIN_ONLY}
FOR_METADATA = [  # UP_CONFIG_FOR_METADATA
    FIRST_NAME,
    LAST_NAME,
    {"name": "attr_with_scope_selector", "permissions": ALL, "selector": {"scopes": ["profile"]}},
    {"name": "attr_required", "permissions": ALL, "required": {}},
    {"name": "attr_required_by_role", "permissions": ALL, "required": {"roles": ["user"]}},
    {"name": "attr_required_by_scope", "permissions": ALL, "required": {"scopes": ["profile"]}},
    {"name": "attr_not_required_due_to_role", "permissions": ALL, "required": {"roles": ["admin"]}},
    READONLY,
    NO_PERMISSION,
]


def _names(permissions: dict[str, list[str]]) -> list[dict[str, Any]]:
    """firstName and lastName of UP_CONFIG_FOR_METADATA with other permissions and both required."""
    return [
        {**FIRST_NAME, "permissions": permissions, "required": {}},
        {**LAST_NAME, "permissions": permissions},
    ]


@pytest.fixture
async def access(env: Env) -> str:
    await account_realm(env)
    return await token(env)


async def set_profile(env: Env, attributes: list[dict[str, Any]]) -> None:
    """VerifyProfileTest.setUserProfileConfiguration."""
    config: dict[str, Any] = {"attributes": [dict(a) for a in attributes]}
    names = {a["name"] for a in attributes}
    if "username" not in names:
        config["attributes"].append({"name": "username"})
    if "email" not in names:
        config["attributes"].append({"name": "email", "permissions": ALL, "required": {"roles": ["user"]}})
    await put(env, "/users/profile", json.loads(json.dumps(config)), status=200)


async def get_user(env: Env, access: str) -> dict[str, Any]:
    response = await call(env, "GET", "", access, userProfileMetadata="true")
    assert response.status_code == 200, response.text
    user: dict[str, Any] = response.json()
    return user


def metadata(user: dict[str, Any], name: str) -> dict[str, Any] | None:
    """``getUserProfileAttributeMetadata``."""
    found = [a for a in user["userProfileMetadata"]["attributes"] if a["name"] == name]
    return found[0] if found else None


def assert_metadata(user: dict[str, Any], name: str, display: str, required: bool, read_only: bool) -> dict[str, Any]:
    """``assertUserProfileAttributeMetadata``."""
    found = metadata(user, name)
    assert found is not None, (name, user["userProfileMetadata"])
    assert (found.get("displayName"), found["required"], found["readOnly"]) == (display, required, read_only), found
    return found


def assert_for_metadata(user: dict[str, Any], username_read_only: bool) -> None:
    """What testEditUsernameAllowed and testEditUsernameDisallowed read of UP_CONFIG_FOR_METADATA."""
    assert_metadata(user, "username", "${username}", True, username_read_only)
    assert_metadata(user, "email", "${email}", True, False)
    first = assert_metadata(user, "firstName", "${profile.firstName}", True, False)
    assert first.get("annotations") is None
    assert first["validators"]["length"]["max"] == 255, first
    last = assert_metadata(user, "lastName", "Last name", True, False)
    assert last.get("annotations") == LAST_NAME_ANNOTATIONS, last
    assert_metadata(user, "attr_with_scope_selector", "attr_with_scope_selector", False, False)
    assert_metadata(user, "attr_required", "attr_required", True, False)
    assert_metadata(user, "attr_required_by_role", "attr_required_by_role", True, False)
    assert_metadata(user, "attr_required_by_scope", "attr_required_by_scope", True, False)
    assert_metadata(user, "attr_not_required_due_to_role", "attr_not_required_due_to_role", False, False)
    assert_metadata(user, "attr_readonly", "attr_readonly", False, True)
    assert metadata(user, "attr_no_permission") is None


async def test_edit_username_allowed(env: Env, access: str) -> None:
    await update_realm(env, editUsernameAllowed=True)
    await set_profile(env, FOR_METADATA)
    assert_for_metadata(await get_user(env, access), username_read_only=False)


async def test_get_user_profile_metadata_no_access_to_name_fields(env: Env, access: str) -> None:
    await update_realm(env, editUsernameAllowed=False)
    await set_profile(env, [*_names(ADMIN_ONLY), READONLY, NO_PERMISSION])
    user = await get_user(env, access)
    assert_metadata(user, "username", "${username}", True, True)
    assert_metadata(user, "email", "${email}", True, False)
    assert metadata(user, "firstName") is None and metadata(user, "lastName") is None
    assert_metadata(user, "attr_readonly", "attr_readonly", False, True)
    assert metadata(user, "attr_no_permission") is None


async def test_get_user_profile_metadata_ro_access_to_name_fields(env: Env, access: str) -> None:
    await update_realm(env, editUsernameAllowed=False)
    await set_profile(env, [*_names(ADMIN_EDITABLE), READONLY, NO_PERMISSION])
    user = await get_user(env, access)
    assert_metadata(user, "username", "${username}", True, True)
    assert_metadata(user, "email", "${email}", True, False)
    assert_metadata(user, "firstName", "${profile.firstName}", True, True)
    assert_metadata(user, "lastName", "Last name", True, True)
    assert_metadata(user, "attr_readonly", "attr_readonly", False, True)
    assert metadata(user, "attr_no_permission") is None


async def test_get_user_profile_metadata_ro_access_to_username_and_email(env: Env, access: str) -> None:
    await update_realm(env, editUsernameAllowed=False)
    email = {
        "name": "email",
        "permissions": ADMIN_EDITABLE,
        "required": {},
        "displayName": "${email}",
        "annotations": LAST_NAME_ANNOTATIONS,
    }
    await set_profile(env, [email, READONLY, NO_PERMISSION])
    user = await get_user(env, access)
    assert_metadata(user, "username", "${username}", True, True)
    assert_metadata(user, "email", "${email}", True, True)
    assert_metadata(user, "attr_readonly", "attr_readonly", False, True)
    assert metadata(user, "attr_no_permission") is None


async def test_edit_username_disallowed(env: Env, access: str) -> None:
    await update_realm(env, editUsernameAllowed=False)
    await set_profile(env, FOR_METADATA)
    assert_for_metadata(await get_user(env, access), username_read_only=True)


async def test_update_profile_event_with_additional_attributes_auditing(env: Env, access: str) -> None:
    await set_profile(
        env,
        [
            {"name": "firstName", "permissions": ALL, "required": {}},
            {"name": "lastName", "permissions": ALL, "required": {}},
            {"name": "attr1", "permissions": ALL},
            {"name": "attr2", "permissions": ALL},
        ],
    )
    user = await get_user(env, access)
    original = {k: user.get(k) for k in ("email", "firstName", "lastName")}
    await update_realm(env, registrationEmailAsUsername=False)
    user.pop("userProfileMetadata", None)
    user.update(email="bobby@localhost", firstName="Homer", lastName="Simpsons")
    user["attributes"] = {**(user.get("attributes") or {}), "attr1": ["val11"], "attr2": ["val22"]}
    await poll(env)
    response = await call(env, "POST", "", access, user)
    assert response.status_code == 204, response.text
    [event] = await poll(env)
    assert (event["type"], event["userId"]) == ("UPDATE_PROFILE", await user_id(env, "test-user@localhost")), event
    expected = {
        "context": "ACCOUNT",
        "previous_email": original["email"],
        "updated_email": "bobby@localhost",
        "previous_first_name": original["firstName"],
        "previous_last_name": original["lastName"],
        "updated_first_name": "Homer",
        "updated_last_name": "Simpsons",
        "updated_attr2": "val22",
    }
    assert {k: event["details"].get(k) for k in expected} == expected, event


async def test_manage_user_locale_attribute(env: Env, access: str) -> None:
    await update_realm(env, internationalizationEnabled=False)
    user = await get_user(env, access)

    async def update_and_get(rep: dict[str, Any]) -> dict[str, Any]:
        rep = {k: v for k, v in rep.items() if k != "userProfileMetadata"}
        response = await call(env, "POST", "", access, rep)
        assert response.status_code == 204, response.text
        return await get_user(env, access)

    user["attributes"] = {**(user.get("attributes") or {}), "locale": ["pt_BR"]}
    user = await update_and_get(user)
    assert user.get("attributes") is None, user  # not internationalized: not the user profile's

    await update_realm(env, internationalizationEnabled=True)
    user["attributes"] = {"locale": ["pt_BR"]}
    user = await update_and_get(user)
    assert user["attributes"]["locale"] == ["pt_BR"], user

    del user["attributes"]["locale"]
    user = await update_and_get(user)
    assert user.get("attributes") is None, user
    assert metadata(user, "locale") is not None
