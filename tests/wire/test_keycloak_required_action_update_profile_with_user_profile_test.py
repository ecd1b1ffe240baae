"""Keycloak's RequiredActionUpdateProfileWithUserProfileTest (testsuite/integration-arquillian/tests/base/.../
actions/RequiredActionUpdateProfileWithUserProfileTest.java) over HTTP: the UPDATE_PROFILE required action's page
(login-update-profile.ftl) under declarative user-profile configurations set with ``PUT users/profile``
(UserProfileUtil.setUserProfileConfiguration: a username and a user-required e-mail added where the configuration
leaves them out). ``beforeTest``'s users, test-user@localhost (Tom Brady) and john-doh@localhost, verified and
with UPDATE_PROFILE, are imported with the realm anew for each test (``update_profile_port``); one app for the
module.

Attributes selected or required by a client scope count where the login requests it: ``client-b`` has the
scope ``department`` optionally (asked for with ``scope``), ``client-a`` by default (``configureTestRealm``, whose
list of the realm's client scopes is otherwise kept here). All 16 Java methods are ported: the page reads the
form's elements as the Java test's CSS selectors do (``profile_form_port``); testAttributeInputTypes asserts what
the testsuite version of RegisterWithUserProfileTest.assertFieldTypes asserts (the tests/base copy keeps it as an
empty hook), its two ``dummyOptions`` attributes taking their options from the ``options`` validator (the Java
server's test-only validator is unknown to Keycloak and Doorkeep alike).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest

import group_port
from browser_flow import form_action
from keycloak_port import poll, post, put, update_realm, user_id
from login_test_realm import auth_response, login, open_login_form
from profile_form_port import INPUT_TYPES, assert_field_types, form_elements
from update_profile_port import (
    JOHN,
    TEST_USER,
    cancel_displayed,
    find_user,
    import_realm,
    input_error,
    is_update_profile_page,
    update,
    user,
    value,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

ALL = {"view": ["admin", "user"], "edit": ["admin", "user"]}  # UserProfileUtil.PERMISSIONS_ALL
ADMIN_EDITABLE = {"view": ["admin", "user"], "edit": ["admin"]}  # PERMISSIONS_ADMIN_EDITABLE
ADMIN_ONLY = {"view": ["admin"], "edit": ["admin"]}  # PERMISSIONS_ADMIN_ONLY
LENGTH = {"length": {"min": 3, "max": 255}}  # VALIDATIONS_LENGTH


SCOPE_DEPARTMENT, CLIENT_DEFAULT, CLIENT_OPTIONAL = "department", "client-a", "client-b"


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    verified = {"emailVerified": True, "requiredActions": ["UPDATE_PROFILE"]}
    await import_realm(env, [user(TEST_USER, "Tom", "Brady", **verified), user(JOHN, "John", "Doh", **verified)])
    # configureTestRealm: the client scope "department", client-a with it by default, client-b optionally
    kc_env = env
    await post(kc_env, "/client-scopes", {"name": SCOPE_DEPARTMENT, "protocol": "openid-connect"}, status=201)
    for client_id, kind in ((CLIENT_DEFAULT, "defaultClientScopes"), (CLIENT_OPTIONAL, "optionalClientScopes")):
        rep = {"clientId": client_id, "secret": "password", "redirectUris": ["http://127.0.0.1:9999/*"]}
        await post(kc_env, "/clients", {**rep, kind: [SCOPE_DEPARTMENT]}, status=201)
    yield env
    env.http.cookies.clear()


async def set_profile(kc: Env, *attributes: dict[str, Any]) -> None:
    """UserProfileUtil.setUserProfileConfiguration."""
    config: dict[str, Any] = {"attributes": [dict(a) for a in attributes]}
    names = {a["name"] for a in attributes}
    if "username" not in names:
        config["attributes"].append({"name": "username"})
    if "email" not in names:
        config["attributes"].append({"name": "email", "permissions": ALL, "required": {"roles": ["user"]}})
    await put(kc, "/users/profile", json.loads(json.dumps(config)), status=200)


async def profile_page(kc: Env, **params: str) -> httpx.Response:
    """``oauth.openLoginForm(); loginPage.login(USERNAME1, PASSWORD); updateProfilePage.assertCurrent()``;
    ``params``: ``oauth.clientId(..)`` (``client_id``) and ``oauth.scope(..)`` (``scope``)."""
    page = await login(kc, await open_login_form(kc, **params), TEST_USER)
    assert is_update_profile_page(page), page.text[:1500]
    return page


def label(page: httpx.Response, field: str) -> str:
    """``updateProfilePage.getLabelForField``."""
    found = re.search(rf'<label for="{field}">([^<]*)</label>', page.text)
    assert found, (field, page.text[:1500])
    return html.unescape(found[1])


def enabled(page: httpx.Response, field: str) -> bool:
    found = re.search(rf'<input [^>]*id="{field}"[^>]*>', page.text)
    assert found, (field, page.text[:1500])
    return " disabled" not in found[0]


def refreshed(page: httpx.Response) -> str:
    """The page's own address, as a refresh asks for it: its form's action without the form's code."""
    parts = urlsplit(form_action(page.text))
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "session_code"]
    return parts._replace(query=urlencode(query)).geturl()


def form(first: str, last: str, email: str = TEST_USER, username: str = TEST_USER) -> dict[str, str]:
    """``prepareUpdate().username(..).firstName(..).lastName(..).email(..)``."""
    return {"username": username, "firstName": first, "lastName": last, "email": email}


async def test_display_name(kc: Env) -> None:
    await set_profile(
        kc,
        {"name": "firstName", "displayName": "${firstName}", "permissions": ALL, "required": {}},
        {"name": "lastName", "permissions": ALL},
        {"name": "department", "displayName": "Department", "permissions": ALL, "required": {}},
    )
    page = await profile_page(kc)
    assert label(page, "firstName") == "First name"  # i18n replaced
    assert label(page, "lastName") == "lastName"  # the attribute's name without a display name
    assert label(page, "department") == "Department"  # the display name as it is


async def test_username_only_if_edit_allowed(kc: Env) -> None:
    await update_realm(kc, editUsernameAllowed=False)
    page = await profile_page(kc)
    assert 'name="username"' not in page.text
    await update_realm(kc, editUsernameAllowed=True)
    again = await kc.http.get(refreshed(page))  # driver.navigate().refresh()
    assert is_update_profile_page(again), again.text[:1500]
    assert 'name="username"' in again.text


async def test_optional_attribute(kc: Env) -> None:
    await set_profile(
        kc, {"name": "firstName", "permissions": ALL, "required": {}}, {"name": "lastName", "permissions": ALL}
    )
    page = await profile_page(kc)
    assert not cancel_displayed(page)
    await poll(kc)
    answer = await update(kc, page, **form("New first", "", "new@email.com"))
    assert "code" in auth_response(answer)
    [changed, logged_in] = await poll(kc)
    assert changed["type"] == "UPDATE_PROFILE", changed
    expected = {
        "previous_first_name": "Tom",
        "updated_first_name": "New first",
        "previous_last_name": "Brady",
        "previous_email": TEST_USER,
        "updated_email": "new@email.com",
    }
    assert {k: changed["details"].get(k) for k in expected} == expected, changed
    assert logged_in["type"] == "LOGIN"
    found = await find_user(kc, TEST_USER)
    assert (found["firstName"], found.get("lastName"), found["email"]) == ("New first", None, "new@email.com")
    assert found["username"] == TEST_USER


async def test_custom_validation_last_name(kc: Env) -> None:
    department = {"name": "department", "permissions": ALL}
    await set_profile(
        kc, {"name": "firstName", "permissions": ALL}, {"name": "lastName", "permissions": ALL}, department
    )
    uid = await user_id(kc, TEST_USER)
    rep = {"firstName": "ExistingFirst", "lastName": "La", "attributes": {"department": ["Department"]}}
    await put(kc, f"/users/{uid}", {**(await find_user(kc, TEST_USER)), **rep})
    await set_profile(
        kc,
        {"name": "firstName", "permissions": ALL, "required": {}},
        {"name": "lastName", "permissions": ALL, "validations": LENGTH},
        {"name": "department", "permissions": ADMIN_ONLY},
    )
    page = await profile_page(kc)
    refused = await update(kc, page, **form("First", "L"))
    assert is_update_profile_page(refused), refused.text[:1500]
    assert input_error(refused, "lastName") == "Length must be between 3 and 255."
    assert "code" in auth_response(await update(kc, refused, **form("First", "Last")))
    found = await find_user(kc, TEST_USER)
    assert (found["firstName"], found["lastName"]) == ("First", "Last")
    assert found["attributes"]["department"] == ["Department"]  # not configured for the user: unchanged


async def test_required_read_only_attribute(kc: Env) -> None:
    await set_profile(
        kc,
        {"name": "firstName", "permissions": ALL, "required": {}},
        {"name": "lastName", "permissions": ALL},
        {"name": "department", "permissions": ADMIN_EDITABLE, "required": {}},
    )
    page = await profile_page(kc)
    assert value(page, "lastName") == "Brady"
    assert not enabled(page, "department")
    assert "code" in auth_response(await update(kc, page, **form("First", "Last")))
    found = await find_user(kc, TEST_USER)
    assert (found["firstName"], found["lastName"]) == ("First", "Last")


async def update_user(kc: Env, first: str, last: str, department: str) -> None:
    """``updateUserByUsername``: the names and ``department`` through the admin API."""
    found = await find_user(kc, TEST_USER)
    rep = {**found, "firstName": first, "lastName": last, "attributes": {"department": [department]}}
    await put(kc, f"/users/{found['id']}", rep)


async def test_required_read_only_existing_attribute(kc: Env) -> None:
    await update_user(kc, "first", "last", "foo")
    await set_profile(
        kc,
        {"name": "firstName", "permissions": ALL, "required": {}},
        {"name": "lastName", "permissions": ALL},
        {"name": "department", "permissions": ADMIN_EDITABLE, "required": {}},
    )
    page = await profile_page(kc)
    assert value(page, "lastName") == "last"
    assert not enabled(page, "department")
    assert "code" in auth_response(await update(kc, page, **form("First", "Last")))
    found = await find_user(kc, TEST_USER)
    assert (found["firstName"], found["lastName"]) == ("First", "Last")


async def test_attribute_not_visible(kc: Env) -> None:
    await set_profile(
        kc,
        {"name": "firstName", "permissions": ALL, "required": {}},
        {"name": "lastName", "permissions": ALL},
        {"name": "department", "permissions": ADMIN_ONLY, "required": {}},
    )
    page = await profile_page(kc)
    assert value(page, "lastName") == "Brady"
    assert 'id="department"' not in page.text, "'department' field is visible"
    assert "code" in auth_response(await update(kc, page, **form("First", "Last")))
    found = await find_user(kc, TEST_USER)
    assert (found["firstName"], found["lastName"]) == ("First", "Last")


async def test_required_attribute(kc: Env) -> None:
    await set_profile(
        kc,
        {"name": "firstName", "permissions": ALL, "required": {}},
        {"name": "lastName", "permissions": ALL},
        {"name": "department", "permissions": ALL, "required": {}},
    )
    page = await profile_page(kc)
    refused = await update(kc, page, **form("FirstCC", "LastCC"), department="")
    assert is_update_profile_page(refused), refused.text[:1500]
    await poll(kc)
    answer = await update(kc, refused, **form("FirstCC", "LastCC"), department="DepartmentCC")
    assert "code" in auth_response(answer)
    changed = (await poll(kc))[0]
    expected = {
        "previous_first_name": "Tom",
        "updated_first_name": "FirstCC",
        "previous_last_name": "Brady",
        "updated_last_name": "LastCC",
        "updated_department": "DepartmentCC",
    }
    assert changed["type"] == "UPDATE_PROFILE" and changed.get("error") is None, changed
    assert {k: changed["details"].get(k) for k in expected} == expected, changed
    found = await find_user(kc, TEST_USER)
    assert (found["firstName"], found["lastName"]) == ("FirstCC", "LastCC")
    assert found["attributes"]["department"] == ["DepartmentCC"]


async def _department_required_then_given(kc: Env, page: httpx.Response) -> httpx.Response:
    """The form refused with an empty department, then accepted with one; the user as stored after."""
    refused = await update(kc, page, **form("FirstCC", "LastCC"), department="")
    assert is_update_profile_page(refused), refused.text[:1500]
    assert input_error(refused, "department") == "Please specify this field."
    await poll(kc)
    answer = await update(kc, refused, **form("FirstCC", "LastCC"), department="DepartmentCC")
    assert "code" in auth_response(answer)
    found = await find_user(kc, TEST_USER)
    assert (found["firstName"], found["lastName"]) == ("FirstCC", "LastCC")
    assert found["attributes"]["department"] == ["DepartmentCC"]
    return answer


def _department(required: dict[str, Any] | None = None, **more: Any) -> list[dict[str, Any]]:
    attribute: dict[str, Any] = {"name": "department", "permissions": ALL, **more}
    if required is not None:
        attribute["required"] = required
    return [
        {"name": "firstName", "permissions": ALL, "required": {}},
        {"name": "lastName", "permissions": ALL, "required": {}},
        attribute,
    ]


async def test_attribute_required_for_scope(kc: Env) -> None:
    await set_profile(kc, *_department({"scopes": [SCOPE_DEPARTMENT]}))
    page = await profile_page(kc, client_id=CLIENT_OPTIONAL, scope=f"openid {SCOPE_DEPARTMENT}")
    await _department_required_then_given(kc, page)
    [changed, _] = await poll(kc)
    assert (changed["type"], changed["clientId"]) == ("UPDATE_PROFILE", CLIENT_OPTIONAL), changed


async def test_attribute_required_for_default_scope(kc: Env) -> None:
    await set_profile(kc, *_department({"scopes": [SCOPE_DEPARTMENT]}))
    await _department_required_then_given(kc, await profile_page(kc, client_id=CLIENT_DEFAULT))


async def test_attribute_required_and_selected_by_scope(kc: Env) -> None:
    await set_profile(kc, *_department({}, selector={"scopes": [SCOPE_DEPARTMENT]}))
    page = await profile_page(kc, client_id=CLIENT_OPTIONAL, scope=f"openid {SCOPE_DEPARTMENT}")
    await _department_required_then_given(kc, page)


async def test_attribute_not_required_and_selected_by_scope_can_be_updated(kc: Env) -> None:
    await set_profile(kc, *_department(selector={"scopes": [SCOPE_DEPARTMENT]}))
    page = await profile_page(kc, client_id=CLIENT_OPTIONAL, scope=f"openid {SCOPE_DEPARTMENT}")
    assert 'id="department"' in page.text
    assert "code" in auth_response(await update(kc, page, **form("FirstCC", "LastCC"), department="DepartmentCC"))
    found = await find_user(kc, TEST_USER)
    assert (found["firstName"], found["lastName"]) == ("FirstCC", "LastCC")
    assert found["attributes"]["department"] == ["DepartmentCC"]


async def test_attribute_required_but_not_selected_by_scope_is_not_rendered(kc: Env) -> None:
    await set_profile(kc, *_department({}, selector={"scopes": [SCOPE_DEPARTMENT]}))
    page = await profile_page(kc, client_id=CLIENT_OPTIONAL)
    assert 'id="department"' not in page.text
    assert "code" in auth_response(await update(kc, page, **form("FirstCC", "LastCC")))
    found = await find_user(kc, TEST_USER)
    assert (found["firstName"], found["lastName"]) == ("FirstCC", "LastCC")


def labels_in_order(page: httpx.Response) -> list[str]:
    """``form#kc-update-profile-form label``: each label's ``for`` (whose element must exist) or its ``id``."""
    elements = form_elements(page.text, "kc-update-profile-form")
    ids = {e.get("id") for e in elements if e.get("id")}
    out = []
    for element in (e for e in elements if e.tag == "label"):
        target = element.get("for")
        assert target is None or target in ids, (target, page.text[:1500])
        out.append(target or element.get("id") or "")
    return out


async def test_attribute_grouping(kc: Env) -> None:
    """Attributes without a group first, in the configuration's order; a group's header and description label
    before its first attribute."""
    config = {
        "attributes": [
            {"name": "lastName", "permissions": ALL},
            {"name": "username", "permissions": ALL},
            {"name": "firstName", "permissions": ALL, "required": {}},
            {"name": "department", "permissions": ALL, "required": {}, "group": "company"},
            {"name": "email", "permissions": ALL, "group": "contact"},
        ],
        "groups": [{"name": "company", "displayDescription": "Company field desc"}, {"name": "contact"}],
    }
    await put(kc, "/users/profile", config, status=200)
    page = await profile_page(kc)
    order = ["lastName", "username", "firstName", "header-company", "description-company", "department"]
    assert labels_in_order(page) == [*order, "header-contact", "email"]


async def test_attribute_gui_order(kc: Env) -> None:
    await set_profile(
        kc,
        {"name": "lastName", "permissions": ALL},
        {"name": "department", "permissions": ALL, "required": {}},
        {"name": "username", "permissions": ALL},
        {"name": "firstName", "permissions": ALL, "required": {}},
        {"name": "email", "permissions": ALL},
    )
    page = await profile_page(kc)
    inputs = [e.get("id") for e in form_elements(page.text, "kc-update-profile-form") if e.tag == "input"]
    assert inputs[:5] == ["lastName", "department", "username", "firstName", "email"]


async def test_attribute_input_types(kc: Env) -> None:
    await set_profile(kc, *INPUT_TYPES)
    page = await profile_page(kc)
    assert_field_types(form_elements(page.text, "kc-update-profile-form"))
