"""The realm and page helpers of the ports of Keycloak's new-framework VerifyProfileTest
(tests/base/.../tests/forms/VerifyProfileTest.java): ``VerifyProfileRealmConfig``'s realm with the framework's
``test-app``, the user-profile configuration builders (``attribute``, ``required``, ``lengthValidated``),
``setUserProfileConfiguration``, ``prepareUser`` and the verify-profile page object."""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

from browser_flow import form_action
from keycloak_port import admin_headers, get, put, user_id
from login_test_realm import login, open_login_form
from update_profile_port import is_update_profile_page, update
from wire_env import Env

PASSWORD = "Pa55-verify-profile"
ALL = {"view": ["admin", "user"], "edit": ["admin", "user"]}
ADMIN_ONLY = {"view": ["admin"], "edit": ["admin"]}
ADMIN_EDITABLE = {"view": ["admin", "user"], "edit": ["admin"]}
DEPARTMENT = "department"
MESSAGE = "You need to update your user profile to activate your account."  # Messages.UPDATE_PROFILE


def _user(username: str, email: str | None, first: str | None = None, last: str | None = None) -> dict[str, Any]:
    rep: dict[str, Any] = {"username": username, "enabled": True}
    rep |= {k: v for k, v in (("email", email), ("firstName", first), ("lastName", last)) if v is not None}
    return rep | {"credentials": [{"type": "password", "value": PASSWORD, "temporary": False}]}


def realm_rep() -> dict[str, Any]:
    """VerifyProfileRealmConfig, with the framework's ``test-app``."""
    redirect = ["http://127.0.0.1:9999/*"]
    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "editUsernameAllowed": True,
        "users": [
            _user("login-test", "login@test.com"),
            _user("login-test2", "login2@test.com"),
            _user("login-test3", "login3@test.com", last="ExistingLast"),
            _user("login-test4", "login4@test.com", last="ExistingLast"),
            _user("login-test5", "login5@test.com", "ExistingFirst", "ExistingLast"),
            _user("login-test6", "login6@test.com", "ExistingFirst", "ExistingLast"),
            _user("login-nomail", None, "NoMailFirst", "NoMailLast"),
        ],
        "clientScopes": [
            {"name": DEPARTMENT, "protocol": "openid-connect"},
            {"name": "profile", "protocol": "openid-connect"},
        ],
        "clients": [
            {"clientId": "test-app", "secret": "password", "redirectUris": redirect},
            {
                "clientId": "client-a",
                "publicClient": True,
                "redirectUris": redirect,
                "defaultClientScopes": [DEPARTMENT],
            },
            {
                "clientId": "client-b",
                "publicClient": True,
                "redirectUris": redirect,
                "optionalClientScopes": [DEPARTMENT],
            },
        ],
    }


def attribute(name: str, permissions: dict[str, list[str]], **more: Any) -> dict[str, Any]:
    return {"name": name, "permissions": permissions, **more}


def required(name: str, permissions: dict[str, list[str]] = ALL, **more: Any) -> dict[str, Any]:
    return attribute(name, permissions, required={}, **more)


def length_validated(name: str) -> dict[str, Any]:
    return attribute(name, ALL, validations={"length": {"min": 3, "max": 255}})


async def set_profile(kc: Env, *attributes: dict[str, Any]) -> None:
    """``setUserProfileConfiguration(config(attributes))``."""
    config: dict[str, Any] = {"attributes": [dict(a) for a in attributes]}
    names = {a["name"] for a in attributes}
    if "username" not in names:
        config["attributes"].append({"name": "username"})
    if "email" not in names:
        config["attributes"].append({"name": "email", "permissions": ALL, "required": {"roles": ["user"]}})
    await put(kc, "/users/profile", json.loads(json.dumps(config)), status=200)


async def prepare_user(kc: Env, username: str, first: str | None, last: str | None, department: str | None) -> str:
    """``prepareUser``: the names and the department set through the admin API under a configuration declaring
    the three; the user's id."""
    await set_profile(kc, attribute("firstName", ALL), attribute("lastName", ALL), attribute(DEPARTMENT, ALL))
    uid = await user_id(kc, username)
    rep = await get(kc, f"/users/{uid}")
    attributes = dict(rep.get("attributes") or {})
    attributes.pop(DEPARTMENT, None)
    if department is not None:
        attributes[DEPARTMENT] = [department]
    rep = {**rep, "firstName": first or "", "lastName": last or "", "attributes": attributes}
    await put(kc, f"/users/{uid}", rep)
    return uid


async def signed_in(kc: Env, username: str, client_id: str = "test-app", **params: str) -> httpx.Response:
    """``oauth.openLoginForm(); login(username)``."""
    return await login(kc, await open_login_form(kc, client_id, **params), username, PASSWORD)


async def verify_page(kc: Env, username: str, client_id: str = "test-app", **params: str) -> httpx.Response:
    """``verifyProfilePage.assertCurrent()`` after the login."""
    page = await signed_in(kc, username, client_id, **params)
    assert is_update_profile_page(page), page.text[:1500]
    return page


def department_present(page: httpx.Response) -> bool:
    return f'id="{DEPARTMENT}"' in page.text


def department_enabled(page: httpx.Response) -> bool:
    marker = f'id="{DEPARTMENT}"'
    start = page.text.index(marker)
    tag = page.text[page.text.rindex("<", 0, start) : page.text.index(">", start)]
    return " disabled" not in tag and " readonly" not in tag


def label(page: httpx.Response, field: str) -> str:
    marker = f'<label for="{field}">'
    assert marker in page.text, (field, page.text[:1500])
    return page.text.split(marker, 1)[1].split("<", 1)[0]


async def user_rep(kc: Env, username: str) -> dict[str, Any]:
    found: dict[str, Any] = await get(kc, f"/users/{await user_id(kc, username)}")
    return found


def shown_inputs(page: httpx.Response) -> dict[str, str]:
    """The text inputs as the page fills them in, what a browser posts untouched."""
    found = re.findall(r'<input type="text" id="[^"]*" name="([^"]+)" value="([^"]*)"', page.text)
    return {name: html.unescape(value) for name, value in found}


async def submitted(kc: Env, page: httpx.Response, first: str, last: str, **more: str) -> httpx.Response:
    """``verifyProfilePage.update(first, last)`` / ``prepareUpdate()...submit()``: the form as shown, these
    fields typed."""
    return await update(kc, page, **{**shown_inputs(page), "firstName": first, "lastName": last, **more})


async def reset_profile(kc: Env) -> None:
    """``resetUserProfileConfiguration()``: ``PUT users/profile`` with ``null``, the default configuration back."""
    headers = {**await admin_headers(kc), "content-type": "application/json"}
    response = await kc.http.put("/admin/realms/test/users/profile", content=b"null", headers=headers)
    assert response.status_code == 200, response.text


async def refresh(kc: Env, page: httpx.Response) -> httpx.Response:
    """``driver.navigate().refresh()``: the page's own address again, its form's action without the form's code."""
    parts = urlsplit(form_action(page.text))
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "session_code"]
    again = await kc.http.get(parts._replace(query=urlencode(query)).geturl())
    assert is_update_profile_page(again), again.text[:1500]
    return again


def input_present(page: httpx.Response, name: str) -> bool:
    """``isUsernamePresent()`` / ``isEmailInputPresent()``: an input of that name on the form."""
    return re.search(rf'<input [^>]*name="{re.escape(name)}"', page.text) is not None


def input_enabled(page: httpx.Response, name: str) -> bool:
    """``isUsernameEnabled()``: the input is neither disabled nor read-only."""
    found = re.search(rf'<input [^>]*id="{re.escape(name)}"[^>]*>', page.text)
    assert found, (name, page.text[:1500])
    return " disabled" not in found[0] and " readonly" not in found[0]
