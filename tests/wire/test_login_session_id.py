"""A browser login's user session takes the id of the browser's root authentication session (the AUTH_SESSION_ID
cookie), as Keycloak's AuthenticationProcessor.attachSession: the LOGIN event's ``sessionId`` is its ``code_id``,
a second tab of the browser finishing the same user's login joins that session, another user's login there is
refused with a LOGIN_ERROR ``different_user_authenticated``; an expired or logged-out session's id is never taken again. The realm is SSOTest's
(``tests/sso_port.py``)."""

from __future__ import annotations

import base64
from collections.abc import Awaitable
from typing import Any

import anyio
import httpx
import pytest

import sso_port
from browser_flow import code_from, followed, form_action, form_fields, start, submit
from keycloak_port import delete, get, poll, session_active, update_realm, user_id
from login_test_realm import APP, COOKIE_NOT_FOUND, error, error_page_text, is_login_page
from login_test_realm import set_time_offset as set_offset
from sso_port import token
from support import auth_session_id
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env, kc = sso_port.anyio_backend, sso_port.shared_env, sso_port.env, sso_port.kc
USER, OTHER = "test-user@localhost", "login-test2"
DIFFERENT_USER = f"You are already authenticated as different user '{USER}' in this session. Please log out first."


def root_id(kc: Env) -> str:
    """The AUTH_SESSION_ID cookie: the browser's root authentication session."""
    value = kc.http.cookies.get("AUTH_SESSION_ID", path="/realms/test/")
    assert value, kc.http.cookies
    return auth_session_id(value)


async def login(kc: Env, page: httpx.Response, username: str = USER) -> httpx.Response:
    assert is_login_page(page), page.text[:1500]
    return await submit(kc.http, page, username=username, password="password")


async def logins(kc: Env) -> list[dict[str, Any]]:
    return [e for e in await poll(kc) if e["type"] == "LOGIN"]


async def test_a_logins_session_takes_the_root_authentication_sessions_id(kc: Env) -> None:
    page = await start(kc.http, "test", APP)
    root = root_id(kc)
    tokens = await token(kc.http, code_from(await login(kc, page))["code"])
    [event] = await logins(kc)
    assert event["sessionId"] == event["details"]["code_id"] == root, (root, event)
    assert tokens["session_state"] == root


async def test_a_second_tab_finishing_the_same_users_login_joins_its_session(kc: Env) -> None:
    tab1 = await start(kc.http, "test", APP)
    tab2 = await start(kc.http, "test", "third-party")
    root = root_id(kc)
    assert "code" in code_from(await login(kc, tab1))
    assert "code" in code_from(await login(kc, tab2))  # its form was shown before tab 1 logged in: no SSO
    events = await logins(kc)
    assert [(e["clientId"], e["sessionId"], e["details"]["code_id"]) for e in events] == [
        (APP, root, root),
        ("third-party", root, root),
    ], events
    [session] = await get(kc, f"/users/{await user_id(kc, USER)}/sessions")
    assert session["id"] == root and set(session["clients"].values()) == {APP, "third-party"}, session


async def test_another_users_login_in_a_second_tab_is_refused(kc: Env) -> None:
    tab1 = await start(kc.http, "test", APP)
    tab2 = await start(kc.http, "test", "third-party")
    root = root_id(kc)
    assert "code" in code_from(await login(kc, tab1))
    refused = await login(kc, tab2, OTHER)
    assert refused.status_code == 400 and error_page_text(refused) == DIFFERENT_USER, refused.text[:1500]
    [error] = [e for e in await poll(kc) if e["type"] == "LOGIN_ERROR"]
    assert error["error"] == "different_user_authenticated" and error["clientId"] == "third-party", error
    assert error["details"]["existing_user"] == await user_id(kc, USER), error
    assert error["details"]["username"] == OTHER and error["details"]["code_id"] == root, error
    assert "userId" not in error and "sessionId" not in error, error  # attachSession sets them only on success
    assert await get(kc, f"/users/{await user_id(kc, OTHER)}/sessions") == []
    [session] = await get(kc, f"/users/{await user_id(kc, USER)}/sessions")
    assert session["id"] == root and list(session["clients"].values()) == [APP], session


async def test_an_expired_session_under_the_roots_id_gives_way_to_a_new_session(kc: Env) -> None:
    """ReAuthenticationTest.loginAfterExpiredUserSession's rule, in a tab opened before the session expired."""
    # a signed-in login leaves the other tabs accessCodeLifespan (AuthenticationSessionManager): 20 minutes here
    await update_realm(kc, ssoSessionIdleTimeout=600, accessCodeLifespan=1200)
    tab1 = await start(kc.http, "test", APP)
    tab2 = await start(kc.http, "test", "third-party")
    root = root_id(kc)
    old = await token(kc.http, code_from(await login(kc, tab1))["code"])
    set_offset(kc, 900)  # the session idled out; tab 2's login (20 minutes) is still there
    new = await token(kc.http, code_from(await login(kc, tab2, OTHER))["code"], "third-party")
    events = await logins(kc)
    assert [(e["userId"], e["sessionId"]) for e in events] == [
        (await user_id(kc, USER), root),
        (await user_id(kc, OTHER), new["session_state"]),
    ], events
    assert new["session_state"] != root and not await session_active(kc, root)
    refreshed = await kc.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "refresh_token", "refresh_token": old["refresh_token"]},
        auth=(APP, "password"),
    )
    assert refreshed.status_code == 400 and refreshed.json()["error"] == "invalid_grant", refreshed.text
    [session] = await get(kc, f"/users/{await user_id(kc, OTHER)}/sessions")
    assert session["id"] == new["session_state"] and list(session["clients"].values()) == ["third-party"], session


async def test_a_logout_removes_the_root_so_the_next_login_in_another_tab_gets_a_new_session(kc: Env) -> None:
    """Keycloak issue 32197: a logged-out session's id is not taken by the browser's next login, though a tab
    of its root authentication session was still open; that tab's login is gone with the root."""
    tab1 = await start(kc.http, "test", APP)
    tab2 = await start(kc.http, "test", "third-party")
    root = root_id(kc)
    first = await token(kc.http, code_from(await login(kc, tab1))["code"])
    out = await kc.http.post(
        "/realms/test/protocol/openid-connect/logout",
        data={"refresh_token": first["refresh_token"]},
        auth=(APP, "password"),
    )
    assert out.status_code == 204, out.text
    gone = await followed(
        kc.http, await login(kc, tab2)
    )  # the root went with the session: the tab's login restarts from KC_RESTART
    assert is_login_page(gone) and "timed out" in (error(gone) or ""), gone.text[:1500]
    second = await token(kc.http, code_from(await login(kc, await start(kc.http, "test", APP)))["code"])
    assert second["session_state"] not in (root, first["session_state"])


async def test_two_tabs_finishing_the_same_users_login_at_once_share_one_session(kc: Env) -> None:
    """Both tabs find no session under the root's id and both create it: the one that meets the other's row
    joins it, as it would have a moment later (rather than a 409). A few rounds, so the two posts overlap."""
    for _ in range(4):
        kc.http.cookies.clear()
        tab1 = await start(kc.http, "test", APP)
        tab2 = await start(kc.http, "test", "third-party")
        root = root_id(kc)
        done = await anyio_gather(login(kc, tab1), login(kc, tab2))
        assert [r.status_code for r in done] == [302, 302], [r.text[:500] for r in done]
        assert all("code" in code_from(r) for r in done), [r.headers.get("location") for r in done]
        events = await logins(kc)
        assert sorted((e["clientId"], e["sessionId"]) for e in events) == [(APP, root), ("third-party", root)], events
        sessions = await get(kc, f"/users/{await user_id(kc, USER)}/sessions")
        assert [s["id"] for s in sessions] == [root], sessions
        assert set(sessions[0]["clients"].values()) == {APP, "third-party"}, sessions
        await delete(kc, f"/sessions/{root}")


async def test_two_users_finishing_logins_in_two_tabs_at_once_leave_one_session_and_a_refusal(kc: Env) -> None:
    """The tab whose session comes second meets the other user's under the root's id: refused, as it would be a
    moment later, with its LOGIN_ERROR."""
    users = {await user_id(kc, USER): USER, await user_id(kc, OTHER): OTHER}
    for _ in range(4):
        kc.http.cookies.clear()
        tab1 = await start(kc.http, "test", APP)
        tab2 = await start(kc.http, "test", "third-party")
        root = root_id(kc)
        done = await anyio_gather(login(kc, tab1, USER), login(kc, tab2, OTHER))
        assert sorted(r.status_code for r in done) == [302, 400], [r.text[:500] for r in done]
        [winner] = [e for e in await poll(kc) if e["type"] == "LOGIN"]
        assert winner["sessionId"] == root, winner
        refused = next(r for r in done if r.status_code == 400)
        expected = f"You are already authenticated as different user '{users[winner['userId']]}' in this session."
        assert (error_page_text(refused) or "").startswith(expected), refused.text[:1500]
        await delete(kc, f"/sessions/{root}")


async def anyio_gather(*calls: Awaitable[httpx.Response]) -> list[httpx.Response]:
    """The responses of ``calls`` run at once, in their order."""
    results: list[httpx.Response | None] = [None] * len(calls)

    async def run(i: int, call: Awaitable[httpx.Response]) -> None:
        results[i] = await call

    async with anyio.create_task_group() as group:
        for i, call in enumerate(calls):
            group.start_soon(run, i, call)
    return [r for r in results if r is not None]


async def test_the_sid_a_client_sees_does_not_open_the_browsers_pending_logins(kc: Env) -> None:
    """Hostile: the root's id is the session's, so every client learns it (``session_state``, ``sid``). Set as
    the AUTH_SESSION_ID cookie in another browser, bare or with a made-up signature, it must not reach the
    victim's pending tab: Keycloak signs the cookie, and a cookie without a valid signature is no cookie."""
    tab1 = await start(kc.http, "test", APP)
    tab2 = await start(kc.http, "test", "third-party")
    sid = (await token(kc.http, code_from(await login(kc, tab1))["code"]))["session_state"]
    forged = base64.urlsafe_b64encode(f"{sid}.AAAA".encode()).rstrip(b"=").decode()
    for cookie in (sid, forged):
        async with sso_port.browser(kc) as attacker:
            fields = {**form_fields(tab2.text), "username": OTHER}
            page = await attacker.post(
                form_action(tab2.text), data=fields, headers={"Cookie": f"AUTH_SESSION_ID={cookie}"}
            )
        assert page.status_code == 400 and error_page_text(page) == COOKIE_NOT_FOUND, page.text[:1500]
        assert USER not in page.text
    errors = [e for e in await poll(kc) if e["type"] == "LOGIN_ERROR"]
    assert [(e["error"], e.get("userId"), e.get("sessionId")) for e in errors] == [("cookie_not_found", None, None)] * 2
    [session] = await get(kc, f"/users/{await user_id(kc, USER)}/sessions")
    assert session["id"] == sid and list(session["clients"].values()) == [APP], session
