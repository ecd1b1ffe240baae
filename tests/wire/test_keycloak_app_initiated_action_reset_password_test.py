"""Keycloak's AppInitiatedActionResetPasswordTest (testsuite/integration-arquillian/tests/base/.../actions/
AppInitiatedActionResetPasswordTest.java) over HTTP: UPDATE_PASSWORD asked for by the client (``kc_action``, the
Java ``doAIA()``), the re-authentication its max auth age asks for (five minutes, the action's own
``max_auth_age`` config, or the password policy's ``maxAuthAge``), cancelling it, and the "Sign out from other
devices" box. One app and one realm for the module; for each test ``test-user@localhost`` created again through
the admin API, the UPDATE_PASSWORD action's config and the password policy put back. The second browser
(``driver2``) is a second HTTP client with its own cookies. The new-framework class (tests/base/.../tests/actions/)
adds checkLogoutSessionsBackchannelLogout and updatePasswordDifferentAuthSession, ported at the end.

Left out of resetPassword: the mails of Keycloak's ``email`` event listener ("Update password", "Update
credential"), which Doorkeep does not have, and the check, through Keycloak's testing client, that the
authentication session is gone after the action (server-side state with no HTTP view).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

import group_port
from browser_flow import form_action, start, submit
from keycloak_port import get, put, update_client, update_realm, user_id
from login_test_realm import error_page_text
from mail_sink import free_port
from otp_port import (
    APP,
    USER,
    Events,
    auth_response,
    fresh_users,
    is_config_totp_page,
    login,
    open_login,
    token_and_logout,
    user_rep,
)
from receiver import receiver
from reset_password_port import (
    NEW,
    cancel,
    cancel_displayed,
    change_password,
    imported,
    is_update_password_page,
    login_elsewhere,
    logout_sessions_checked,
    user_sessions,
)
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
ACTION = "UPDATE_PASSWORD"
ACTION_PATH = f"/authentication/required-actions/{ACTION}"
INVALID_CODE = "An error occurred, please login again through your application."  # invalidCodeMessage


@pytest.fixture(scope="module")
async def realm(shared_env: Env) -> Env:
    return await imported(shared_env)


@pytest.fixture
async def kc(realm: Env) -> AsyncIterator[Env]:
    await fresh_users(realm, user_rep(USER, firstName="Tom", lastName="Brady"))
    action = await get(realm, ACTION_PATH)
    await put(realm, ACTION_PATH, {**action, "config": {}})
    await update_realm(realm, passwordPolicy="")
    yield realm
    realm.http.cookies.clear()


@pytest.fixture
def events(kc: Env) -> Events:
    return Events(kc)


async def do_aia(kc: Env) -> httpx.Response:
    """``doAIA()``: the authorization request with ``kc_action=UPDATE_PASSWORD``."""
    return await start(kc.http, "test", APP, kc_action=ACTION)


def kc_action_status(response: httpx.Response) -> str | None:
    """``assertKcActionStatus``: the client got its code, and this ``kc_action_status``."""
    params = auth_response(response)
    assert "code" in params, params
    return params.get("kc_action_status")


async def logged_in(kc: Env, events: Events) -> None:
    assert "code" in auth_response(await login(kc, await open_login(kc)))
    await events.expect_login()


async def password_changed(kc: Env, events: Events, page: httpx.Response) -> None:
    """The page offers Cancel; the new password is taken; the two events; ``kc_action_status=success``."""
    assert is_update_password_page(page) and cancel_displayed(page)
    done = await change_password(kc, page, "new-password", "new-password")
    await events.expect(ACTION, credential_type="password")
    await events.expect("UPDATE_CREDENTIAL", credential_type="password")
    assert kc_action_status(done) == "success"


async def reauthenticated(kc: Env, page: httpx.Response) -> httpx.Response:
    """``loginPage.assertCurrent()``, the attempted username shown, then ``loginPage.login("password")``."""
    assert f'id="kc-attempted-username">{USER}<' in page.text, page.text[:800]
    return await submit(kc.http, page, password="password")


async def set_action_max_auth_age(kc: Env, seconds: str) -> None:
    action = await get(kc, ACTION_PATH)
    await put(kc, ACTION_PATH, {**action, "config": {**action.get("config", {}), "max_auth_age": seconds}})


async def test_reset_password(kc: Env, events: Events) -> None:
    await logged_in(kc, events)
    page = await do_aia(kc)
    assert is_update_password_page(page) and cancel_displayed(page)
    done = await change_password(kc, page, "new-password", "new-password")
    await events.expect(ACTION, credential_type="password")
    await events.expect("UPDATE_CREDENTIAL", credential_type="password")
    assert kc_action_status(done) == "success"
    login_event = await events.expect_login()
    await token_and_logout(kc, auth_response(done)["code"])
    await events.expect("CODE_TO_TOKEN")  # sendTokenRequestAndGetResponse polls it
    assert (await events.expect("LOGOUT"))["sessionId"] == login_event["sessionId"]
    assert "code" in auth_response(await login(kc, await open_login(kc), password="new-password"))
    await events.expect_login()


async def test_reset_password_requires_re_auth(kc: Env, events: Events) -> None:
    await logged_in(kc, events)
    kc.clock.advance(350)
    page = await reauthenticated(kc, await do_aia(kc))
    await password_changed(kc, events, page)


async def test_reset_password_requires_re_auth_with_individual_max_auth_age_config(kc: Env, events: Events) -> None:
    await set_action_max_auth_age(kc, "500")
    await logged_in(kc, events)
    kc.clock.advance(550)
    page = await reauthenticated(kc, await do_aia(kc))
    await password_changed(kc, events, page)


async def test_reset_password_requires_no_re_auth_with_individual_max_auth_age_config(kc: Env, events: Events) -> None:
    await set_action_max_auth_age(kc, "500")
    await logged_in(kc, events)
    kc.clock.advance(350)
    await password_changed(kc, events, await do_aia(kc))  # within 500 s: straight to the form


async def test_reset_password_requires_re_auth_with_max_auth_age_password_policy(kc: Env, events: Events) -> None:
    """GH-12943: the password policy's maxAuthAge(0) asks for the password again one second later."""
    await update_realm(kc, passwordPolicy="maxAuthAge(0)")
    await logged_in(kc, events)
    kc.clock.advance(1)
    page = await reauthenticated(kc, await do_aia(kc))
    await password_changed(kc, events, page)


async def test_cancel_change_password(kc: Env, events: Events) -> None:
    page = await login(kc, await do_aia(kc))
    assert is_update_password_page(page)
    assert kc_action_status(await cancel(kc, page)) == "cancelled"
    await events.expect("CUSTOM_REQUIRED_ACTION_ERROR", error="rejected_by_user", custom_required_action=ACTION)
    await events.expect_login()


async def test_cancel_when_otp_required_action(kc: Env) -> None:
    uid = await user_id(kc, USER)
    rep = await get(kc, f"/users/{uid}")
    await put(kc, f"/users/{uid}", {**rep, "requiredActions": ["CONFIGURE_TOTP"]})
    page = await login(kc, await do_aia(kc))
    assert is_config_totp_page(page) and 'name="cancel-aia"' not in page.text
    # the cancel the page does not offer, sent anyway
    await kc.http.post(form_action(page.text), data={"cancel-aia": "true"})
    assert (await get(kc, f"/users/{uid}"))["requiredActions"] == ["CONFIGURE_TOTP"]


async def test_reset_password_user_has_update_password_required_action(kc: Env, events: Events) -> None:
    assert "code" in auth_response(await login(kc, await open_login(kc)))
    uid = await user_id(kc, USER)
    rep = await get(kc, f"/users/{uid}")
    await put(kc, f"/users/{uid}", {**rep, "requiredActions": [*rep["requiredActions"], ACTION]})
    await events.expect_login()
    page = await do_aia(kc)
    # no Cancel: the action is not only the client's, Keycloak requires it too
    assert is_update_password_page(page) and not cancel_displayed(page)
    done = await change_password(kc, page, "new-password", "new-password")
    await events.expect(ACTION, credential_type="password")
    await events.expect("UPDATE_CREDENTIAL", credential_type="password")
    assert kc_action_status(done) == "success"


async def test_check_logout_sessions(kc: Env, events: Events) -> None:
    await logged_in(kc, events)
    (first,) = await user_sessions(kc)
    async with client_at(kc, "127.0.0.2") as second:
        await login_elsewhere(second)
    other = await events.expect_login()
    assert len(await user_sessions(kc)) == 2
    page = await do_aia(kc)
    assert is_update_password_page(page)
    done = await change_password(kc, page, NEW, NEW, logout_others=True)
    ended = await events.expect("LOGOUT", logout_triggered_by_required_action=ACTION)
    assert ended["sessionId"] == other["sessionId"]
    await events.expect(ACTION, credential_type="password")
    await events.expect("UPDATE_CREDENTIAL", credential_type="password")
    assert kc_action_status(done) == "success"
    assert await user_sessions(kc) == [first]  # the old session of this browser stays


async def test_check_logout_sessions_backchannel_logout(kc: Env, events: Events) -> None:
    """AppInitiatedActionResetPasswordTest#checkLogoutSessionsBackchannelLogout (new framework): the client
    takes back-channel logouts with the session required; three logins, each in a fresh browser, then the
    last one's password change with "Sign out from other devices": only its own session is left."""
    backchannel = {"backchannel.logout.url": "", "backchannel.logout.session.required": "true"}
    with receiver(port=free_port()) as app:
        await update_client(kc, APP, attributes={**backchannel, "backchannel.logout.url": f"{app.url}/admin"})
        try:
            earlier: set[str] = set()
            for _ in range(3):
                earlier |= set(await user_sessions(kc))
                kc.http.cookies.clear()  # the Java test deletes the cookies to log in again
                await logged_in(kc, events)
            assert len(earlier) == 2 and len(await user_sessions(kc)) == 3
            page = await do_aia(kc)
            assert is_update_password_page(page)
            await change_password(kc, page, NEW, NEW, logout_others=True)
            remaining = await user_sessions(kc)
            assert len(remaining) == 1 and not earlier & set(remaining), (earlier, remaining)
            assert len(await app.wait_for(2)) == 2  # a logout token for each of the other two sessions
        finally:
            await update_client(kc, APP, attributes=backchannel)


async def test_uncheck_logout_sessions(kc: Env, events: Events) -> None:
    await logged_in(kc, events)
    async with client_at(kc, "127.0.0.2") as second:
        await login_elsewhere(second)
    await events.expect_login()
    assert len(await user_sessions(kc)) == 2
    page = await do_aia(kc)
    assert is_update_password_page(page) and not logout_sessions_checked(page)
    done = await change_password(kc, page, NEW, NEW)
    await events.expect(ACTION, credential_type="password")
    await events.expect("UPDATE_CREDENTIAL", credential_type="password")
    assert kc_action_status(done) == "success"
    assert len(await user_sessions(kc)) == 2


async def test_update_password_different_auth_session(kc: Env, events: Events) -> None:
    """AppInitiatedActionResetPasswordTest#updatePasswordDifferentAuthSession (new framework): a kc_action login
    begun in another client (its AUTH_SESSION_ID, tab and client_data taken) and restarted there
    (RESTART_AUTHENTICATION); the browser logs in as itself, then opens login-actions/authenticate naming the
    other authentication session: the error page, LOGIN_ERROR invalid_code with the reason."""
    async with client_at(kc, "127.0.0.1") as other:
        page = await start(other, "test", APP, kc_action=ACTION)
        assert page.status_code == 200, page.text[:800]
        action = httpx.URL(form_action(page.text))
        cookie = other.cookies.get("AUTH_SESSION_ID")
        assert cookie, other.cookies
        params = {k: action.params[k] for k in ("tab_id", "client_id", "client_data")}
        restarted = await other.get("/realms/test/login-actions/restart", params={**params, "auth_session_id": cookie})
        assert restarted.status_code == 302, restarted.text[:800]
    await events.expect("RESTART_AUTHENTICATION", user=None)
    assert "code" in auth_response(await login(kc, await open_login(kc)))
    await events.expect_login(username=USER)
    answer = await kc.http.get("/realms/test/login-actions/authenticate", params={"auth_session_id": cookie, **params})
    assert answer.status_code == 400 and error_page_text(answer) == INVALID_CODE, answer.text[:800]
    event = await events.expect("LOGIN_ERROR", user=None, error="invalid_code")
    assert event["details"]["reason"] == "cookie does not match auth_session query parameter", event
