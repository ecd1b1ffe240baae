"""The realm and page helpers of the wire port of Keycloak's ``org.keycloak.testsuite.forms.RegisterTest``.

The realm is the part of Keycloak's ``testrealm.json`` the test reads: registration allowed, events kept, the
confidential ``test-app`` and the users ``test-user@localhost`` (Tom Brady) and ``roleRichUser``
(``rich.roles@redhat.com``), every password ``password``. ``registerPage`` is read from the HTML of
register.ftl, ``events`` from the admin events API in order (AssertEvents).
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from browser_flow import REDIRECT, form_action, form_fields, start
from group_port import fresh_realm
from keycloak_port import ADMIN, admin_headers, get, poll, put, user_id
from wire_env import Env

APP, SECRET = "test-app", "password"
USER = "test-user@localhost"
_PENDING: dict[int, list[dict[str, Any]]] = {}


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """The realm imported afresh for the test, a browser with no cookies, no events pending from earlier tests."""
    env.http.cookies.clear()
    await fresh_realm(env, realm_rep())
    forget_events(env)
    yield env
    env.http.cookies.clear()


def realm_rep(**extra: Any) -> dict[str, Any]:
    def user(name: str, email: str, first: str, last: str) -> dict[str, Any]:
        credentials = [{"type": "password", "value": "password", "temporary": False}]
        return {
            "username": name,
            "email": email,
            "firstName": first,
            "lastName": last,
            "enabled": True,
            "emailVerified": True,
            "credentials": credentials,
        }

    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "registrationAllowed": True,
        "clients": [
            {
                "clientId": APP,
                "secret": SECRET,
                "baseUrl": "http://127.0.0.1:9999/app",
                "redirectUris": ["http://127.0.0.1:9999/*"],
            }
        ],
        "users": [user(USER, USER, "Tom", "Brady"), user("roleRichUser", "rich.roles@redhat.com", "Rich", "Roles")],
        **extra,
    }


ALWAYS_SET_PASSWORD = "always_set_password_on_register_form"  # RegistrationPassword's option, Keycloak 26.7


async def always_set_password_on_register_form(env: Env, value: str = "true") -> str:
    """``enableAlwaysSetPasswordOnRegisterForm()`` (RegisterWithEmailVerificationTest): a config on the
    registration flow's Password Validation; "true" keeps the password on the form where the realm verifies
    e-mails (the pre-26.7 registration the older ports drive). The config's id."""
    rows = await get(env, "/authentication/flows/registration/executions")
    row = next(r for r in rows if r.get("providerId") == "registration-password-action")
    assert row["configurable"] is True, row
    body = {"alias": "reg-password", "config": {ALWAYS_SET_PASSWORD: value}}
    url = f"{ADMIN}/authentication/executions/{row['id']}/config"
    made = await env.http.post(url, json=body, headers=await admin_headers(env))
    assert made.status_code == 201, made.text
    return str(made.headers["location"]).rsplit("/", 1)[-1]


RANKS_26 = {"CONFIGURE_TOTP": 10, "UPDATE_PASSWORD": 30}
"""Keycloak 26.0-26.6's DefaultRequiredActions ranks: the OTP and the password before the profile (40) and the e-mail
(50). Doorkeep's new realms have Keycloak 26.7's (CONFIGURE_TOTP 54, UPDATE_PASSWORD 57, keycloak PR 47538); ports
of Java tests written against the older defaults (driving the password page before the profile page) pin these."""


async def rank_as_keycloak_26(env: Env) -> None:
    """The realm's CONFIGURE_TOTP and UPDATE_PASSWORD ranked before UPDATE_PROFILE, as a realm made by Keycloak 26.0
    to 26.6 has them (what MigrateTo26_7_0 changes)."""
    for alias, rank in RANKS_26.items():
        rep = await get(env, f"/authentication/required-actions/{alias}")
        await put(env, f"/authentication/required-actions/{alias}", {**rep, "priority": rank})


def register_link(page: httpx.Response) -> str:
    """``loginPage.clickRegister()``'s target."""
    found = re.search(r'<div id="kc-registration"><span>[^<]*<a href="([^"]+)"', page.text)
    assert found, page.text[:800]
    return html.unescape(found[1])


def is_register_page(page: httpx.Response) -> bool:
    """``registerPage.assertCurrent()``."""
    return page.status_code == 200 and 'id="kc-register-form"' in page.text


async def open_register(env: Env) -> httpx.Response:
    """``loginPage.open(); loginPage.clickRegister(); registerPage.assertCurrent()``."""
    page = await env.http.get(register_link(await start(env.http, "test", APP)))
    assert is_register_page(page), page.text[:800]
    return page


async def register(
    env: Env,
    page: httpx.Response,
    first: str | None,
    last: str | None,
    email: str | None,
    username: str | None,
    password: str | None,
    confirm: str | None,
) -> httpx.Response:
    """``registerPage.register(...)``: each field cleared and typed (a null leaves it empty), then submitted."""
    typed = {"firstName": first, "lastName": last, "email": email, "username": username}
    typed |= {"password": password, "password-confirm": confirm}
    data = {**form_fields(page.text), **{name: value or "" for name, value in typed.items()}}
    return await env.http.post(form_action(page.text), data=data)


async def register_email_as_username(
    env: Env, page: httpx.Response, first: str, last: str, email: str | None, password: str, confirm: str
) -> httpx.Response:
    """``registerPage.registerWithEmailAsUsername(...)``: the form has no username field."""
    assert 'name="username"' not in page.text, "the form must not ask for a username"
    typed = {"firstName": first, "lastName": last, "email": email or "", "password": password}
    data = {**form_fields(page.text), **typed, "password-confirm": confirm}
    return await env.http.post(form_action(page.text), data=data)


def field_error(page: httpx.Response, field: str) -> str | None:
    """``registerPage.getInputAccountErrors()`` / ``getInputPasswordErrors()``: a field's error text."""
    found = re.search(rf'<span id="input-error-{field}"[^>]*>([^<]*)</span>', page.text)
    return html.unescape(found[1]).strip() if found else None


def value_of(page: httpx.Response, field: str) -> str:
    """``registerPage.getFirstName()`` and the like: an input's value ("" when it has none)."""
    found = re.search(rf'<input type="[a-z]+" id="{field}" name="{field}"([^>]*)>', page.text)
    assert found, (field, page.text[:800])
    value = re.search(r'value="([^"]*)"', found[1])
    return html.unescape(value[1]) if value else ""


def auth_response(response: httpx.Response) -> dict[str, str]:
    """``appPage.getRequestType() == AUTH_RESPONSE``: back at the client's redirect URI with a code."""
    assert response.status_code == 302, (response.status_code, response.text[:800])
    location = httpx.URL(response.headers["location"])
    assert str(location).startswith(REDIRECT), location
    params = dict(location.params)
    assert "code" in params and "error" not in params, params
    return params


async def clear(env: Env) -> None:
    """``events.clear()``."""
    await poll(env)
    _PENDING[id(env)] = []


def forget_events(env: Env) -> None:
    _PENDING.pop(id(env), None)


async def expect(
    env: Env, type: str, *, user: str | None, client: str | None = APP, error: str | None = None, **details: Any
) -> dict[str, Any]:
    """``events.expect(type)...assertEvent()``: the oldest event not yet read, of this type, client, user (its
    id by username, or None) and error, no session unless a LOGIN, and these details."""
    pending = _PENDING.setdefault(id(env), [])
    if not pending:
        pending.extend(await poll(env))
    assert pending, f"no {type} event"
    event = pending.pop(0)
    assert (event["type"], event.get("error")) == (type, error), [
        (e["type"], e.get("error")) for e in [event, *pending]
    ]
    assert event.get("clientId") == client, event
    assert event.get("userId") == (await user_id(env, user) if user else None), event
    if not type.startswith("LOGIN") or error:
        assert event.get("sessionId") is None, event
    for name, value in details.items():
        assert event.get("details", {}).get(name) == value, (name, event)
    return event


async def expect_register(
    env: Env, username: str | None, email: str | None, *, error: str | None = None, **details: Any
) -> dict[str, Any]:
    """``events.expectRegister(username, email)``: REGISTER (REGISTER_ERROR with an error) for test-app, with
    ``register_method=form`` and the redirect URI. Pass ``username=None`` / ``email=None`` for a
    ``removeDetail``; the registered user (by the lower-cased username) is looked up only on success."""
    named = {"username": username} if username is not None else {}
    if email is not None:
        named["email"] = email
    type = "REGISTER_ERROR" if error else "REGISTER"
    user = None if error or username is None else username.lower()
    more = {"register_method": "form", "redirect_uri": REDIRECT, **named, **details}
    return await expect(env, type, user=user, error=error, **more)


async def expect_login(env: Env, username: str, user: str, **details: Any) -> dict[str, Any]:
    """``events.expectLogin().detail("username", username).user(userId)``."""
    event = await expect(env, "LOGIN", user=user, username=username, auth_method="openid-connect", **details)
    assert event.get("sessionId"), event
    return event
