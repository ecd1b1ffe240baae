"""Keycloak's UPConfigParserTest (testsuite user/profile/config), method by method, through the Admin REST call
its UPConfigUtils.readConfig and validate stand behind: ``PUT /admin/realms/{realm}/users/profile``
(UserProfileResource.update). Jackson binds the body to UPConfig (UPAttribute.setName and setGroup trim, an
unknown property is KcUnrecognizedPropertyExceptionHandler's 400) and a configuration validate finds fault with
is one 400 listing the messages. The Java test's ``test-OK.json`` is CONFIG_OK below; its realm's five client
scopes are created first. Where the Java test counts errors, the port compares the messages themselves; removing
the ``email`` attribute's name also removes ``email``, which the REST path refuses too ("can not be removed").

parseConfigurationFile_invalidJsonFormat's ``test-invalidJsonFormat.json`` is not in the repository; any body
that is not JSON stands for it.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest

import group_port
from group_port import fresh_realm
from keycloak_port import ADMIN, admin_headers
from role_port import TEST_REALM, call, create, ok
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

PROFILE = "/users/profile"
SCOPES = ("phone-1-sel", "phone-1", "phone-2-sel", "phone-2", "phone-3-sel")
CONFIG_OK: dict[str, Any] = {
    "groups": [
        {
            "name": "contact",
            "displayHeader": "Contact information",
            "displayDescription": "Required to contact you in case of emergency",
            "annotations": {"contactanno1": "value1"},
        }
    ],
    "attributes": [
        {"name": "username", "validations": {"length": {"min": 3, "max": 80}}},
        {
            "name": "email ",
            "validations": {"length": {"max": 255}, "email": {}, "not-blank": {}},
            "required": {"roles": ["user", "admin"]},
            "annotations": {"formHintKey": "userEmailFormFieldHint", "anotherKey": 10, "yetAnotherKey": "some value"},
        },
        {
            "name": "firstName",
            "validations": {"length": {"max": 255}},
            "permissions": {"view": ["admin", "user"], "edit": ["admin", "user"]},
            "required": {},
        },
        {
            "name": "lastName",
            "validations": {"length": {"max": 255}},
            "required": {},
            "permissions": {"view": ["admin", "user"], "edit": ["admin"]},
        },
        {
            "name": "phone",
            "displayName": "${profile.phone}",
            "validations": {"not-blank": {}},
            "group": "contact",
            "required": {"scopes": ["phone-1", "phone-2"], "roles": ["user", "admin"]},
            "selector": {"scopes": ["phone-1-sel", "phone-2-sel", "phone-3-sel"]},
            "permissions": {"view": ["admin", "user"], "edit": ["admin"]},
        },
    ],
}


async def realm(env: Env) -> None:
    """UPConfigParserTest.configureTestRealm: the test realm with the five client scopes test-OK.json names."""
    await fresh_realm(env, TEST_REALM)
    for name in SCOPES:
        await create(env, "/client-scopes", {"name": name, "protocol": "openid-connect"})


def config_ok() -> dict[str, Any]:
    return copy.deepcopy(CONFIG_OK)


async def put_raw(env: Env, body: bytes) -> httpx.Response:
    headers = {**await admin_headers(env), "Content-Type": "application/json"}
    return await env.http.put(f"{ADMIN}{PROFILE}", content=body, headers=headers)


async def refused(env: Env, config: Any) -> str:
    """The message of validate's 400: ComponentValidationException's, the errors as Java's List.toString."""
    response = await call(env, "PUT", PROFILE, config)
    assert response.status_code == 400, response.text
    message: str = response.json()["errorMessage"]
    return message


def listed(*errors: str) -> str:
    return "[" + ", ".join(errors) + "]"


async def accepted(env: Env, config: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = await ok(env, "PUT", PROFILE, config)
    return answer


async def test_attribute_name_is_valid(env: Env) -> None:
    """attributeNameIsValid: letters, digits and ``.`` ``_`` ``-`` only; a blank name is no name at all."""
    await realm(env)
    for name in ("", " "):
        config = config_ok()
        config["attributes"].append({"name": name})
        assert await refused(env, config) == listed("Attribute configuration without 'name' is not allowed")
    for name in ("a b", "a*b", "a%b", "a$b"):
        config = config_ok()
        config["attributes"].append({"name": name})
        assert await refused(env, config) == listed(
            f"Invalid attribute name (only letters, numbers and '.' '_' '-' special characters allowed): {name}'"
        )
    config = config_ok()
    config["attributes"].extend({"name": name} for name in ("a-b", "a.b", "a_b", "a3B"))
    names = [a["name"] for a in (await accepted(env, config))["attributes"]]
    assert names[-4:] == ["a-b", "a.b", "a_b", "a3B"]


async def test_load_configuration_from_json_file(env: Env) -> None:
    """loadConfigurationFromJsonFile: test-OK.json is read whole, its five attributes kept."""
    await realm(env)
    assert len((await accepted(env, config_ok()))["attributes"]) == 5
    assert len((await ok(env, "GET", PROFILE))["attributes"]) == 5


async def test_parse_configuration_file_ok(env: Env) -> None:
    """parseConfigurationFile_OK: every part of test-OK.json as Jackson binds it, the name ``email `` trimmed."""
    await realm(env)
    await accepted(env, config_ok())
    config = await ok(env, "GET", PROFILE)
    attributes = config["attributes"]
    email = attributes[1]
    assert email["name"] == "email"
    assert len(email["validations"]) == 3 and email["validations"]["length"] == {"max": 255}
    assert email["annotations"]["formHintKey"] == "userEmailFormFieldHint"
    phone = attributes[4]
    assert sorted(phone["required"]["roles"]) == ["admin", "user"]
    assert sorted(phone["required"]["scopes"]) == ["phone-1", "phone-2"]  # scopes and roles: not always required
    last_name = attributes[3]
    assert last_name["required"] == {}  # neither roles nor scopes: always required
    assert last_name["permissions"] == {"view": ["admin", "user"], "edit": ["admin"]}
    assert sorted(phone["selector"]["scopes"]) == ["phone-1-sel", "phone-2-sel", "phone-3-sel"]
    assert phone["displayName"] == "${profile.phone}"
    assert phone["group"] == "contact"
    assert config["groups"] == CONFIG_OK["groups"]


async def test_parse_configuration_file_invalid_json_format(env: Env) -> None:
    """parseConfigurationFile_invalidJsonFormat: a body that is not JSON is refused; the configuration stays."""
    await realm(env)
    before = await ok(env, "GET", PROFILE)
    response = await put_raw(env, b'{"attributes": [ {"name": "username"} ')
    assert response.status_code == 400, response.text
    assert await ok(env, "GET", PROFILE) == before


async def test_parse_configuration_file_invalid_type(env: Env) -> None:
    """parseConfigurationFile_invalidType: ``attributes`` an object, not a list, is refused; nothing changes."""
    await realm(env)
    before = await ok(env, "GET", PROFILE)
    response = await put_raw(env, b'{\n\t"attributes": {}\n}')
    assert response.status_code == 400, response.text
    assert await ok(env, "GET", PROFILE) == before


async def test_parse_configuration_file_unknown_field(env: Env) -> None:
    """parseConfigurationFile_unknownField: UPConfig has no property ``unknown``; Jackson refuses the body before
    validate would (which would refuse its empty attributes), as KcUnrecognizedPropertyExceptionHandler words it."""
    await realm(env)
    before = await ok(env, "GET", PROFILE)
    response = await put_raw(env, b'{\n\t"attributes": [\n\t],\n\t"unknown" : {}\n}')
    assert (response.status_code, response.json()) == (
        400,
        {"error": 'Invalid json representation for UPConfig. Unrecognized field "unknown" at line 4 column 15.'},
    )
    assert await ok(env, "GET", PROFILE) == before


async def test_validate_configuration_ok(env: Env) -> None:
    """validateConfiguration_OK: test-OK.json has no error, and is served back as stored."""
    await realm(env)
    answer = await accepted(env, config_ok())
    assert answer == await ok(env, "GET", PROFILE)
    assert [a["name"] for a in answer["attributes"]] == ["username", "email", "firstName", "lastName", "phone"]


async def test_validate_configuration_attribute_name_errors(env: Env) -> None:
    """validateConfiguration_attributeNameErrors: no name, a blank one, a duplicate, a space inside."""
    await realm(env)
    removed = "The attribute 'email' can not be removed"
    for name in (None, " "):
        config = config_ok()
        config["attributes"][1]["name"] = name
        assert await refused(env, config) == listed("Attribute configuration without 'name' is not allowed", removed)
    config = config_ok()
    config["attributes"][1]["name"] = "firstName"
    assert await refused(env, config) == listed(
        "Attribute configuration already exists with 'name':'firstName'", removed
    )
    config = config_ok()
    config["attributes"][1]["name"] = "ema il"
    assert await refused(env, config) == listed(
        "Invalid attribute name (only letters, numbers and '.' '_' '-' special characters allowed): ema il'",
        removed,
    )


async def test_validate_configuration_attribute_permissions_errors(env: Env) -> None:
    """validateConfiguration_attributePermissionsErrors: no permissions, empty ones, then an unknown role in view
    and in edit."""
    await realm(env)
    config = config_ok()
    email = config["attributes"][1]
    email.pop("permissions", None)
    await accepted(env, config)
    email["permissions"] = {}
    await accepted(env, config)
    email["permissions"] = {"view": [], "edit": []}
    await accepted(env, config)
    email["permissions"] = {"view": ["invalid"], "edit": []}
    view = "'permissions.view' configuration for attribute 'email' contains unsupported role 'invalid'"
    assert await refused(env, config) == listed(view)
    email["permissions"] = {"view": ["invalid"], "edit": ["invalid"]}
    edit = "'permissions.edit' configuration for attribute 'email' contains unsupported role 'invalid'"
    assert await refused(env, config) == listed(view, edit)


async def test_validate_configuration_attribute_requirements_errors(env: Env) -> None:
    """validateConfiguration_attributeRequirementsErrors: no requirement, an empty one (always required), then an
    unknown role."""
    await realm(env)
    config = config_ok()
    email = config["attributes"][1]
    email.pop("required")
    assert "required" not in (await accepted(env, config))["attributes"][1]
    email["required"] = {}
    assert (await accepted(env, config))["attributes"][1]["required"] == {}
    email["required"] = {"roles": ["invalid"]}
    assert await refused(env, config) == listed(
        "'required.roles' configuration for attribute 'email' contains unsupported role 'invalid'"
    )


async def test_validate_configuration_attribute_validations_errors(env: Env) -> None:
    """validateConfiguration_attributeValidationsErrors: a blank validator id, then ``length`` with a ``min`` that
    is no number."""
    await realm(env)
    config = config_ok()
    for attribute in config["attributes"]:
        attribute.pop("validations", None)
    email = config["attributes"][1]
    email["validations"] = {" ": None}
    assert await refused(env, config) == listed("Validation without validator id is defined for attribute 'email'")
    email["validations"] = {"length": {"min": "aaa"}}
    message = await refused(env, config)
    assert message.startswith("[Validator 'length' defined for attribute 'email' has incorrect configuration: ")


async def test_validate_configuration_attribute_group_configuration_errors(env: Env) -> None:
    """validateConfiguration_attributeGroupConfigurationErrors: a group without a name."""
    await realm(env)
    config = config_ok()
    config["groups"].append({})
    assert await refused(env, config) == listed("Name is mandatory for groups, found 1 group(s) without name.")


async def test_validate_configuration_attribute_group_reference_errors(env: Env) -> None:
    """validateConfiguration_attributeGroupReferenceErrors: an attribute in a group the configuration lacks."""
    await realm(env)
    config = config_ok()
    config["attributes"][0]["group"] = "non-existing-group"
    assert await refused(env, config) == listed("Attribute 'username' references unknown group 'non-existing-group'")


async def test_validate_configuration_attribute_annotations_errors(env: Env) -> None:
    """validateConfiguration_attributeAnnotationsErrors: ``inputOptions`` and ``inputOptionLabels`` that are
    strings, not an array and an object."""
    await realm(env)
    config = config_ok()
    config["attributes"][1]["annotations"].update({"inputOptions": "", "inputOptionLabels": ""})
    assert await refused(env, config) == listed(
        "Annotation 'inputOptions' configured for attribute 'email' must be an array of values!'",
        "Annotation 'inputOptionLabels' configured for attribute 'email' must be an object!'",
    )


def test_config_ok_is_the_java_tests_file() -> None:
    """CONFIG_OK round-trips through JSON unchanged (a guard on the fixture itself)."""
    assert json.loads(json.dumps(CONFIG_OK)) == CONFIG_OK
