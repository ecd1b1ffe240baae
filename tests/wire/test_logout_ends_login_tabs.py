"""A logout ends the login tabs of the browser whose root authentication session has the ended session's id, as
Keycloak's AuthenticationManager.backchannelLogout removes that root (issue 32197; since keycloak#49949 for each
session of an administrator's ``POST users/{id}/logout``). A tab the user opened to sign in again
(``prompt=login``) over the SSO session is such a tab: once the session is ended its form must not finish a login
under the ended session's id. It is gone, so its post restarts the login from the KC_RESTART cookie ("Your login
attempt timed out..."), and the login finished from there gets a new session. The realm is SSOTest's
(``tests/sso_port.py``)."""

from __future__ import annotations

import base64

import httpx
import pytest

import sso_port
from browser_flow import code_from, followed, start, submit
from keycloak_port import delete, get, poll, post, session_active, update_client, update_user, user_id
from login_test_realm import APP, error, is_login_page
from ports import free_port
from receiver import receiver
from sso_port import token
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env, kc = sso_port.anyio_backend, sso_port.shared_env, sso_port.env, sso_port.kc
USER = "test-user@localhost"
TIMED_OUT = "Your login attempt timed out. Login will start from the beginning."
IDP = "hinted-idp"
IDP_AUTHORIZE = "https://idp.example.com/authorize"


def root_named(response: httpx.Response) -> str:
    """The root authentication session the AUTH_SESSION_ID cookie this answer sets names (base64url of
    ``id.signature``)."""
    [value] = [
        c.split(";", 1)[0].split("=", 1)[1]
        for c in response.headers.get_list("set-cookie")
        if c.startswith("AUTH_SESSION_ID=")
    ]
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode().rpartition(".")[0]


async def signed_in(http: httpx.AsyncClient) -> str:
    """A login of APP finished in this browser: its session's id (its root's, the AUTH_SESSION_ID cookie's)."""
    page = await start(http, "test", APP)
    code = code_from(await submit(http, page, username=USER, password="password"))["code"]
    return str((await token(http, code))["session_state"])


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


async def test_an_authorization_request_leaves_a_disabled_users_session_alone(kc: Env) -> None:
    """AuthorizationEndpointBase.createAuthenticationSession once AuthenticationSessionManager.getAuthSessionCookies
    resolves nothing from a root that is gone (the login finished): getUserSessionFromAuthenticationCookie falls back
    to the identity cookie, which names no session of a disabled user, so its branch backchannelLogout(session,
    userSession, true) is not reached (before that change the session of the root's id was found and logged out,
    its client sent a logout token). The session stays, no logout token, no LOGOUT; the new tab goes in a new root."""
    with receiver(port=free_port()) as got:
        attributes = {"backchannel.logout.url": f"{got.url}/bc", "backchannel.logout.session.required": "true"}
        await update_client(kc, APP, attributes=attributes)
        sid = await signed_in(kc.http)
        await update_user(kc, USER, enabled=False)  # revocation trigger user-disabled: none, the session stays
        await poll(kc)
        page = await start(kc.http, "test", APP)
        assert is_login_page(page), page.text[:1500]
        answered = await start(kc.http, "test", APP, prompt="none")
        assert code_from(answered)["error"] == "login_required"
        assert got.requests == []
    assert await session_active(kc, sid)
    assert root_named(page) != sid
    assert [e["type"] for e in await poll(kc) if e["type"].startswith("LOGOUT")] == []


async def test_a_stale_auth_session_cookie_of_another_browser_does_not_join_its_session(kc: Env) -> None:
    """getAuthSessionCookies: "we can't blindly trust the cookie": a browser carrying the AUTH_SESSION_ID of a login
    finished elsewhere (its root gone, the session of its id alive) and no identity cookie gets a new root, not that
    session's; the login it finishes makes a session of its own, and the first one stays as it was."""
    sid = await signed_in(kc.http)
    stale = kc.http.cookies.get("AUTH_SESSION_ID")
    assert stale, kc.http.cookies
    async with sso_port.browser(kc) as other:
        other.cookies.set("AUTH_SESSION_ID", stale)
        page = await start(other, "test", APP)
        assert is_login_page(page), page.text[:1500]
        assert root_named(page) != sid
        code = code_from(await submit(other, page, username=USER, password="password"))["code"]
        assert (await token(other, code))["session_state"] != sid
    assert await session_active(kc, sid)
    assert len(await get(kc, f"/users/{await user_id(kc, USER)}/sessions")) == 2


async def test_an_enabled_users_session_is_kept_when_its_root_is_gone(kc: Env) -> None:
    """The other branch: the root is made again under the session's id, the session stays."""
    sid = await signed_in(kc.http)
    page = await start(kc.http, "test", APP, prompt="login")
    assert is_login_page(page) and root_named(page) == sid
    assert await session_active(kc, sid)


async def test_an_idp_hint_tab_opened_over_the_session_goes_in_the_sessions_root(kc: Env) -> None:
    """``kc_idp_hint`` sends the browser straight to the provider, but the authorization endpoint made the tab's
    authentication session first (createAuthenticationSession): in the root made again under the session's id,
    so the administrator's sign-out ends it too; the broker login of that tab no longer reaches the provider."""
    provider = {
        "alias": IDP,
        "providerId": "oidc",
        "enabled": True,
        "config": {
            "authorizationUrl": IDP_AUTHORIZE,
            "tokenUrl": "https://idp.example.com/token",
            "clientId": "doorkeep",
            "clientSecret": "idp-secret",
        },
    }
    await post(kc, "/identity-provider/instances", provider, 201)
    sid = await signed_in(kc.http)
    hinted = await start(kc.http, "test", APP, prompt="login", kc_idp_hint=IDP)
    assert hinted.status_code == 303, hinted.text[:1500]
    assert f"/realms/test/broker/{IDP}/login?" in hinted.headers["location"]
    assert root_named(hinted) == sid
    await post(kc, f"/users/{await user_id(kc, USER)}/logout", None)
    at_broker = await kc.http.get(hinted.headers["location"])
    assert not at_broker.headers.get("location", "").startswith(IDP_AUTHORIZE), at_broker.text[:1500]
