"""A logout ends the login tabs of the browser whose root authentication session has the ended session's id, as
Keycloak's AuthenticationManager.backchannelLogout removes that root (issue 32197; since keycloak#49949 for each
session of an administrator's ``POST users/{id}/logout``). A tab the user opened to sign in again
(``prompt=login``) over the SSO session is such a tab: once the session is ended its form must not finish a login
under the ended session's id. It is gone, so its post restarts the login from the KC_RESTART cookie ("Your login
attempt timed out..."), and the login finished from there gets a new session. The realm is SSOTest's
(``tests/sso_port.py``)."""

from __future__ import annotations

import httpx
import pytest

import sso_port
from browser_flow import code_from, followed, start, submit
from keycloak_port import delete, get, poll, post, user_id
from login_test_realm import APP, error, is_login_page
from sso_port import token
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env, kc = sso_port.anyio_backend, sso_port.shared_env, sso_port.env, sso_port.kc
USER = "test-user@localhost"
TIMED_OUT = "Your login attempt timed out. Login will start from the beginning."


async def signed_in_with_a_second_tab(http: httpx.AsyncClient) -> tuple[str, httpx.Response]:
    """Two tabs of the browser begin a login; the first finishes it, so its session takes the id of their root
    (the AUTH_SESSION_ID cookie's): the session id and the second tab's login form, still pending."""
    first = await start(http, "test", APP)
    second = await start(http, "test", "third-party")
    assert is_login_page(first) and is_login_page(second), (first.text[:800], second.text[:800])
    sid = (await token(http, code_from(await submit(http, first, username=USER, password="password"))["code"]))[
        "session_state"
    ]
    return sid, second


async def restarted(http: httpx.AsyncClient, tab: httpx.Response) -> httpx.Response:
    """The tab's form posted with the user's credentials: the login page it is sent back to, its tab gone (before
    the fix the login finished, in a session under the ended session's id)."""
    page = await followed(http, await submit(http, tab, username=USER, password="password"))
    assert is_login_page(page) and error(page) == TIMED_OUT, page.text[:1500]
    return page


async def test_an_admins_user_logout_ends_the_pending_tabs_of_every_sessions_browser(kc: Env) -> None:
    """Two browsers, each with a session and a tab still at its login form in the session's root: after the
    administrator's sign-out of the user neither tab finishes a login (no LOGIN, no session under an ended id);
    each starts over, and the login finished there gets a new session id."""
    async with sso_port.browser(kc) as other:
        first, first_tab = await signed_in_with_a_second_tab(kc.http)
        second, second_tab = await signed_in_with_a_second_tab(other)
        uid = await user_id(kc, USER)
        await post(kc, f"/users/{uid}/logout", None)
        await poll(kc)
        page = await restarted(kc.http, first_tab)
        await restarted(other, second_tab)
        assert [e["type"] for e in await poll(kc) if e["type"] in ("LOGIN", "CODE_TO_TOKEN")] == []
        assert await get(kc, f"/users/{uid}/sessions") == []
        code = code_from(await submit(kc.http, page, username=USER, password="password"))["code"]
        done = await token(kc.http, code, "third-party")
        assert done["session_state"] not in (first, second), (done["session_state"], first, second)
        [session] = await get(kc, f"/users/{uid}/sessions")
        assert session["id"] == done["session_state"], session


async def test_an_admins_session_delete_ends_the_pending_tab_in_that_sessions_root(kc: Env) -> None:
    """``DELETE sessions/{id}`` (RealmAdminResource.deleteSession: backchannelLogout of that one session)."""
    sid, tab = await signed_in_with_a_second_tab(kc.http)
    await delete(kc, f"/sessions/{sid}")
    page = await restarted(kc.http, tab)
    code = code_from(await submit(kc.http, page, username=USER, password="password"))["code"]
    assert (await token(kc.http, code, "third-party"))["session_state"] != sid


async def test_an_admins_user_logout_ends_a_reauthentication_tab_opened_over_the_session(kc: Env) -> None:
    """A tab asking to sign in again (``prompt=login``) after the login finished: its root is made again under
    the session's id (AuthorizationEndpointBase.createAuthenticationSession), so the sign-out ends it too."""
    page = await start(kc.http, "test", APP)
    sid = (await token(kc.http, code_from(await submit(kc.http, page, username=USER, password="password"))["code"]))[
        "session_state"
    ]
    again = await start(kc.http, "test", "third-party", prompt="login")
    assert is_login_page(again), again.text[:1500]
    await post(kc, f"/users/{await user_id(kc, USER)}/logout", None)
    page = await restarted(kc.http, again)
    code = code_from(await submit(kc.http, page, username=USER, password="password"))["code"]
    assert (await token(kc.http, code, "third-party"))["session_state"] != sid
