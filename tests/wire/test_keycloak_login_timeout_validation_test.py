"""Keycloak's old-testsuite login/LoginTimeoutValidationTest (KEYCLOAK-10636, KEYCLOAK-10637) over HTTP: a realm
whose Login timeout (``accessCodeLifespanLogin``) or Login Action timeout (``accessCodeLifespanUserAction``) is
Integer.MAX_VALUE still signs users in. The Java class asks ClientSessionCode.isActionActive on the server (a
@ModelTest); here the timeouts are set through the Admin REST API and a login runs through them: the login page
and the code for the LOGIN action, an UPDATE_PASSWORD required action page and its post for the USER action."""

from __future__ import annotations

import httpx
import pytest

from browser_flow import code_from, exchange, start, submit
from flow_builder import admin
from support import seed_login_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
MAX = 2**31 - 1  # Integer.MAX_VALUE


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    return env


async def test_login_with_the_largest_login_timeout(realm: Env) -> None:
    """LoginTimeoutValidationTest#testIsLoginTimeoutValid, KEYCLOAK-10636: Login timeout Integer.MAX_VALUE; the
    login page's code is still active an hour later."""
    await admin(realm, "PUT", "/admin/realms/test", {"accessCodeLifespanLogin": MAX}, 204)
    rep = (await admin(realm, "GET", "/admin/realms/test", status=200)).json()
    assert rep["accessCodeLifespanLogin"] == MAX
    page = await start(realm.http, "test", "app")
    assert page.status_code == 200 and 'name="password"' in page.text, page.text[:300]
    realm.clock.advance(3600)
    code = code_from(await submit(realm.http, page, username="user1", password="password"))["code"]
    tokens = await exchange(realm.http, "test", "app", code)
    assert tokens.status_code == 200 and "access_token" in tokens.json(), tokens.text


async def required_action_page(env: Env) -> httpx.Response:
    """Login Action timeout Integer.MAX_VALUE, user1 with UPDATE_PASSWORD: the password given, the action's page."""
    await admin(env, "PUT", "/admin/realms/test", {"accessCodeLifespanUserAction": MAX}, 204)
    rep = (await admin(env, "GET", "/admin/realms/test", status=200)).json()
    assert rep["accessCodeLifespanUserAction"] == MAX
    await update_user(env.db, "test", "user1", required_actions=("UPDATE_PASSWORD",))
    page = await start(env.http, "test", "app")
    action = await submit(env.http, page, username="user1", password="password")
    assert action.status_code == 200 and 'name="password-new"' in action.text, action.text[:300]
    return action


async def update_password_then_token(env: Env, action: httpx.Response) -> None:
    done = await submit(env.http, action, **{"password-new": "new-password", "password-confirm": "new-password"})
    tokens = await exchange(env.http, "test", "app", code_from(done)["code"])
    assert tokens.status_code == 200 and "access_token" in tokens.json(), tokens.text


async def test_login_with_the_largest_login_action_timeout(realm: Env) -> None:
    """LoginTimeoutValidationTest#testIsLoginTimeoutValid, KEYCLOAK-10637: Login Action timeout Integer.MAX_VALUE;
    the required action's page is active and its post signs the user in."""
    await update_password_then_token(realm, await required_action_page(realm))


async def test_a_required_action_page_outlives_the_login_timeout_under_the_largest_login_action_timeout(
    realm: Env,
) -> None:
    """LoginTimeoutValidationTest#testIsLoginTimeoutValid, KEYCLOAK-10637, as the USER action check has it: an
    hour after the page was shown (past the 1800 s Login timeout), its post still signs the user in."""
    action = await required_action_page(realm)
    realm.clock.advance(3600)
    await update_password_then_token(realm, action)
