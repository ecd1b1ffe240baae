"""Keycloak's RegisterWithUserProfileTest (testsuite/integration-arquillian/tests/base/.../forms/
RegisterWithUserProfileTest.java) over HTTP: the registration form under a declarative user profile set with
``PUT users/profile`` (UserProfileUtil.setUserProfileConfiguration: a username and a user-required e-mail added
where the configuration leaves them out). Attributes required or selected by a client scope count only where the
authorization request asks for the scope (``client-b``: the scopes ``lastName`` and ``department`` optional,
requested with ``scope``) or the client has it by default (``client-a``). One app for the module; the realm
(``register_port.realm_rep`` with the two scopes and clients) is imported anew for each test. Beyond the Java
class: the unmanaged attributes a registration form posts are stored under ``unmanagedAttributePolicy`` ENABLED
and dropped without a policy.

testAttributeGuiOrder, testAttributeGrouping and testAttributeInputTypes read the form's elements as the Java
test's CSS selectors do (``profile_form_port``). The Java realm has internationalization on, so its GUI-order
list starts with the ``locale`` input; this realm has it off and the list starts with ``lastName``.
testAttributeInputTypes' two ``dummyOptions`` attributes take their options from the ``options`` validator (the
Java server's test-only validator is unknown to Keycloak and Doorkeep alike).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import group_port
from browser_flow import REDIRECT, form_action, form_fields, start
from group_port import fresh_realm
from keycloak_port import get, put, update_realm, user_id
from profile_form_port import INPUT_TYPES, assert_field_types, form_elements
from register_port import (
    APP,
    auth_response,
    expect,
    expect_login,
    expect_register,
    field_error,
    forget_events,
    is_register_page,
    realm_rep,
    register_link,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

SCOPE_LAST_NAME, SCOPE_DEPARTMENT = "lastName", "department"
CLIENT_DEFAULT, CLIENT_OPTIONAL = "client-a", "client-b"
ALL = {"view": ["admin", "user"], "edit": ["admin", "user"]}  # UserProfileUtil.PERMISSIONS_ALL
ADMIN_ONLY = {"view": ["admin"], "edit": ["admin"]}  # PERMISSIONS_ADMIN_ONLY
ADMIN_EDITABLE = {"view": ["admin", "user"], "edit": ["admin"]}  # PERMISSIONS_ADMIN_EDITABLE
LENGTH = {"length": {"min": 3, "max": 255}}  # VALIDATIONS_LENGTH
REQUIRED_FIELD = "Please specify this field."
BASIC = [  # UP_CONFIG_BASIC_ATTRIBUTES
    {"name": "username", "permissions": ALL, "required": {}},
    {"name": "email", "permissions": ALL, "required": {"roles": ["user"]}},
]


def _client(client_id: str, **scopes: list[str]) -> dict[str, Any]:
    """KeycloakModelUtils.createClient with redirect URIs ``*`` (here the test's redirect base)."""
    return {"clientId": client_id, "secret": "password", "redirectUris": ["http://127.0.0.1:9999/*"], **scopes}


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    env.http.cookies.clear()
    rep = realm_rep()
    rep["clientScopes"] = [{"name": n, "protocol": "openid-connect"} for n in (SCOPE_LAST_NAME, SCOPE_DEPARTMENT)]
    both = [SCOPE_LAST_NAME, SCOPE_DEPARTMENT]
    rep["clients"] += [
        _client(CLIENT_DEFAULT, defaultClientScopes=both),
        _client(CLIENT_OPTIONAL, optionalClientScopes=both),
    ]
    await fresh_realm(env, rep)
    forget_events(env)
    yield env
    env.http.cookies.clear()


async def set_profile(kc: Env, *attributes: dict[str, Any], **more: Any) -> None:
    """UserProfileUtil.setUserProfileConfiguration: a username (no permissions) and a user-required e-mail
    added where the configuration has none."""
    config: dict[str, Any] = {"attributes": list(attributes), **more}
    names = {a["name"] for a in attributes}
    if "username" not in names:
        config["attributes"].append({"name": "username"})
    if "email" not in names:
        config["attributes"].append({"name": "email", "permissions": ALL, "required": {"roles": ["user"]}})
    await put(kc, "/users/profile", json.loads(json.dumps(config)), status=200)


async def open_register(kc: Env, client: str = APP, scope: str | None = None) -> httpx.Response:
    """``oauth.scope(...).clientId(...).openLoginForm(); loginPage.clickRegister(); registerPage.assertCurrent()``."""
    params = {"scope": f"openid {scope}"} if scope else {}
    page = await kc.http.get(register_link(await start(kc.http, "test", client, **params)))
    assert is_register_page(page), page.text[:800]
    return page


def password() -> str:
    """``generatePassword()``."""
    return secrets.token_urlsafe(12)


async def register(
    kc: Env,
    page: httpx.Response,
    first: str,
    last: str,
    email: str | None,
    username: str,
    secret: str | None = None,
    **attributes: str,
) -> httpx.Response:
    """``registerPage.register(...)``: the fields shown typed (a null or absent one left empty), plus the
    declared attributes given (the department of the seven-argument form)."""
    secret = secret or password()
    typed = {"firstName": first, "lastName": last, "email": email or "", "username": username}
    shown = {k: v for k, v in typed.items() if f'name="{k}"' in page.text}
    data = {**form_fields(page.text), **shown, "password": secret, "password-confirm": secret, **attributes}
    return await kc.http.post(form_action(page.text), data=data)


def label(page: httpx.Response, field: str) -> str:
    """``registerPage.getLabelForField(field)``."""
    found = re.search(rf'<label for="{field}">([^<]*)</label>', page.text)
    assert found, (field, page.text[:800])
    return found[1]


async def user_rep(kc: Env, username: str) -> dict[str, Any]:
    rep: dict[str, Any] = await get(kc, f"/users/{await user_id(kc, username.lower())}")
    return rep


async def assert_registered(kc: Env, username: str, email: str, first: str, last: str) -> None:
    """``assertUserRegistered``: the LOGIN, a fresh createdTimestamp, the names and the lower-cased e-mail."""
    await expect_login(kc, username.lower(), username.lower())
    user = await user_rep(kc, username)
    assert 0 <= kc.clock.now() * 1000 - user["createdTimestamp"] < 10000, user
    assert str(user["username"]).lower() == username.lower(), user
    assert (user.get("email"), user.get("firstName")) == (email.lower(), first), user
    assert (user.get("lastName") or "") == last, user


def attribute(user: dict[str, Any], name: str) -> str | None:
    """``user.firstAttribute(name)``."""
    values = (user.get("attributes") or {}).get(name) or []
    return values[0] if values else None


FIRST_REQUIRED = {"name": "firstName", "permissions": ALL, "required": {}}
LAST_REQUIRED = {"name": "lastName", "permissions": ALL, "required": {}}
LAST_BY_SCOPE = {"name": "lastName", "permissions": ALL, "required": {"scopes": [SCOPE_LAST_NAME]}}


async def test_register_user_success_last_name_optional(kc: Env) -> None:
    """testRegisterUserSuccess_lastNameOptional: a last name the profile does not require may stay empty."""
    await set_profile(kc, *BASIC, FIRST_REQUIRED, {"name": "lastName", "permissions": ALL})
    name = "registerUserSuccessLastNameOptional"
    auth_response(await register(kc, await open_register(kc), "firstName", "", f"{name}@email", name))
    await expect_register(kc, name, f"{name}@email")
    await assert_registered(kc, name, f"{name}@email", "firstName", "")


async def test_register_user_success_last_name_required_for_scope_not_requested(kc: Env) -> None:
    """testRegisterUserSuccess_lastNameRequiredForScope_notRequested: required by a scope test-app does not
    request, the last name may stay empty."""
    await set_profile(kc, *BASIC, FIRST_REQUIRED, LAST_BY_SCOPE)
    name = "registerUserSuccessLastNameRequiredForScope_notRequested"
    auth_response(await register(kc, await open_register(kc), "firstName", "", f"{name}@email", name))
    await expect_register(kc, name, f"{name}@email")
    await assert_registered(kc, name, f"{name}@email", "firstName", "")


async def test_register_user_success_last_name_required_for_scope_requested(kc: Env) -> None:
    """testRegisterUserSuccess_lastNameRequiredForScope_requested: client-b asking for the scope makes the last
    name required ("Please specify this field."); with one the registration succeeds."""
    await set_profile(kc, *BASIC, FIRST_REQUIRED, LAST_BY_SCOPE)
    name = "registerUserSuccessLastNameRequiredForScope_requested"
    page = await open_register(kc, CLIENT_OPTIONAL, SCOPE_LAST_NAME)
    page = await register(kc, page, "firstName", "", f"{name}@email", name)
    assert is_register_page(page)
    assert field_error(page, "lastname") == REQUIRED_FIELD
    auth_response(await register(kc, page, "firstName", "lastName", f"{name}@email", name))
    assert (await user_rep(kc, name))["lastName"] == "lastName"


async def test_register_user_success_last_name_required_for_scope_client_default(kc: Env) -> None:
    """testRegisterUserSuccess_lastNameRequiredForScope_clientDefault: a default scope of client-a counts as
    requested."""
    await set_profile(kc, *BASIC, FIRST_REQUIRED, LAST_BY_SCOPE)
    name = "registerUserSuccessLastNameRequiredForScope_clientDefault"
    page = await register(kc, await open_register(kc, CLIENT_DEFAULT), "firstName", "", f"{name}@email", name)
    assert is_register_page(page)
    assert field_error(page, "lastname") == REQUIRED_FIELD
    auth_response(await register(kc, page, "firstName", "lastName", f"{name}@email", name))


async def test_register_user_success_last_name_length_validation(kc: Env) -> None:
    """testRegisterUserSuccess_lastNameLengthValidation: a last name within the length validator."""
    await set_profile(kc, *BASIC, FIRST_REQUIRED, {"name": "lastName", "permissions": ALL, "validations": LENGTH})
    name = "registerUserSuccessLastNameLengthValidation"
    auth_response(await register(kc, await open_register(kc), "firstName", "last", f"{name}@email", name))
    await expect_register(kc, name, f"{name}@email")
    await assert_registered(kc, name, f"{name}@email", "firstName", "last")


async def test_register_user_invalid_last_name_length(kc: Env) -> None:
    """testRegisterUserInvalidLastNameLength: "Length must be between 3 and 255." and REGISTER_ERROR
    ``invalid_registration`` with the lower-cased username and e-mail."""
    await set_profile(kc, *BASIC, FIRST_REQUIRED, {"name": "lastName", "permissions": ALL, "validations": LENGTH})
    name = "registerUserInvalidLastNameLength"
    page = await register(kc, await open_register(kc), "firstName", "L", f"{name}@email", name)
    assert is_register_page(page)
    assert field_error(page, "lastname") == "Length must be between 3 and 255."
    await expect_register(kc, name.lower(), f"{name.lower()}@email", error="invalid_registration")


async def test_attribute_display_name(kc: Env) -> None:
    """testAttributeDisplayName: a ``${key}`` display name translated, none giving the attribute's name, a
    plain one shown as it is."""
    await set_profile(
        kc,
        {"name": "firstName", "displayName": "${firstName}", "permissions": ALL, "required": {}},
        {"name": "lastName", "permissions": ALL},
        {"name": "department", "displayName": "Department", "permissions": ALL, "required": {}},
    )
    page = await open_register(kc)
    assert [label(page, f) for f in ("firstName", "lastName", "department")] == ["First name", "lastName", "Department"]


async def test_register_user_success_required_read_only_attribute_not_rendered_and_not_blocking_registration(
    kc: Env,
) -> None:
    """testRegisterUserSuccess_requiredReadOnlyAttributeNotRenderedAndNotBlockingRegistration: a required
    attribute only the admin may edit is not on the form and does not stop the registration."""
    await set_profile(
        kc,
        {"name": "firstName", "displayName": "${firstName}", "permissions": ALL, "required": {}},
        {"name": "lastName", "permissions": ALL},
        {"name": "department", "displayName": "Department", "permissions": ADMIN_EDITABLE, "required": {}},
    )
    page = await open_register(kc)
    assert 'name="department"' not in page.text
    name = "requiredReadOnlyAttributeNotRenderedAndNotBlockingRegistration"
    auth_response(await register(kc, page, "FirstName", "LastName", f"{name}@email", name))


DEPARTMENT_BY_SCOPE = {"name": "department", "permissions": ALL, "selector": {"scopes": [SCOPE_DEPARTMENT]}}


async def test_register_user_success_attribute_required_and_selected_by_scope_must_be_set(kc: Env) -> None:
    """testRegisterUserSuccess_attributeRequiredAndSelectedByScopeMustBeSet: selected by the requested scope
    and required, the department must be given; given, it is stored."""
    await set_profile(
        kc, FIRST_REQUIRED, {"name": "lastName", "permissions": ALL}, {**DEPARTMENT_BY_SCOPE, "required": {}}
    )
    page = await open_register(kc, CLIENT_OPTIONAL, SCOPE_DEPARTMENT)
    name, secret = "attributeRequiredAndSelectedByScopeMustBeSet", password()
    page = await register(kc, page, "FirstAA", "LastAA", f"{name}@email", name, secret, department="")
    assert is_register_page(page)
    assert field_error(page, "department") == REQUIRED_FIELD
    response = await register(kc, page, "FirstAA", "LastAA", f"{name}@email", name, secret, department="DepartmentAA")
    assert auth_response(response)["code"]
    user = await user_rep(kc, name)
    assert (user["firstName"], user["lastName"], attribute(user, "department")) == ("FirstAA", "LastAA", "DepartmentAA")


async def test_register_user_success_attribute_not_required_and_selected_by_scope_can_be_ignored(kc: Env) -> None:
    """testRegisterUserSuccess_attributeNotRequiredAndSelectedByScopeCanBeIgnored: shown for the requested
    scope, an optional department may stay empty."""
    await set_profile(kc, FIRST_REQUIRED, LAST_REQUIRED, DEPARTMENT_BY_SCOPE)
    page = await open_register(kc, CLIENT_OPTIONAL, SCOPE_DEPARTMENT)
    assert 'name="department"' in page.text
    name = "attributeNotRequiredAndSelectedByScopeCanBeIgnored"
    assert auth_response(await register(kc, page, "FirstAA", "LastAA", f"{name}@email", name))["code"]
    details = {"register_method": "form", "redirect_uri": REDIRECT, "username": name, "email": f"{name}@email"}
    await expect(kc, "REGISTER", user=name.lower(), client=CLIENT_OPTIONAL, **details)
    user = await user_rep(kc, name)
    assert (user["firstName"], user["lastName"], attribute(user, "department")) == ("FirstAA", "LastAA", None)


async def test_register_user_success_attribute_not_required_and_selected_by_scope_can_be_set(kc: Env) -> None:
    """testRegisterUserSuccess_attributeNotRequiredAndSelectedByScopeCanBeSet: client-a's default scope shows
    the department, which is stored."""
    await set_profile(kc, FIRST_REQUIRED, LAST_REQUIRED, DEPARTMENT_BY_SCOPE)
    page = await open_register(kc, CLIENT_DEFAULT)
    assert 'name="department"' in page.text
    name = "attributeNotRequiredAndSelectedByScopeCanBeSet"
    response = await register(kc, page, "FirstAA", "LastAA", f"{name}@email", name, department="Department AA")
    assert auth_response(response)["code"]
    details = {"register_method": "form", "redirect_uri": REDIRECT, "username": name, "email": f"{name}@email"}
    await expect(kc, "REGISTER", user=name.lower(), client=CLIENT_DEFAULT, **details)
    user = await user_rep(kc, name)
    assert (user["firstName"], user["lastName"], attribute(user, "department")) == (
        "FirstAA",
        "LastAA",
        "Department AA",
    )


async def test_register_user_success_attribute_required_but_not_selected_by_scope_is_not_rendered_and_not_blocking_registration(
    kc: Env,
) -> None:
    """testRegisterUserSuccess_attributeRequiredButNotSelectedByScopeIsNotRenderedAndNotBlockingRegistration:
    a required department selected by a scope client-b does not request is neither shown nor required, and a
    value posted for it anyway is not stored."""
    await set_profile(kc, FIRST_REQUIRED, LAST_REQUIRED, {**DEPARTMENT_BY_SCOPE, "required": {}})
    page = await open_register(kc, CLIENT_OPTIONAL)
    assert 'name="department"' not in page.text
    name = "attributeRequiredButNotSelectedByScopeIsNotRendered"
    response = await register(kc, page, "FirstAA", "LastAA", f"{name}@email", name, department="forged")
    assert auth_response(response)["code"]
    details = {"register_method": "form", "redirect_uri": REDIRECT, "username": name, "email": f"{name}@email"}
    await expect(kc, "REGISTER", user=name.lower(), client=CLIENT_OPTIONAL, **details)
    user = await user_rep(kc, name)
    assert (user["firstName"], user["lastName"], attribute(user, "department")) == ("FirstAA", "LastAA", None)


async def test_email_as_optional(kc: Env) -> None:
    """testEmailAsOptional: an e-mail the profile does not require may stay empty."""
    await set_profile(kc, FIRST_REQUIRED, LAST_REQUIRED, {"name": "email", "permissions": ALL})
    auth_response(await register(kc, await open_register(kc), "firstName", "lastName", None, "registerWithoutEmail"))
    assert (await user_rep(kc, "registerWithoutEmail")).get("email") is None


@pytest.mark.parametrize("required", [{}, {"roles": ["user"]}], ids=["testEmailRequired", "testEmailRequiredForUser"])
async def test_email_required(kc: Env, required: dict[str, Any]) -> None:
    """testEmailRequired / testEmailRequiredForUser: an e-mail required (for everyone or for the user) must
    be given ("Please specify email.")."""
    await set_profile(kc, FIRST_REQUIRED, LAST_REQUIRED, {"name": "email", "permissions": ALL, "required": required})
    page = await register(kc, await open_register(kc), "firstName", "lastName", None, "registerWithoutEmail")
    assert is_register_page(page)
    assert field_error(page, "email") in ("Please specify email.", REQUIRED_FIELD)


@pytest.mark.parametrize(
    ("permissions", "username"),
    [(ADMIN_ONLY, "myusername"), (ADMIN_EDITABLE, "myusername1")],
    ids=["testEmailNotWritable", "testEmailNotShownIfReadOnly"],
)
async def test_email_not_writable(kc: Env, permissions: dict[str, Any], username: str) -> None:
    """testEmailNotWritable / testEmailNotShownIfReadOnly: an e-mail the user may not write is not on the form
    and, though required for the user, does not stop the registration; one posted anyway is not stored."""
    await set_profile(
        kc,
        FIRST_REQUIRED,
        LAST_REQUIRED,
        {"name": "email", "permissions": permissions, "required": {"roles": ["user"]}},
    )
    page = await open_register(kc)
    assert 'name="email"' not in page.text
    page_data = {**form_fields(page.text), "firstName": "firstName", "lastName": "lastName", "username": username}
    secret = password()
    page_data |= {"email": f"{username}@forged.org", "password": secret, "password-confirm": secret}
    auth_response(await kc.http.post(form_action(page.text), data=page_data))
    assert (await user_rep(kc, username)).get("email") is None


async def test_email_not_allowed_but_email_as_username(kc: Env) -> None:
    """testEmailNotAllowedButEmailAsUsername: where the e-mail is the username the form asks for it even if
    the user may not write it, and stores it."""
    await update_realm(kc, registrationEmailAsUsername=True)
    await set_profile(
        kc,
        FIRST_REQUIRED,
        LAST_REQUIRED,
        {"name": "email", "permissions": ADMIN_EDITABLE, "required": {"roles": ["user"]}},
    )
    page = await open_register(kc)
    assert 'name="username"' not in page.text
    assert 'name="email"' in page.text
    auth_response(await register(kc, page, "firstName", "lastName", "myusername1@keycloak.org", ""))
    found = await get(kc, "/users", search="myusername1@keycloak.org")
    assert [u["email"] for u in found] == ["myusername1@keycloak.org"]
    assert (await get(kc, f"/users/{found[0]['id']}"))["email"] == "myusername1@keycloak.org"


PLAIN_PROFILE = (FIRST_REQUIRED, LAST_REQUIRED, *BASIC)


async def test_unmanaged_attribute_stored_when_policy_enabled(kc: Env) -> None:
    """Beyond the Java class: under ``unmanagedAttributePolicy`` ENABLED an attribute the profile does not
    declare, posted with the form, is stored (DefaultAttributes keeps it in the REGISTRATION context); the
    passwords never are, nor a declared attribute no requested scope selects."""
    await set_profile(kc, *PLAIN_PROFILE, DEPARTMENT_BY_SCOPE, unmanagedAttributePolicy="ENABLED")
    name = "unmanagedEnabled"
    page = await open_register(kc)
    response = await register(kc, page, "First", "Last", f"{name}@email", name, nickname="Nick", department="D")
    auth_response(response)
    attributes = (await user_rep(kc, name)).get("attributes") or {}
    assert attributes.get("nickname") == ["Nick"], attributes
    assert "department" not in attributes, attributes
    assert not {"password", "password-confirm", "session_code"} & set(attributes), attributes


@pytest.mark.parametrize("policy", [None, "ADMIN_EDIT", "ADMIN_VIEW"])
async def test_unmanaged_attribute_dropped_unless_policy_enabled(kc: Env, policy: str | None) -> None:
    """Beyond the Java class: without a policy, or one that leaves the user no write access, an undeclared
    attribute posted with the form is not stored."""
    await set_profile(kc, *PLAIN_PROFILE, **({"unmanagedAttributePolicy": policy} if policy else {}))
    name = "unmanagedNotEnabled"
    response = await register(kc, await open_register(kc), "First", "Last", f"{name}@email", name, nickname="Nick")
    auth_response(response)
    assert "nickname" not in ((await user_rep(kc, name)).get("attributes") or {})


async def test_attribute_gui_order(kc: Env) -> None:
    """The inputs in the configuration's order, the passwords after the username."""
    await set_profile(
        kc,
        {"name": "lastName", "permissions": ALL},
        {"name": "department", "permissions": ALL, "required": {}},
        {"name": "username", "permissions": ALL},
        {"name": "firstName", "permissions": ALL, "required": {}},
        {"name": "email", "permissions": ALL},
    )
    page = await open_register(kc)
    inputs = [e.get("id") for e in form_elements(page.text, "kc-register-form") if e.tag == "input"]
    assert inputs[:7] == ["lastName", "department", "username", "password", "password-confirm", "firstName", "email"]


async def test_attribute_input_types(kc: Env) -> None:
    await set_profile(kc, *INPUT_TYPES)
    assert_field_types(form_elements((await open_register(kc)).text, "kc-register-form"))


async def test_attribute_grouping(kc: Env) -> None:
    """Attributes without a group first; a group's header and description labels before its first attribute."""
    await set_profile(
        kc,
        {"name": "lastName", "permissions": ALL},
        {"name": "username", "permissions": ALL},
        {"name": "firstName", "permissions": ALL, "required": {}},
        {"name": "department", "permissions": ALL, "required": {}, "group": "company"},
        {"name": "email", "permissions": ALL, "group": "contact"},
        groups=[{"name": "company", "displayDescription": "Company field desc"}, {"name": "contact"}],
    )
    elements = form_elements((await open_register(kc)).text, "kc-register-form")
    ids = {e.get("id") for e in elements if e.get("id")}
    found = []
    for element in (e for e in elements if e.tag == "label"):
        target = element.get("for")
        assert target is None or target in ids, target  # a label has the element it belongs to
        found.append(target or element.get("id"))
    head = ["lastName", "username", "password", "password-confirm", "firstName"]
    assert found == [*head, "header-company", "description-company", "department", "header-contact", "email"]
