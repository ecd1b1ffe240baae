"""The first broker login's Review Profile with the realm's declared user profile (the IDP_REVIEW context,
IdpReviewProfileBean, idp-review-user-profile.ftl): KcOidcFirstBrokerLoginTest's user-profile methods
(KcOidcFirstBrokerLoginWithUserProfileTest's before Keycloak 24), one test per Java method and named after it, over
real HTTP with the realm ``provider`` of the same server as the identity provider (broker_support). Then what the
Java tests leave implicit: a value the provider's mappers filled in, the validators' errors per field, and the
requested optional scope that selects an attribute (UserProfileTest.testRequiredByScope's IDP_REVIEW part).

``setUserProfileConfiguration`` is UserProfileUtil's: a username and a user-required e-mail are added where the
configuration has none. The Java ``updateAccountInformation`` fills username, e-mail and names (and the department
when given) and submits; the other inputs keep what the page holds.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from broker_support import ALIAS, Broker, broker_login, browser, served
from browser_flow import REDIRECT, form_action, form_fields
from profile_form_port import INPUT_TYPES, assert_field_types, form_elements
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

ALL = {"view": ["admin", "user"], "edit": ["admin", "user"]}  # UserProfileUtil.PERMISSIONS_ALL
ADMIN_EDITABLE = {"view": ["admin", "user"], "edit": ["admin"]}  # PERMISSIONS_ADMIN_EDITABLE
FORM = "kc-idp-review-profile-form"
FLOW = quote("first broker login", safe="")
DEPARTMENT = "department"


async def _review_mode(broker: Broker, mode: str) -> None:
    """``updateExecutions(enableUpdateProfileOnFirstLogin)`` (``on``) or ``setUpMissingUpdateProfileOnFirstLogin``
    (``missing``): the Review Profile execution's ``update.profile.on.first.login``."""
    env = broker.env
    headers = await env.admin_headers()
    base = "/admin/realms/test/authentication"
    rows = (await env.http.get(f"{base}/flows/{FLOW}/executions", headers=headers)).json()
    [review] = [r for r in rows if r.get("providerId") == "idp-review-profile"]
    config = (await env.http.get(f"{base}/config/{review['authenticationConfig']}", headers=headers)).json()
    config["config"]["update.profile.on.first.login"] = mode
    put = await env.http.put(f"{base}/config/{config['id']}", json=config, headers=headers)
    assert put.status_code == 204, put.text


async def _set_profile(env: Env, *attributes: dict[str, Any], groups: list[dict[str, Any]] | None = None) -> None:
    """UserProfileUtil.setUserProfileConfiguration on the consumer realm."""
    config: dict[str, Any] = {"attributes": [dict(a) for a in attributes], "groups": groups or []}
    names = {a["name"] for a in attributes}
    if "username" not in names:
        config["attributes"].append({"name": "username"})
    if "email" not in names:
        config["attributes"].append({"name": "email", "permissions": ALL, "required": {"roles": ["user"]}})
    put = await env.http.put("/admin/realms/test/users/profile", json=config, headers=await env.admin_headers())
    assert put.status_code == 200, put.text


async def _department_scope(env: Env) -> None:
    """``addDepartmentScopeIntoRealm``: a client scope ``department`` no client has."""
    rep = {"name": DEPARTMENT, "protocol": "openid-connect"}
    made = await env.http.post("/admin/realms/test/client-scopes", json=rep, headers=await env.admin_headers())
    assert made.status_code == 201, made.text


async def _user(env: Env, username: str) -> dict[str, Any]:
    """VerifyProfileTest.getUserByUsername."""
    params = {"username": username, "exact": "true"}
    found = await env.http.get("/admin/realms/test/users", params=params, headers=await env.admin_headers())
    [user] = found.json()
    result: dict[str, Any] = user
    return result


@contextlib.asynccontextmanager
async def _reviewing(
    env: Env,
    mode: str,
    *attributes: dict[str, Any],
    groups: list[dict[str, Any]] | None = None,
    department_scope: bool = False,
) -> AsyncIterator[Broker]:
    """``served`` with the provider added (and the ``department`` scope when asked), Review Profile in ``mode`` and
    the consumer realm's profile of ``attributes``."""
    async with served(env) as broker:
        await broker.add_provider()
        if department_scope:
            await _department_scope(env)
        await _review_mode(broker, mode)
        await _set_profile(env, *attributes, groups=groups)
        yield broker


async def _review_page(http: httpx.AsyncClient, **params: str) -> httpx.Response:
    """alice in through the provider, shown the Review Profile page."""
    page = await broker_login(http, **params)
    _is_review(page)
    return page


async def _created(env: Env, username: str) -> dict[str, Any]:
    """The user the review created, with the names ``_update`` typed."""
    user = await _user(env, username)
    assert (user["firstName"], user["lastName"]) == ("FirstAA", "LastAA"), user
    return user


def _is_review(page: httpx.Response) -> None:
    """``waitForPage("update account information"); updateAccountInformationPage.assertCurrent()``."""
    assert page.status_code == 200 and "Update Account Information" in page.text, page.text
    assert f'id="{FORM}"' in page.text


def _has_input(page: httpx.Response, name: str) -> bool:
    """``isDepartmentPresent``-like: an input of that id in the form."""
    return any(e.tag in ("input", "select", "textarea") and e.get("id") == name for e in form_elements(page.text, FORM))


async def _update(http: httpx.AsyncClient, page: httpx.Response, username: str, **more: str) -> httpx.Response:
    """``updateAccountInformation(username, username@email, "FirstAA", "LastAA"[, department])``."""
    typed = {"username": username, "email": f"{username}@email.org", "firstName": "FirstAA", "lastName": "LastAA"}
    return await http.post(form_action(page.text), data={**form_fields(page.text), **typed, **more})


def _signed_in(done: httpx.Response) -> None:
    """``waitForAccountManagementTitle()``: the login went through to the client."""
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text


def _label(page: httpx.Response, name: str) -> str:
    """``getLabelForField``: the text of the label for the input (the required marker left out)."""
    elements = form_elements(page.text, FORM)
    [label] = [e for e in elements if e.tag == "label" and e.get("for") == name]
    return " ".join(label.text.replace("*", "").split())


async def test_display_name(env: Env) -> None:
    """A ``${key}`` display name in the page's words, none the attribute's name, a plain one as it is."""
    async with (
        _reviewing(
            env,
            "on",
            {"name": "firstName", "displayName": "${firstName}", "permissions": ALL, "required": {}},
            {"name": "lastName", "permissions": ALL},
            {"name": DEPARTMENT, "displayName": "Department", "permissions": ALL, "required": {}},
        ) as broker,
        browser(broker) as http,
    ):
        page = await _review_page(http)
        assert _label(page, "firstName") == "First name"
        assert _label(page, "lastName") == "lastName"
        assert _label(page, DEPARTMENT) == "Department"


async def test_attribute_grouping(env: Env) -> None:
    """Attributes without a group first; each group's header and description labels before its first attribute;
    every label has the element it belongs to."""
    async with _reviewing(
        env,
        "on",
        {"name": "lastName", "permissions": ALL},
        {"name": "username", "permissions": ALL},
        {"name": "firstName", "permissions": ALL, "required": {}},
        {"name": DEPARTMENT, "permissions": ALL, "required": {}, "group": "company"},
        {"name": "email", "permissions": ALL, "group": "contact"},
        groups=[{"name": "company", "displayDescription": "Company field desc"}, {"name": "contact"}],
    ) as broker:
        async with browser(broker) as http:
            page = await _review_page(http)
        elements = form_elements(page.text, FORM)
        ids = {e.get("id") for e in elements if e.get("id")}
        found = []
        for label in (e for e in elements if e.tag == "label"):
            target = label.get("for")
            assert target is None or target in ids, target
            found.append(target or label.get("id"))
        expected = ["lastName", "username", "firstName", "header-company", "description-company", DEPARTMENT]
        assert found == [*expected, "header-contact", "email"]


async def test_attribute_gui_order(env: Env) -> None:
    """The inputs in the configuration's order, the custom one among the root ones."""
    async with _reviewing(
        env,
        "on",
        {"name": "lastName", "permissions": ALL},
        {"name": DEPARTMENT, "permissions": ALL, "required": {}},
        {"name": "username", "permissions": ALL},
        {"name": "firstName", "permissions": ALL, "required": {}},
        {"name": "email", "permissions": ALL},
    ) as broker:
        async with browser(broker) as http:
            page = await _review_page(http)
        inputs = [e.get("id") for e in form_elements(page.text, FORM) if e.tag == "input" and e.get("id")]
        assert inputs[:5] == ["lastName", DEPARTMENT, "username", "firstName", "email"]


async def test_attribute_input_types(env: Env) -> None:
    """RegisterWithUserProfileTest.assertFieldTypes on the review page: each ``inputType`` annotation's element,
    options and labels."""
    async with _reviewing(env, "on", *INPUT_TYPES) as broker:
        async with browser(broker) as http:
            page = await _review_page(http)
        assert_field_types(form_elements(page.text, FORM))


async def test_dynamic_user_profile_review_when_missing_required_read_only_attribute_doesnot_force_update(
    env: Env,
) -> None:
    """``missing``: a required attribute the user may not write does not make the brokered profile invalid."""
    async with (
        _reviewing(
            env,
            "missing",
            {"name": "firstName", "permissions": ALL},
            {"name": "lastName", "permissions": ALL},
            {"name": DEPARTMENT, "permissions": ADMIN_EDITABLE, "required": {}},
        ) as broker,
        browser(broker) as http,
    ):
        _signed_in(await broker_login(http))


async def test_dynamic_user_profile_review_when_missing_required_but_not_selected_by_scope_attribute_doesnot_force_update(
    env: Env,
) -> None:
    """``missing``: a required attribute selected by a scope the login does not request is not part of the
    profile."""
    async with (
        _reviewing(
            env,
            "missing",
            {"name": "firstName", "permissions": ALL},
            {"name": "lastName", "permissions": ALL},
            {"name": DEPARTMENT, "permissions": ALL, "required": {}, "selector": {"scopes": [DEPARTMENT]}},
            department_scope=True,
        ) as broker,
        browser(broker) as http,
    ):
        _signed_in(await broker_login(http))


async def test_dynamic_user_profile_review_when_missing_required_and_selected_by_scope_attribute_forces_update(
    env: Env,
) -> None:
    """``missing``: a required attribute selected by ``profile`` (a default scope of the client) the provider
    gave no value makes the page show."""
    async with (
        _reviewing(
            env,
            "missing",
            {"name": "firstName", "permissions": ALL},
            {"name": "lastName", "permissions": ALL},
            {"name": DEPARTMENT, "permissions": ALL, "required": {}, "selector": {"scopes": ["profile"]}},
        ) as broker,
        browser(broker) as http,
    ):
        page = await _review_page(http)
        assert _has_input(page, DEPARTMENT)


async def test_dynamic_user_profile_review_required_read_only_attribute_not_rendered_and_not_blocking_process(
    env: Env,
) -> None:
    """A required attribute the user may only view is not on the page, and the profile goes through without it."""
    async with _reviewing(
        env,
        "on",
        {"name": "firstName", "permissions": ALL, "required": {}},
        {"name": "lastName", "permissions": ALL},
        {"name": DEPARTMENT, "permissions": ADMIN_EDITABLE, "required": {}},
    ) as broker:
        async with browser(broker) as http:
            page = await _review_page(http)
            assert not _has_input(page, DEPARTMENT) and f'name="{DEPARTMENT}"' not in page.text
            _signed_in(await _update(http, page, "readonlynotblocking", **{DEPARTMENT: "sneaked"}))
        assert DEPARTMENT not in ((await _user(env, "readonlynotblocking")).get("attributes") or {})


async def test_dynamic_user_profile_review_attribute_required_and_selected_by_scope_must_be_set(env: Env) -> None:
    """A required attribute selected by a requested scope: blank, the page again with its error on the field;
    filled in, saved on the new user with the names."""
    async with _reviewing(
        env,
        "on",
        {"name": "firstName", "permissions": ALL, "required": {}},
        {"name": "lastName", "permissions": ALL},
        {"name": DEPARTMENT, "permissions": ALL, "required": {}, "selector": {"scopes": ["profile"]}},
    ) as broker:
        async with browser(broker) as http:
            page = await _review_page(http)
            again = await _update(http, page, "mustbeset", **{DEPARTMENT: ""})
            _is_review(again)
            assert 'id="input-error-department"' in again.text and "Please specify this field." in again.text
            assert 'aria-invalid="true"' in again.text and 'value="mustbeset"' in again.text
            _signed_in(await _update(http, again, "mustbeset", **{DEPARTMENT: "DepartmentAA"}))
        user = await _created(env, "mustbeset")
        assert user["attributes"][DEPARTMENT] == ["DepartmentAA"]


async def test_dynamic_user_profile_review_attribute_not_required_and_selected_by_scope_can_be_ignored(
    env: Env,
) -> None:
    """An optional attribute selected by a requested scope is on the page and may stay empty."""
    async with _reviewing(
        env,
        "on",
        {"name": "firstName", "permissions": ALL, "required": {}},
        {"name": "lastName", "permissions": ALL, "required": {}},
        {"name": DEPARTMENT, "permissions": ALL, "selector": {"scopes": ["profile"]}},
    ) as broker:
        async with browser(broker) as http:
            page = await _review_page(http)
            assert _has_input(page, DEPARTMENT)
            _signed_in(await _update(http, page, "canbeignored"))
        user = await _created(env, "canbeignored")
        assert not (user.get("attributes") or {}).get(DEPARTMENT)


async def test_dynamic_user_profile_review_attribute_not_required_and_selected_by_scope_can_be_set(env: Env) -> None:
    """An optional attribute selected by a requested scope, filled in, is saved on the new user."""
    async with _reviewing(
        env,
        "on",
        {"name": "firstName", "permissions": ALL, "required": {}},
        {"name": "lastName", "permissions": ALL, "required": {}},
        {"name": DEPARTMENT, "permissions": ALL, "selector": {"scopes": ["profile"]}},
    ) as broker:
        async with browser(broker) as http:
            page = await _review_page(http)
            assert _has_input(page, DEPARTMENT)
            _signed_in(await _update(http, page, "canbeset", **{DEPARTMENT: "Department AA"}))
        user = await _created(env, "canbeset")
        assert user["attributes"][DEPARTMENT] == ["Department AA"]


async def test_dynamic_user_profile_review_attribute_required_but_not_selected_by_scope_is_not_rendered_and_not_blocking_process(
    env: Env,
) -> None:
    """A required attribute selected by a scope the login does not request is neither shown nor required nor
    saved, whatever is posted under its name."""
    async with _reviewing(
        env,
        "on",
        {"name": "firstName", "permissions": ALL, "required": {}},
        {"name": "lastName", "permissions": ALL, "required": {}},
        {"name": DEPARTMENT, "permissions": ALL, "required": {}, "selector": {"scopes": [DEPARTMENT]}},
        department_scope=True,
    ) as broker:
        async with browser(broker) as http:
            page = await _review_page(http)
            assert not _has_input(page, DEPARTMENT)
            _signed_in(await _update(http, page, "notselected", **{DEPARTMENT: "sneaked"}))
        user = await _created(env, "notselected")
        assert DEPARTMENT not in (user.get("attributes") or {})


# --- beyond the Java methods ------------------------------------------------------------------------------------
async def test_the_review_shows_what_the_providers_mappers_filled_in_and_saves_the_edit(env: Env) -> None:
    """A Hardcoded Attribute mapper's value (preprocessFederatedIdentity) is the field's value on the page
    (IdpReviewProfileBean.getAttributeDefaultValues); the user's edit is what the new user gets."""
    async with _reviewing(
        env,
        "on",
        {"name": "firstName", "permissions": ALL},
        {"name": "lastName", "permissions": ALL},
        {"name": DEPARTMENT, "permissions": ALL, "required": {}},
    ) as broker:
        mapper = {
            "name": "dept",
            "identityProviderAlias": ALIAS,
            "identityProviderMapper": "hardcoded-attribute-idp-mapper",
            "config": {"attribute": DEPARTMENT, "attribute.value": "Engineering", "syncMode": "INHERIT"},
        }
        base = f"/admin/realms/test/identity-provider/instances/{ALIAS}/mappers"
        made = await env.http.post(base, json=mapper, headers=await env.admin_headers())
        assert made.status_code == 201, made.text
        async with browser(broker) as http:
            page = await _review_page(http)
            [field] = [e for e in form_elements(page.text, FORM) if e.get("id") == DEPARTMENT]
            assert field.get("value") == "Engineering"
            _signed_in(await _update(http, page, "mapped", **{DEPARTMENT: "Sales"}))
        assert (await _user(env, "mapped"))["attributes"][DEPARTMENT] == ["Sales"]


async def test_a_validator_error_is_the_fields_own_and_the_page_keeps_what_was_typed(env: Env) -> None:
    """A declared attribute's validator refuses the value: the error under that field only (aria-describedby
    names it), the values typed kept; nothing is created until the value is valid."""
    async with _reviewing(
        env,
        "on",
        {"name": "firstName", "permissions": ALL},
        {"name": "lastName", "permissions": ALL},
        {"name": DEPARTMENT, "permissions": ALL, "validations": {"length": {"min": 3, "max": 5}}},
    ) as broker:
        async with browser(broker) as http:
            page = await _review_page(http)
            again = await _update(http, page, "validated", **{DEPARTMENT: "toolong"})
            _is_review(again)
            [field] = [e for e in form_elements(again.text, FORM) if e.get("id") == DEPARTMENT]
            assert field.get("value") == "toolong" and field.get("aria-invalid") == "true"
            assert "input-error-department" in (field.get("aria-describedby") or "")
            assert "Length must be between 3 and 5." in again.text
            assert 'id="input-error-firstName"' not in again.text
            none = await env.http.get("/admin/realms/test/users", params={"q": ""}, headers=await env.admin_headers())
            assert all(u["username"] != "validated" for u in none.json())
            _signed_in(await _update(http, again, "validated", **{DEPARTMENT: "abcd"}))
        assert (await _user(env, "validated"))["attributes"][DEPARTMENT] == ["abcd"]


async def test_an_optional_scope_the_login_requests_selects_and_requires_the_attribute(env: Env) -> None:
    """UserProfileTest.testRequiredByScope's IDP_REVIEW part, through a login: an attribute required only by an
    optional client scope is required on the review page when the login asks for that scope (``missing`` then
    shows the page), and not otherwise."""
    async with _reviewing(
        env,
        "missing",
        {"name": "firstName", "permissions": ALL},
        {"name": "lastName", "permissions": ALL},
        {"name": DEPARTMENT, "permissions": ALL, "required": {"scopes": [DEPARTMENT]}},
        department_scope=True,
    ) as broker:
        headers = await env.admin_headers()
        scopes = (await env.http.get("/admin/realms/test/client-scopes", headers=headers)).json()
        [scope] = [s for s in scopes if s["name"] == DEPARTMENT]
        clients = (await env.http.get("/admin/realms/test/clients", params={"clientId": "app"}, headers=headers)).json()
        path = f"/admin/realms/test/clients/{clients[0]['id']}/optional-client-scopes/{scope['id']}"
        linked = await env.http.put(path, headers=headers)
        assert linked.status_code == 204, linked.text
        async with browser(broker) as http:
            page = await _review_page(http, scope=f"openid {DEPARTMENT}")
            again = await _update(http, page, "byscope")
            assert "Please specify this field." in again.text and 'id="input-error-department"' in again.text
        await seed_user(env.db, env.clock, "provider", "bob", email="bob@example.org")
        async with browser(broker) as http:  # the scope not asked for: the profile is complete as it stands
            _signed_in(await broker_login(http, "bob"))
