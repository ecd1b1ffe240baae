"""Keycloak 26's declarative user profile over the wire: UserProfileAdminTest (tests/base, admin/userprofile),
one test per method, and the REST-observable parts of the testsuite's user/profile/UserProfileTest, each
test named after its Java method.

UserProfileTest runs on the server (``RunOnServer``) and sets configurations without username and email
through the provider, which the admin API refuses; the ports below keep the default attributes and add the
Java test's custom ones, and observe through ``users`` (USER_API), ``/account`` (ACCOUNT) what the Java
test reads from the profile. Not ported, with the reason:

* testIdempotentProfile, testValidation (failValidationWhenEmptyAttributes, testAttributeValidation),
  testGetProfileAttributeGroups' metadata objects: they inspect UserProfile objects that have no wire form
  beyond what test_groups_metadata and test_get_profile_attributes observe.
* testResolveProfile, testRequiredByScope, testOptionalAttributeByScope and the other selector/required
  scope methods: they depend on the client scopes an authentication session requests, which Doorkeep's profile
  tracks only on the registration form (users/declared.py, test_keycloak_register_with_user_profile_test.py);
  elsewhere scope-bound attributes are optional and always shown.
* the LDAP and user federation methods: Doorkeep has neither.

The identity-brokering (IDP_REVIEW) methods, KcOidcFirstBrokerLoginTest's user-profile ones
(testDisplayName, testAttributeGrouping, testAttributeGuiOrder, testAttributeInputTypes and the
testDynamicUserProfileReview* methods), are ported in test_kc_port13_idp_review_profile.py, with testRequiredByScope's
IDP_REVIEW part through a login that requests the scope.

Already covered elsewhere: the default configuration's unmanaged attribute policy
(test_admin_user_profile.py), the default attributes' validation in the admin API
(test_admin_users_keycloak_parity.py) and in the Account API (test_account_rest_keycloak_parity.py).
"""

from __future__ import annotations

import copy
import html
import re
from typing import Any

import httpx
import pytest

import group_port
from browser_flow import REDIRECT, code_from, start, submit
from group_port import fresh_realm
from keycloak_port import ADMIN, admin_headers
from role_port import TEST_REALM, assert_event, call, clear_events, ok, poll_events
from support import password_grant
from user_profile_config import BOTH, DEFAULT_PROFILE
from wire_env import Env

pytestmark = pytest.mark.anyio
# One app for the module (group_port.shared_env), each test on a realm ``test`` imported anew.
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

PROFILE = "/users/profile"
ADMIN_ONLY = {"view": [], "edit": ["admin"]}


def with_attributes(*attributes: dict[str, Any], groups: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The default configuration plus ``attributes`` (``UPConfig.addOrReplaceAttribute``)."""
    config = copy.deepcopy(DEFAULT_PROFILE)
    config["attributes"].extend(attributes)
    config["groups"].extend(groups or [])
    return config


# TokenUtil's direct-grant client: the account user's password grant
DIRECT_GRANT = {"clientId": "direct-grant", "secret": "password", "directAccessGrantsEnabled": True, "enabled": True}


async def realm(env: Env, **changes: Any) -> str:
    return await fresh_realm(env, {**TEST_REALM, "clients": [DIRECT_GRANT], **changes})


async def set_profile(env: Env, config: dict[str, Any] | None) -> dict[str, Any]:
    answer: dict[str, Any] = await ok(env, "PUT", PROFILE, config)
    return answer


async def metadata(env: Env) -> dict[str, Any]:
    return {a["name"]: a for a in (await ok(env, "GET", f"{PROFILE}/metadata"))["attributes"]}


async def update_realm(env: Env, **changes: Any) -> None:
    await ok(env, "PUT", "", changes)


async def refused(env: Env, config: dict[str, Any]) -> str:
    response = await call(env, "PUT", PROFILE, config)
    assert response.status_code == 400, response.text
    message: str = response.json()["errorMessage"]
    return message


# --- UserProfileAdminTest -------------------------------------------------------------------------
async def test_default_config_if_none_set(env: Env) -> None:
    await realm(env)
    assert await ok(env, "GET", PROFILE) == DEFAULT_PROFILE


async def test_set_default_config(env: Env) -> None:
    await realm(env)
    config = with_attributes({"name": "test"})
    assert await set_profile(env, config) == {
        **config,
        "attributes": [*DEFAULT_PROFILE["attributes"], {"name": "test", "multivalued": False}],
    }
    assert (await ok(env, "GET", PROFILE))["attributes"][-1] == {"name": "test", "multivalued": False}


async def test_email_required_if_email_as_username_enabled(env: Env) -> None:
    await realm(env, registrationEmailAsUsername=True)
    assert (await metadata(env))["email"]["required"] is True


async def test_email_not_required_if_email_as_username_disabled(env: Env) -> None:
    await realm(env)
    assert (await metadata(env))["email"]["required"] is False


async def test_username_required_and_writable_if_email_as_username_disabled_and_edit_username_allowed(
    env: Env,
) -> None:
    await realm(env, editUsernameAllowed=True)
    username = (await metadata(env))["username"]
    assert (username["required"], username["readOnly"]) == (True, False)


async def test_username_required_and_writable_if_email_as_username_disabled_and_edit_username_disabled(
    env: Env,
) -> None:
    await realm(env, editUsernameAllowed=False)
    username = (await metadata(env))["username"]
    assert (username["required"], username["readOnly"]) == (True, False)


async def test_username_not_required_if_email_as_username_enabled(env: Env) -> None:
    await realm(env, registrationEmailAsUsername=True)
    username = (await metadata(env))["username"]
    assert (username["required"], username["readOnly"]) == (False, True)


async def test_groups_metadata(env: Env) -> None:
    await realm(env)
    config = copy.deepcopy(DEFAULT_PROFILE)
    for i in range(3):
        config["groups"].append(
            {
                "name": f"name-{i}",
                "displayHeader": f"displayHeader-{i}",
                "displayDescription": f"displayDescription-{i}",
                "annotations": {"k1": "v1", "k2": "v2", "k3": "v3"},
            }
        )
    config["attributes"][2]["group"] = config["groups"][0]["name"]
    await set_profile(env, config)
    found = await ok(env, "GET", f"{PROFILE}/metadata")
    assert found["groups"] == config["groups"]
    first_name = next(a for a in found["attributes"] if a["name"] == "firstName")
    assert first_name["group"] == "user-metadata"


# --- PUT users/profile: UPConfigUtils.validate, storage, events ------------------------------------
async def test_invalid_configurations_are_refused_with_keycloaks_messages(env: Env) -> None:
    await realm(env)
    assert await refused(env, {"attributes": []}) == (
        "[The attribute 'username' can not be removed, The attribute 'email' can not be removed]"
    )
    unknown = with_attributes({"name": "phone", "validations": {"phone-number": {}}})
    assert await refused(env, unknown) == "[Validator 'phone-number' defined for attribute 'phone' doesn't exist]"
    twice = with_attributes({"name": "phone"}, {"name": "phone"})
    assert await refused(env, twice) == "[Attribute configuration already exists with 'name':'phone']"
    group = with_attributes({"name": "phone", "group": "contact"})
    assert await refused(env, group) == "[Attribute 'phone' references unknown group 'contact']"
    roles = with_attributes({"name": "phone", "permissions": {"view": ["manager"], "edit": ["admin"]}})
    assert await refused(env, roles) == (
        "['permissions.view' configuration for attribute 'phone' contains unsupported role 'manager']"
    )
    named = with_attributes({"name": "my phone"}, {"name": "x", "required": {"scopes": ["nowhere"]}})
    assert await refused(env, named) == (
        "[Invalid attribute name (only letters, numbers and '.' '_' '-' special characters allowed): my phone', "
        "'required.scopes' configuration for attribute 'x' contains unsupported scope 'nowhere']"
    )
    length = with_attributes({"name": "phone", "validations": {"length": {"min": "x"}}})
    assert await refused(env, length) == (
        "[Validator 'length' defined for attribute 'phone' has incorrect configuration: ValidationError{"
        "validatorId='length', inputHint='min', message='error-validator-config-invalid-number-value', "
        "messageParameters=[x]}, ]"
    )
    assert await ok(env, "GET", PROFILE) == DEFAULT_PROFILE


async def test_a_changed_configuration_is_one_update_event_and_null_restores_the_default(env: Env) -> None:
    realm_id = await realm(env)
    config = with_attributes({"name": "department", "permissions": ADMIN_ONLY})
    await set_profile(env, config)
    await assert_event(env, realm_id, "UPDATE", "users/profile", "USER_PROFILE")
    await set_profile(env, config)  # the same again: setAndGetConfiguration records nothing
    assert await poll_events(env) == []
    assert await set_profile(env, None) == DEFAULT_PROFILE
    assert await ok(env, "GET", PROFILE) == DEFAULT_PROFILE


async def test_realm_export_and_import_carry_the_configuration_as_its_component(env: Env) -> None:
    await realm(env)
    config = with_attributes({"name": "department", "permissions": BOTH, "validations": {"length": {"max": 8}}})
    stored = await set_profile(env, config)
    exported = await ok(env, "POST", "/partial-export")
    [component] = exported["components"]["org.keycloak.userprofile.UserProfileProvider"]
    assert component["providerId"] == "declarative-user-profile"
    assert "doorkeep.userProfile.config" not in exported["attributes"]
    await fresh_realm(env, {**TEST_REALM, "components": exported["components"]})
    assert await ok(env, "GET", PROFILE) == stored
    bad = {"config": {"kc.user.profile.config": ['{"attributes": []}']}, "providerId": "declarative-user-profile"}
    response = await env.http.post(
        "/admin/realms",
        json={"realm": "other", "components": {"org.keycloak.userprofile.UserProfileProvider": [bad]}},
        headers=await admin_headers(env),
    )
    assert response.status_code == 400, response.text
    assert "The attribute 'username' can not be removed" in response.text


# --- Admin REST users with declared attributes (UserProfileTest, USER_API) -------------------------
async def _user(env: Env, body: dict[str, Any]) -> Any:
    return await call(env, "POST", "/users", {"username": "jdoe", "enabled": True, **body})


async def test_create_and_update_user(env: Env) -> None:
    await realm(env)
    edit = {"view": [], "edit": ["admin", "user"]}
    await set_profile(
        env,
        with_attributes({"name": "address", "permissions": edit}, {"name": "business.address", "permissions": edit}),
    )
    created = await _user(env, {"email": "user@keycloak.org", "attributes": {"address": ["fixed-address"]}})
    assert created.status_code == 201, created.text
    user_id = created.headers["location"].rsplit("/", 1)[-1]
    user = await ok(env, "GET", f"/users/{user_id}")
    assert user["attributes"] == {"address": ["fixed-address"]}
    changed = {**user, "attributes": {**user["attributes"], "business.address": ["fixed-business-address"]}}
    await ok(env, "PUT", f"/users/{user_id}", changed)
    assert (await ok(env, "GET", f"/users/{user_id}"))["attributes"] == changed["attributes"]
    await ok(env, "PUT", f"/users/{user_id}", {"firstName": "Alice"})  # without attributes: kept
    assert (await ok(env, "GET", f"/users/{user_id}"))["attributes"] == changed["attributes"]


async def test_required_custom_attribute_and_validations_in_the_admin_api(env: Env) -> None:
    await realm(env)
    department = {
        "name": "department",
        "permissions": BOTH,
        "required": {"roles": ["admin"]},
        "validations": {"options": {"options": ["sales", "support"]}},
    }
    phone = {"name": "phoneNumber", "permissions": BOTH, "validations": {"pattern": {"pattern": "\\+?[0-9]+"}}}
    await set_profile(env, with_attributes(department, phone))
    missing = await _user(env, {})
    assert (missing.status_code, missing.json()) == (
        400,
        {"field": "department", "errorMessage": "error-user-attribute-required", "params": ["department"]},
    )
    both = await _user(env, {"attributes": {"department": ["marketing"], "phoneNumber": ["call me"]}})
    assert (both.status_code, both.json()) == (
        400,
        {
            "errors": [
                {"field": "department", "errorMessage": "error-invalid-value", "params": ["department"]},
                {
                    "field": "phoneNumber",
                    "errorMessage": "error-pattern-no-match",
                    "params": ["phoneNumber", "\\+?[0-9]+"],
                },
            ]
        },
    )
    two = await _user(env, {"attributes": {"department": ["sales", "support"]}})
    assert two.json() == {
        "field": "department",
        "errorMessage": "error-invalid-multivalued-size",
        "params": ["department", 1, 1],
    }
    fine = await _user(env, {"attributes": {"department": ["sales"], "phoneNumber": "+3312"}})
    assert fine.status_code == 201, fine.text


async def test_number_length_and_uri_validators(env: Env) -> None:
    await realm(env)
    config = with_attributes(
        {"name": "age", "permissions": BOTH, "validations": {"integer": {"min": 18, "max": 99}}},
        {"name": "code", "permissions": BOTH, "validations": {"length": {"min": 2, "max": 4}}},
        {"name": "site", "permissions": BOTH, "validations": {"uri": {}}},
    )
    await set_profile(env, config)
    bad = await _user(env, {"attributes": {"age": ["7"], "code": ["abcdef"], "site": ["ftp://x.org"]}})
    assert bad.json()["errors"] == [
        {"field": "age", "errorMessage": "error-number-out-of-range", "params": ["age", 18, 99]},
        {"field": "code", "errorMessage": "error-invalid-length", "params": ["code", 2, 4]},
        {"field": "site", "errorMessage": "error-invalid-uri-scheme", "params": ["site", "ftp://x.org", "ftp"]},
    ]
    nan = await _user(env, {"attributes": {"age": ["old"]}})
    assert nan.json() == {"field": "age", "errorMessage": "error-invalid-number", "params": ["age"]}


async def test_readonly_updates(env: Env) -> None:
    """department editable by the admin only: set through the admin API, refused through the account."""
    await realm(env)
    await set_profile(
        env, with_attributes({"name": "department", "permissions": {"view": ["user"], "edit": ["admin"]}})
    )
    created = await _user(
        env,
        {
            "email": "jdoe@keycloak.org",
            "firstName": "John",
            "lastName": "Doe",
            "credentials": [{"type": "password", "value": "password", "temporary": False}],
            "attributes": {"department": ["sales"]},
        },
    )
    user_id = created.headers["location"].rsplit("/", 1)[-1]
    assert (await ok(env, "GET", f"/users/{user_id}"))["attributes"] == {"department": ["sales"]}
    headers = await _account_headers(env)
    account = (await env.http.get("/realms/test/account", headers=headers)).json()
    assert account["attributes"] == {"department": ["sales"]}
    [meta] = [a for a in account["userProfileMetadata"]["attributes"] if a["name"] == "department"]
    assert (meta["readOnly"], meta["required"]) == (True, False)
    response = await env.http.post(
        "/realms/test/account", headers=headers, json={**account, "attributes": {"department": ["cannot-change"]}}
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"] == [
        {"field": "department", "errorMessage": "error-user-attribute-read-only", "params": ["department"]}
    ]
    assert (await ok(env, "GET", f"/users/{user_id}"))["attributes"] == {"department": ["sales"]}


async def test_attributes_the_admin_may_not_view_are_left_out(env: Env) -> None:
    """secret is the user's own (view and edit for ``user``): an admin neither writes nor sees it."""
    await realm(env)
    secret = {"name": "secret", "permissions": {"view": ["user"], "edit": ["user"]}}
    await set_profile(env, with_attributes(secret, {"name": "department", "permissions": BOTH}))
    user_id = await _account_user(env, {"secret": ["from-admin"], "department": ["sales"]})
    assert (await ok(env, "GET", f"/users/{user_id}"))["attributes"] == {"department": ["sales"]}
    headers = await _account_headers(env)
    account = (await env.http.get("/realms/test/account", headers=headers)).json()
    mine = {**account, "attributes": {"secret": ["mine"], "department": ["sales"]}}
    assert (await env.http.post("/realms/test/account", headers=headers, json=mine)).status_code == 204
    assert (await env.http.get("/realms/test/account", headers=headers)).json()["attributes"] == mine["attributes"]
    user = await ok(env, "GET", f"/users/{user_id}", userProfileMetadata="true")
    assert user["attributes"] == {"department": ["sales"]}
    (listed,) = await ok(env, "GET", "/users", username="jdoe", exact="true")
    assert listed["attributes"] == {"department": ["sales"]}
    names = [a["name"] for a in user["userProfileMetadata"]["attributes"]]
    assert names == ["username", "email", "firstName", "lastName", "department"]
    await ok(env, "PUT", f"/users/{user_id}", {**user, "attributes": {"department": ["support"]}})
    kept = (await env.http.get("/realms/test/account", headers=headers)).json()["attributes"]
    assert kept == {"secret": ["mine"], "department": ["support"]}  # the admin's PUT leaves it alone
    await clear_events(env)


# --- Account REST (ACCOUNT context) ------------------------------------------------------------------
async def _account_headers(env: Env) -> dict[str, str]:
    grant = await password_grant(env.http, "test", "direct-grant", username="jdoe", secret="password")
    token = grant.json()
    return {"Authorization": f"Bearer {token['access_token']}"}


async def _account_user(env: Env, attributes: dict[str, Any] | None = None) -> str:
    created = await _user(
        env,
        {
            "email": "jdoe@keycloak.org",
            "firstName": "John",
            "lastName": "Doe",
            "credentials": [{"type": "password", "value": "password", "temporary": False}],
            **({"attributes": attributes} if attributes else {}),
        },
    )
    assert created.status_code == 201, created.text
    return str(created.headers["location"].rsplit("/", 1)[-1])


async def test_validate_compliance_with_user_profile(env: Env) -> None:
    await realm(env, eventsEnabled=True)
    await _account_user(env)
    headers = await _account_headers(env)  # before the profile requires an address VERIFY_PROFILE would ask for
    await set_profile(env, with_attributes({"name": "address", "required": {}, "permissions": {"edit": ["user"]}}))
    account = (await env.http.get("/realms/test/account", headers=headers)).json()
    response = await env.http.post("/realms/test/account", headers=headers, json=account)
    assert (response.status_code, response.json()) == (
        400,
        {
            "field": "address",
            "errorMessage": "error-user-attribute-required",
            "params": ["address"],
            "errors": [{"field": "address", "errorMessage": "error-user-attribute-required", "params": ["address"]}],
        },
    )
    fixed = {**account, "attributes": {"address": ["fixed-address"]}}
    assert (await env.http.post("/realms/test/account", headers=headers, json=fixed)).status_code == 204
    # EventAuditingAttributeChangeListener: the custom attribute's change in the UPDATE_PROFILE event
    events = (
        await env.http.get(f"{ADMIN}/events", params={"type": "UPDATE_PROFILE"}, headers=await admin_headers(env))
    ).json()
    assert events[0]["details"]["updated_address"] == "fixed-address"
    assert "previous_address" not in events[0]["details"]
    assert (await env.http.get("/realms/test/account", headers=headers)).json()["attributes"] == {
        "address": ["fixed-address"]
    }


async def test_get_profile_attributes(env: Env) -> None:
    await realm(env)
    address = {"name": "address", "displayName": "${address}", "required": {}, "permissions": {"edit": ["user"]}}
    await _account_user(env)
    headers = await _account_headers(env)
    await set_profile(env, with_attributes(address, groups=[{"name": "companyaddress", "displayHeader": "header"}]))
    account = (await env.http.get("/realms/test/account", headers=headers)).json()
    assert "attributes" not in account
    [meta] = [a for a in account["userProfileMetadata"]["attributes"] if a["name"] == "address"]
    assert meta == {
        "name": "address",
        "displayName": "${address}",
        "required": True,
        "readOnly": False,
        "validators": {},
        "multivalued": False,
    }
    assert account["userProfileMetadata"]["groups"][-1] == {"name": "companyaddress", "displayHeader": "header"}


async def test_custom_attribute_in_any_context(env: Env) -> None:
    """The account's errors name the attribute by its display name, as AccountRestService does."""
    await realm(env)
    phone = {
        "name": "phone",
        "displayName": "Phone number",
        "permissions": BOTH,
        "validations": {"length": {"max": 5}},
    }
    await set_profile(env, with_attributes(phone))
    await _account_user(env, {"phone": ["123"]})
    headers = await _account_headers(env)
    account = (await env.http.get("/realms/test/account", headers=headers)).json()
    assert account["attributes"] == {"phone": ["123"]}
    response = await env.http.post(
        "/realms/test/account", headers=headers, json={**account, "attributes": {"phone": ["1234567"]}}
    )
    assert response.json()["errors"] == [
        {"field": "phone", "errorMessage": "error-invalid-length-too-long", "params": ["Phone number", None, "5"]}
    ]


# --- the registration form and the update-profile page (REGISTRATION, UPDATE_PROFILE) ---------------
APP = {"clientId": "app", "publicClient": True, "redirectUris": [REDIRECT + "*"], "enabled": True}
DEPARTMENT = {
    "name": "department",
    "displayName": "Department",
    "permissions": BOTH,
    "required": {"roles": ["user"]},
    "validations": {"options": {"options": ["sales", "support"]}},
    "group": "work",
}
HIDDEN = {"name": "clearance", "permissions": {"view": ["admin"], "edit": ["admin"]}}
WORK = [{"name": "work", "displayHeader": "Work"}]


def field_error(page: httpx.Response, field: str) -> str | None:
    found = re.search(rf'<span id="input-error-{field}"[^>]*>([^<]*)</span>', page.text)
    return html.unescape(found.group(1)) if found else None


async def test_registration_form_shows_validates_and_stores_the_declared_attributes(env: Env) -> None:
    await realm(env, registrationAllowed=True, clients=[APP])
    await set_profile(env, with_attributes(DEPARTMENT, HIDDEN, groups=WORK))
    login = await start(env.http, "test", "app")
    link = re.search(r'<div id="kc-registration"><span>[^<]*<a href="([^"]+)"', login.text)
    assert link is not None, login.text
    page = await env.http.get(html.unescape(link.group(1)))
    assert 'name="department"' in page.text and '<label id="header-work">Work</label>' in page.text
    assert 'name="clearance"' not in page.text  # the user may not edit it
    form = {
        "firstName": "Jane",
        "lastName": "Doe",
        "email": "jane@keycloak.org",
        "username": "jane",
        "password": "Str0ng-pass!",
        "password-confirm": "Str0ng-pass!",
    }
    page = await submit(env.http, page, **form)
    assert field_error(page, "department") == "Please specify this field."
    page = await submit(env.http, page, **form, department="marketing")
    assert field_error(page, "department") == "Invalid value."
    done = await submit(env.http, page, **form, department="sales", clearance="top")
    assert "code" in code_from(done)
    (jane,) = await ok(env, "GET", "/users", username="jane", exact="true")
    assert jane["attributes"] == {"department": ["sales"]}


async def test_update_profile_page_edits_the_declared_attributes(env: Env) -> None:
    await realm(env, clients=[APP])
    user_id = await _account_user(env, {"department": ["sales"]})
    await set_profile(env, with_attributes(DEPARTMENT, groups=WORK))
    await ok(env, "PUT", f"/users/{user_id}", {"requiredActions": ["UPDATE_PROFILE"]})
    page = await submit(env.http, await start(env.http, "test", "app"), username="jdoe", password="password")
    assert 'id="kc-update-profile-form"' in page.text
    assert re.search(r'name="department" value="sales"', page.text), page.text
    names = {"email": "jdoe@keycloak.org", "firstName": "John", "lastName": "Doe"}
    page = await submit(env.http, page, **names, department="")
    assert field_error(page, "department") == "Please specify this field."
    assert "code" in code_from(await submit(env.http, page, **names, department="support"))
    assert (await ok(env, "GET", f"/users/{user_id}"))["attributes"] == {"department": ["support"]}


BADGE = {"name": "badge", "displayName": "Badge", "permissions": {"view": ["admin", "user"], "edit": ["admin"]}}


async def test_update_profile_page_shows_a_read_only_attribute_disabled_with_its_value(env: Env) -> None:
    """user-profile-commons.ftl renders an attribute the user may view but not edit as a ``disabled`` input
    holding the user's value; a value posted under its name changes nothing."""
    await realm(env, clients=[APP])
    user_id = await _account_user(env, {"badge": ["B-1"], "department": ["sales"]})
    await set_profile(env, with_attributes(DEPARTMENT, BADGE, HIDDEN, groups=WORK))
    await ok(env, "PUT", f"/users/{user_id}", {"requiredActions": ["UPDATE_PROFILE"]})
    page = await submit(env.http, await start(env.http, "test", "app"), username="jdoe", password="password")
    assert re.search(
        r'<label for="badge">Badge</label><input type="text" id="badge" name="badge" value="B-1" disabled>', page.text
    ), page.text
    assert 'name="clearance"' not in page.text  # neither viewable nor editable: not shown at all
    names = {"email": "jdoe@keycloak.org", "firstName": "John", "lastName": "Doe"}
    page = await submit(env.http, page, **names, department="", badge="forged")
    assert field_error(page, "department") == "Please specify this field."
    assert re.search(r'name="badge" value="B-1" disabled', page.text), page.text  # the user's, not the post
    assert "code" in code_from(await submit(env.http, page, **names, department="support", badge="forged"))
    assert (await ok(env, "GET", f"/users/{user_id}"))["attributes"] == {"badge": ["B-1"], "department": ["support"]}


async def test_registration_form_leaves_out_a_read_only_attribute_and_ignores_its_value(env: Env) -> None:
    """The registration form has no input for an attribute the user may view but not edit (Keycloak's
    RegisterWithUserProfileTest requiredReadOnlyAttributeNotRendered...); a value posted under its name is not
    stored."""
    await realm(env, registrationAllowed=True, clients=[APP])
    await set_profile(env, with_attributes(BADGE))
    login = await start(env.http, "test", "app")
    link = re.search(r'<div id="kc-registration"><span>[^<]*<a href="([^"]+)"', login.text)
    assert link is not None, login.text
    page = await env.http.get(html.unescape(link.group(1)))
    assert 'name="badge"' not in page.text, page.text
    form = {
        "firstName": "Jane",
        "lastName": "Doe",
        "email": "jane@keycloak.org",
        "username": "jane",
        "password": "Str0ng-pass!",
        "password-confirm": "Str0ng-pass!",
    }
    assert "code" in code_from(await submit(env.http, page, **form, badge="forged"))
    (jane,) = await ok(env, "GET", "/users", username="jane", exact="true")
    assert "attributes" not in jane


async def test_first_and_last_name_follow_the_configuration(env: Env) -> None:
    """Names no longer required for the user may be left empty through the account; required for the admin
    too, the admin API asks for them."""
    await realm(env)
    await _account_user(env)
    headers = await _account_headers(env)
    optional = copy.deepcopy(DEFAULT_PROFILE)
    for attribute in optional["attributes"][2:]:
        del attribute["required"]
    await set_profile(env, optional)
    account = (await env.http.get("/realms/test/account", headers=headers)).json()
    shown = {a["name"]: a["required"] for a in account["userProfileMetadata"]["attributes"]}
    assert shown == {"username": True, "email": True, "firstName": False, "lastName": False}
    cleared = {**account, "firstName": "", "lastName": ""}
    assert (await env.http.post("/realms/test/account", headers=headers, json=cleared)).status_code == 204
    required = copy.deepcopy(DEFAULT_PROFILE)
    required["attributes"][2]["required"] = {"roles": ["admin", "user"]}
    await set_profile(env, required)
    response = await call(env, "POST", "/users", {"username": "nameless"})
    assert (response.status_code, response.json()) == (
        400,
        {"field": "firstName", "errorMessage": "error-user-attribute-required", "params": ["firstName"]},
    )
