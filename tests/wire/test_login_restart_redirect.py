"""LoginActionsService.restartSession ("Restart login") answers with a redirect, and every login-actions URL
checks its ``auth_session_id`` against the browser's cookie (SessionCodeChecks.initialVerifyAuthSession).

- The link begins the tab's login again in the same tab and root (AuthenticationProcessor.resetFlow), records a
  RESTART_AUTHENTICATION event and sends the browser by GET to ``login-actions/authenticate`` with the tab's
  ``client_id``, ``tab_id`` and ``client_data`` and no ``execution`` (getLastExecutionUrl).
- An ``auth_session_id`` naming a live login of the URL's client and tab that the browser's AUTH_SESSION_ID does
  not name (another browser's, or none sent) is refused: 400 INVALID_CODE and a ``*_ERROR`` ``invalid_code`` with
  the reason "cookie does not match auth_session query parameter". The foreign login is not touched. A value that
  names no such login (forged, unsigned, another tab or client) changes nothing.
"""

from __future__ import annotations

import html
from typing import Any

import httpx
import pytest

from browser_flow import form_action, start, submit
from login_test_realm import is_login_page
from support import seed_client, seed_realm, seed_user
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio

INVALID_CODE = "An error occurred, please login again through your application."
MISMATCH = "cookie does not match auth_session query parameter"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock, events_enabled=True)
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_client(env.db, "test", "other", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def all_events(env: Env) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return list(await tx.events.find(test.id))


async def password_page(http: httpx.AsyncClient) -> httpx.Response:
    """The login page after a wrong password: its "Restart login" URL is login.ftl's ``url.loginRestartFlowUrl``."""
    page = await start(http, "test", "app")
    assert is_login_page(page), page.text[:800]
    failed = await submit(http, page, username="user1", password="wrong")
    assert failed.status_code == 200 and "Invalid username or password" in failed.text, failed.text[:1500]
    return failed


def tab_query(page: httpx.Response) -> dict[str, str]:
    action = httpx.URL(form_action(page.text))
    return {k: action.params[k] for k in ("client_id", "tab_id", "client_data")}


async def test_restart_login_redirects_to_the_tab_begun_again(realm: Env) -> None:
    page = await password_page(realm.http)
    tab = tab_query(page)
    cookie = realm.http.cookies.get("AUTH_SESSION_ID")
    answered = await realm.http.get("/realms/test/login-actions/restart", params=tab)
    assert answered.status_code == 302, answered.text[:800]
    location = httpx.URL(answered.headers["location"])
    assert location.path == "/realms/test/login-actions/authenticate", location
    assert dict(location.params) == tab, location  # the same tab, no execution
    assert realm.http.cookies.get("AUTH_SESSION_ID") == cookie  # the same root
    shown = await realm.http.get(str(location))
    assert is_login_page(shown) and "Invalid username or password" not in shown.text, shown.text[:800]
    restarted = [e for e in await all_events(realm) if e.type.startswith("RESTART_AUTHENTICATION")]
    assert [(e.type, e.error, e.client_id, e.user_id) for e in restarted] == [
        ("RESTART_AUTHENTICATION", None, "app", None)
    ]
    done = await submit(realm.http, shown, username="user1", password="password")
    assert done.status_code == 302 and "code=" in done.headers["location"], done.text[:800]


@pytest.mark.parametrize("own_cookie", [True, False])
@pytest.mark.parametrize("endpoint", ["authenticate", "restart"])
async def test_another_browsers_auth_session_id_is_refused(realm: Env, own_cookie: bool, endpoint: str) -> None:
    async with client_at(realm, "127.0.0.1") as victim, client_at(realm, "127.0.0.1") as attacker:
        foreign = await start(attacker, "test", "app")
        named = attacker.cookies.get("AUTH_SESSION_ID")
        assert named
        query = {**tab_query(foreign), "auth_session_id": named}
        if own_cookie:
            await start(victim, "test", "app")
        answered = await victim.get(f"/realms/test/login-actions/{endpoint}", params=query)
        assert answered.status_code == 400 and INVALID_CODE in html.unescape(answered.text), answered.text[:800]
        event_type = "LOGIN_ERROR" if endpoint == "authenticate" else "RESTART_AUTHENTICATION_ERROR"
        last = (await all_events(realm))[-1]
        assert (last.type, last.error, last.client_id, last.details) == (
            event_type,
            "invalid_code",
            "app",
            {"reason": MISMATCH},
        )
        # the foreign login is untouched: its own browser signs in with its page
        done = await submit(attacker, foreign, username="user1", password="password")
        assert done.status_code == 302 and "code=" in done.headers["location"], done.text[:800]


async def test_a_post_naming_another_browsers_login_is_refused_and_signs_no_one_in(realm: Env) -> None:
    async with client_at(realm, "127.0.0.1") as victim, client_at(realm, "127.0.0.1") as attacker:
        foreign = await start(attacker, "test", "app")
        named = attacker.cookies.get("AUTH_SESSION_ID")
        assert named
        own = await start(victim, "test", "app")
        target = httpx.URL(form_action(foreign.text))
        target = target.copy_merge_params({"auth_session_id": named})
        fields = {"username": "user1", "password": "password"}
        answered = await victim.post(str(target), data=fields)
        assert answered.status_code == 400 and INVALID_CODE in html.unescape(answered.text), answered.text[:800]
        assert not [e for e in await all_events(realm) if e.type == "LOGIN"]
        done = await submit(victim, own, **fields)  # the victim's own tab goes on
        assert done.status_code == 302 and "code=" in done.headers["location"], done.text[:800]


@pytest.mark.parametrize("kind", ["forged", "own", "other_client", "other_tab"])
async def test_an_auth_session_id_naming_no_foreign_login_changes_nothing(realm: Env, kind: str) -> None:
    async with client_at(realm, "127.0.0.1") as browser, client_at(realm, "127.0.0.1") as other:
        page = await start(browser, "test", "app")
        own = browser.cookies.get("AUTH_SESSION_ID")
        await start(other, "test", "other")
        foreign = other.cookies.get("AUTH_SESSION_ID")
        assert own and foreign
        query = tab_query(page)
        named = {
            "forged": own.split(".")[0] + ".AAAA",
            "own": own,
            "other_client": foreign,  # names the other browser's login, but of another client
            "other_tab": foreign,
        }[kind]
        if kind == "other_tab":
            query["tab_id"] = "no-such-tab"
        answered = await browser.get(
            "/realms/test/login-actions/authenticate", params={**query, "auth_session_id": named}
        )
        if kind == "other_tab":  # the browser's own root has no such tab either: restarted from KC_RESTART
            assert answered.status_code == 302 and "tab_id" in answered.headers["location"], answered.text[:800]
            assert MISMATCH not in str([e.details for e in await all_events(realm)])
            return
        assert is_login_page(answered), answered.text[:800]
        assert MISMATCH not in str([e.details for e in await all_events(realm)])


async def test_a_form_posted_after_its_login_expired_is_sent_to_the_restarted_tab(realm: Env) -> None:
    """SessionCodeChecks.restartAuthenticationSessionFromCookie: the login begun again from KC_RESTART, a
    LOGIN_ERROR ``expired_code`` (``restart_after_timeout``) and a 302 to the new tab's page, which says why once
    (FORWARDED_ERROR_MESSAGE_NOTE): a refresh shows the plain form."""
    page = await start(realm.http, "test", "app")
    realm.clock.advance(1801)
    answered = await submit(realm.http, page, username="user1", password="password")
    assert answered.status_code == 302, answered.text[:800]
    location = httpx.URL(answered.headers["location"])
    assert location.path == "/realms/test/login-actions/authenticate" and "execution" not in location.params
    assert location.params["tab_id"] != tab_query(page)["tab_id"]  # a new tab
    timeout = "Your login attempt timed out. Login will start from the beginning."
    shown = await realm.http.get(str(location))
    assert is_login_page(shown) and timeout in html.unescape(shown.text), shown.text[:800]
    again = await realm.http.get(str(location))
    assert is_login_page(again) and timeout not in html.unescape(again.text), again.text[:800]
    last = [e for e in await all_events(realm) if e.type == "LOGIN_ERROR"][-1]
    assert (last.error, last.details) == ("expired_code", {"restart_after_timeout": "true"})
    done = await submit(realm.http, again, username="user1", password="password")
    assert done.status_code == 302 and "code=" in done.headers["location"], done.text[:800]


async def test_the_restart_event_names_the_attempted_username_and_the_protocol(realm: Env) -> None:
    """restartSession's event: ``event.user`` (none authenticated yet here), ``username`` the ATTEMPTED_USERNAME
    note (Doorkeep keeps it for the identity-first pages only) and ``auth_method`` the protocol."""
    page = await password_page(realm.http)
    answered = await realm.http.get("/realms/test/login-actions/restart", params=tab_query(page))
    assert answered.status_code == 302, answered.text[:800]
    event = [e for e in await all_events(realm) if e.type == "RESTART_AUTHENTICATION"][-1]
    assert event.user_id is None and event.details["auth_method"] == "openid-connect", event
    assert event.details.get("username") in (None, "user1"), event


@pytest.mark.parametrize("skip_logout", [False, True])
async def test_restart_during_a_re_authentication_logs_out_unless_skip_logout(realm: Env, skip_logout: bool) -> None:
    """restartSession during a re-authentication (``prompt=login``): the SSO session is logged out and the login
    goes on in a new root (AuthenticationProcessor.recreate); with ``skip_logout=true`` the session stays and the
    tab is kept."""
    first = await submit(realm.http, await start(realm.http, "test", "app"), username="user1", password="password")
    assert first.status_code == 302 and "code=" in first.headers["location"], first.text[:800]
    again = await start(realm.http, "test", "app", prompt="login")
    assert is_login_page(again), again.text[:800]
    cookie = realm.http.cookies.get("AUTH_SESSION_ID")
    query = tab_query(again) | ({"skip_logout": "true"} if skip_logout else {})
    answered = await realm.http.get("/realms/test/login-actions/restart", params=query)
    assert answered.status_code == 302, answered.text[:800]
    location = httpx.URL(answered.headers["location"])
    assert (location.params["tab_id"] == query["tab_id"]) is skip_logout, location
    async with realm.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, "user1")
        assert user is not None
        sessions = await tx.sessions.user_sessions_of(user.id, False)
    assert len(sessions) == (1 if skip_logout else 0), sessions
    assert (realm.http.cookies.get("AUTH_SESSION_ID") == cookie) is skip_logout
