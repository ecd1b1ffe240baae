"""Keycloak's RequiredActionResetPasswordTest (testsuite/integration-arquillian/tests/base/.../actions/
RequiredActionResetPasswordTest.java) over HTTP: UPDATE_PASSWORD as a required action of the login, its events,
and the "Sign out from other devices" box (unchecked on this page since Keycloak 26.3) ending the user's other
online and offline sessions. One app and one realm for the module; for each test ``test-user@localhost``
created again through the admin API (the Java ``@After`` resets the password). The second browser (``driver2``)
is a second HTTP client with its own cookies.

Not ported: resetPasswordActionNotTriggered, which copies the browser flow into a username-only flow and makes
it the realm's browser flow; Doorkeep runs a fixed browser flow (binding a flow other than the built-in one's equal is refused,
realms/flow_support.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import group_port
from browser_flow import exchange
from otp_port import (
    APP,
    SECRET,
    USER,
    Events,
    auth_response,
    fresh_users,
    login,
    open_login,
    token_and_logout,
    user_rep,
)
from reset_password_port import (
    NEW,
    cancel_displayed,
    change_password,
    imported,
    is_update_password_page,
    login_elsewhere,
    logout_sessions_checked,
    offline_sessions,
    require_update_password,
    user_sessions,
)
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
TRIGGERED = "logout_triggered_by_required_action"


@pytest.fixture(scope="module")
async def realm(shared_env: Env) -> Env:
    return await imported(shared_env)


@pytest.fixture
async def kc(realm: Env) -> AsyncIterator[Env]:
    await fresh_users(realm, user_rep(USER, firstName="Tom", lastName="Brady"))
    yield realm
    realm.http.cookies.clear()


@pytest.fixture
def events(kc: Env) -> Events:
    return Events(kc)


async def test_temp_password(kc: Env, events: Events) -> None:
    await require_update_password(kc)
    page = await login(kc, await open_login(kc))
    assert is_update_password_page(page) and not cancel_displayed(page)
    done = await change_password(kc, page, "new-password", "new-password")
    await events.expect("UPDATE_PASSWORD", credential_type="password")
    await events.expect("UPDATE_CREDENTIAL", credential_type="password")
    code = auth_response(done)["code"]
    login_event = await events.expect_login()
    await token_and_logout(kc, code)
    await events.expect("CODE_TO_TOKEN")  # sendTokenRequestAndGetResponse polls it
    logout = await events.expect("LOGOUT")
    assert logout["sessionId"] == login_event["sessionId"] and "code_id" not in logout.get("details", {})
    assert "code" in auth_response(await login(kc, await open_login(kc), password="new-password"))
    await events.expect_login()


async def _reset_password(kc: Env, events: Events, logout_others: bool) -> None:
    async with client_at(kc, "127.0.0.2") as second:
        await login_elsewhere(second)
        regular = await events.expect_login()
        assert await user_sessions(kc) == [regular["sessionId"]]
        second.cookies.clear()  # deleteAllCookies
        code = (await login_elsewhere(second, scope="openid offline_access"))["code"]
        offline = await events.expect_login()
        tokens = await exchange(second, "test", APP, code, secret=SECRET)
        assert tokens.status_code == 200, tokens.text
        exchanged = await events.expect("CODE_TO_TOKEN")
        assert exchanged["sessionId"] == offline["sessionId"]
    assert await offline_sessions(kc) == [offline["sessionId"]]
    await require_update_password(kc)
    page = await login(kc, await open_login(kc))
    assert is_update_password_page(page) and not logout_sessions_checked(page)
    done = await change_password(kc, page, NEW, NEW, logout_others=logout_others)
    if logout_others:
        for ended in (regular, offline):
            event = await events.expect("LOGOUT", **{TRIGGERED: "UPDATE_PASSWORD"})
            assert event["sessionId"] == ended["sessionId"], event
    await events.expect("UPDATE_PASSWORD", credential_type="password")
    await events.expect("UPDATE_CREDENTIAL", credential_type="password")
    assert "code" in auth_response(done)
    this = await events.expect_login()
    if logout_others:
        assert await user_sessions(kc) == [this["sessionId"]]
        assert await offline_sessions(kc) == []
    else:
        assert sorted(await user_sessions(kc)) == sorted([regular["sessionId"], this["sessionId"]])
        assert await offline_sessions(kc) == [offline["sessionId"]]


async def test_reset_password_logout_sessions_checked(kc: Env, events: Events) -> None:
    await _reset_password(kc, events, True)


async def test_reset_password_logout_sessions_not_checked(kc: Env, events: Events) -> None:
    await _reset_password(kc, events, False)
