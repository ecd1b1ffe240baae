"""The device verification's login reaches the consent screen and the required actions by Keycloak's redirect to
``login-actions/required-action?execution=…&client_id=…&tab_id=…&client_data=…`` (DeviceEndpoint.processVerification
hands the login to the browser flow; AuthenticationProcessor.authenticationComplete then redirectToRequiredActions):
when the SSO cookie signs the user in at once, the verification's own answer is that redirect; after the login form,
the form's. The page's GET records nothing; the consent's POST ends on the device status page.

These tests read the raw answers (``login_client.raw``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from browser_flow import REDIRECT, code_from, form_action, form_fields, start, submit
from device_flow import ENABLED, authorize
from login_client import raw
from reset_password_port import is_update_password_page
from support import seed_client, seed_realm, seed_user, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio

ACTION_PATH = "/realms/test/login-actions/required-action"
STATUS = "http://localhost/realms/test/device/status"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock, oauth2_device_code_lifespan=60)
    await update_realm(env.db, "test", events_enabled=True)
    await seed_client(env.db, "test", "test-device", attributes=ENABLED)
    await seed_client(env.db, "test", "plain-app", redirect_uris=(REDIRECT,))
    await seed_user(env.db, env.clock, "test", "device-login")
    return env


def action_params(answer: httpx.Response) -> dict[str, str]:
    assert answer.status_code == 302, (answer.status_code, answer.text[:500])
    location = urlsplit(answer.headers["location"])
    assert location.path == ACTION_PATH, answer.headers["location"]
    query = parse_qsl(location.query)
    assert [k for k, _ in query] == ["execution", "client_id", "tab_id", "client_data"], query
    return dict(query)


async def saved(env: Env) -> list[str]:
    answer = await env.http.get("/admin/realms/test/events", headers=await env.admin_headers())
    assert answer.status_code == 200, answer.text
    return [e["type"] for e in reversed(answer.json())]


async def signed_in(env: Env) -> None:
    """An SSO session of this browser, through another client's login."""
    login = await start(env.http, "test", "plain-app")
    assert "code" in code_from(await submit(env.http, login, username="device-login", password="password"))


async def verification(env: Env, answer: dict[str, Any]) -> httpx.Response:
    """verification_uri_complete opened, the raw answer."""
    with raw(env.http):
        return await env.http.get(answer["verification_uri_complete"].removeprefix("http://localhost"))


async def accept(env: Env, page: httpx.Response) -> httpx.Response:
    assert page.status_code == 200 and 'name="accept"' in page.text, page.text[:800]
    with raw(env.http):
        return await env.http.post(form_action(page.text), data={**form_fields(page.text), "accept": "yes"})


async def test_with_an_sso_session_the_verification_redirects_to_the_consent_screen(realm: Env) -> None:
    await signed_in(realm)
    before = await saved(realm)
    answer = await authorize(realm, scope="openid")
    verified = await verification(realm, answer)
    params = action_params(verified)
    assert params["execution"] == "OAUTH_GRANT" and params["client_id"] == "test-device"
    assert verified.headers["cache-control"] == "no-store, must-revalidate, max-age=0"
    page = await realm.http.get(verified.headers["location"])
    again = await realm.http.get(verified.headers["location"])  # a refresh: the same page, nothing done
    assert form_action(again.text) == form_action(page.text)
    assert "LOGIN" not in (await saved(realm))[len(before) :]
    done = await accept(realm, again)
    assert done.status_code == 302 and done.headers["location"] == STATUS, done.text[:500]


async def test_with_an_sso_session_a_required_action_comes_first_by_the_redirect(realm: Env) -> None:
    await signed_in(realm)
    await update_user(realm.db, "test", "device-login", required_actions=("UPDATE_PASSWORD",))
    answer = await authorize(realm, scope="openid")
    verified = await verification(realm, answer)
    assert action_params(verified)["execution"] == "UPDATE_PASSWORD"
    page = await realm.http.get(verified.headers["location"])
    assert is_update_password_page(page), page.text[:800]


async def test_after_the_login_form_the_consent_screen_is_reached_by_the_redirect(realm: Env) -> None:
    answer = await authorize(realm, scope="openid")
    login = await verification(realm, answer)
    assert login.status_code == 200 and 'name="username"' in login.text, login.text[:500]
    with raw(realm.http):
        posted = await submit(realm.http, login, username="device-login", password="password")
    assert action_params(posted)["execution"] == "OAUTH_GRANT"
    done = await accept(realm, await realm.http.get(posted.headers["location"]))
    assert done.status_code == 302 and done.headers["location"] == STATUS, done.text[:500]
    assert not done.headers["location"].startswith(REDIRECT)
