"""The realm and page objects the wire ports of Keycloak's RequiredActionUpdateProfileTest and
AppInitiatedActionUpdateProfileTest share (testsuite/.../actions/).

The realm is the part of ``testrealm.json`` the two classes read: ``editUsernameAllowed`` on (the
LoginUpdateProfileEditUsernameAllowedPage they drive shows the username), events kept, ``test-app`` with its
base URL (the error page's "Back to Application") and ``keycloak-user@localhost``, whose e-mail the
duplicate-e-mail methods reuse. ``updateProfilePage`` reads login-update-profile's HTML; ``events.poll()`` is
the admin events API (``keycloak_port.poll``).
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlencode

import httpx

from browser_flow import form_action, form_fields, submit
from group_port import fresh_realm
from keycloak_port import get, poll, user_id
from login_test_realm import APP, APP_BASE, PASSWORD, SECRET, mark_start
from wire_env import Env

TEST_USER, JOHN = "test-user@localhost", "john-doh@localhost"


def user(username: str, first: str, last: str, **extra: Any) -> dict[str, Any]:
    """``UserBuilder...build()`` with ``createUserAndResetPasswordWithAdminClient``'s password."""
    credentials = [{"type": "password", "value": PASSWORD, "temporary": False}]
    rep = {"username": username, "email": username, "firstName": first, "lastName": last, "enabled": True}
    return {**rep, "credentials": credentials, **extra}


async def import_realm(env: Env, users: list[dict[str, Any]]) -> None:
    """Realm ``test`` anew with ``users`` beside keycloak-user@localhost; the browser's cookies dropped."""
    rep = {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "editUsernameAllowed": True,
        "clients": [
            {"clientId": APP, "secret": SECRET, "baseUrl": APP_BASE, "redirectUris": ["http://127.0.0.1:9999/*"]}
        ],
        "users": [*users, user("keycloak-user@localhost", "Keycloak", "User")],
    }
    env.http.cookies.clear()
    await fresh_realm(env, rep)
    mark_start(env)


# --- updateProfilePage ------------------------------------------------------------------------------
def is_update_profile_page(page: httpx.Response) -> bool:
    """``updateProfilePage.assertCurrent()``."""
    return page.status_code == 200 and 'id="kc-update-profile-form"' in page.text


def value(page: httpx.Response, name: str) -> str:
    """``getFirstName()``, ``getEmail()``, ``getUsername()``...: the input's value as the page holds it."""
    found = re.search(rf'<input type="text" id="{re.escape(name)}" name="{re.escape(name)}" value="([^"]*)"', page.text)
    assert found, (name, page.text[:1500])
    return html.unescape(found[1])


async def assert_refused(kc: Env, page: httpx.Response, shown: dict[str, str], field: str, error: str) -> None:
    """The update-profile form again, keeping what was posted (``shown``), with ``error`` under ``field`` and
    no event recorded."""
    assert is_update_profile_page(page)
    assert {name: value(page, name) for name in shown} == shown
    assert input_error(page, field) == error
    assert await poll(kc) == []


def input_error(page: httpx.Response, name: str) -> str | None:
    """``getInputErrors().getFirstNameError()`` and the like."""
    found = re.search(rf'<span id="input-error-{name.lower()}"[^>]*>([^<]*)</span>', page.text)
    return html.unescape(found[1]) if found else None


def input_values(page: httpx.Response, name: str) -> list[str]:
    """Every input of a (multivalued) attribute: ``getAttribute(name + "-" + i)`` for each ``i``."""
    pattern = rf'<input type="text" id="{re.escape(name)}(?:-\d+)?" name="{re.escape(name)}" value="([^"]*)"'
    return [html.unescape(v) for v in re.findall(pattern, page.text)]


async def post_pairs(env: Env, page: httpx.Response, fields: list[tuple[str, str]]) -> httpx.Response:
    """The page's form posted with ``fields``, a name repeated once per value as a browser sends it."""
    body = urlencode([*form_fields(page.text).items(), *fields])
    headers = {"content-type": "application/x-www-form-urlencoded"}
    return await env.http.post(form_action(page.text), content=body, headers=headers)


def cancel_displayed(page: httpx.Response) -> bool:
    """``updateProfilePage.isCancelDisplayed()``."""
    return 'id="kc-cancel"' in page.text


async def update(env: Env, page: httpx.Response, **fields: str) -> httpx.Response:
    """``prepareUpdate().username(..).firstName(..).lastName(..).email(..).submit()``."""
    assert is_update_profile_page(page), page.text[:1500]
    return await submit(env.http, page, **fields)


async def cancel(env: Env, page: httpx.Response) -> httpx.Response:
    """``updateProfilePage.cancel()``: the ``cancel-aia`` button."""
    assert cancel_displayed(page), page.text[:1500]
    return await submit(env.http, page, **{"cancel-aia": "true"})


def form(username: str, first: str, last: str, email: str) -> dict[str, str]:
    return {"username": username, "firstName": first, "lastName": last, "email": email}


# --- the admin client and events ----------------------------------------------------------------------
async def find_user(env: Env, username: str) -> dict[str, Any]:
    """``ActionUtil.findUserWithAdminClient``."""
    found: dict[str, Any] = await get(env, f"/users/{await user_id(env, username)}")
    return found


async def events_since(env: Env) -> list[dict[str, Any]]:
    """``events.poll()`` until empty: every event recorded since the last call, oldest first."""
    return await poll(env)


def assert_update_profile_event(event: dict[str, Any], **details: str) -> None:
    """``expectRequiredAction(UPDATE_PROFILE)`` with ``details``: the event of the test client with no error."""
    assert event["type"] == "UPDATE_PROFILE" and event.get("error") is None, event
    assert event["clientId"] == APP, event
    for name, expected in details.items():
        assert event["details"].get(name) == expected, (name, event)
