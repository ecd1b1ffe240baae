"""The identity cookie at the authorization endpoint, as Keycloak's AuthenticationManager.authenticateIdentityCookie
treats it (run by AuthenticationSessionManager.getUserSessionFromIdentityCookie when AUTH_SESSION_ID names no root,
and by CookieAuthenticator): a KEYCLOAK_IDENTITY that names no valid session of an enabled user is expired with
KEYCLOAK_SESSION in the answer (expireIdentityCookie), whatever that answer is. verifyIdentityToken's
invalidUserSessionCallback back-channel logs out a session the cookie names that has expired (UserSessionUtil.
findValidSession's SESSION_EXPIRED): its clients get their logout tokens, no event is recorded. A disabled user's
session (TokenManager.isUserValid refuses after the session checks) and a session that is gone are only forgotten
by the browser. The realm is SSOTest's (``tests/sso_port.py``)."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs

import anyio
import httpx
import jwt
import pytest

import sso_port
from browser_flow import code_from, start, submit
from keycloak_port import delete, poll, session_active, update_client, update_realm, update_user
from login_test_realm import APP, is_login_page, set_time_offset
from ports import free_port
from receiver import receiver
from sso_port import token
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env, kc = sso_port.anyio_backend, sso_port.shared_env, sso_port.env, sso_port.kc
USER = "test-user@localhost"


def expired(response: httpx.Response, name: str) -> bool:
    """Whether this answer expires the cookie ``name`` (an empty value, ``Max-Age=0``)."""
    sent = [c for c in response.headers.get_list("set-cookie") if c.startswith(name + "=")]
    values = [c.split(";", 1)[0].split("=", 1)[1] for c in sent]
    return bool(sent) and all(v in ("", '""') for v in values) and all("Max-Age=0" in c for c in sent)


def sets(response: httpx.Response, name: str) -> bool:
    """Whether this answer sends the cookie ``name`` at all."""
    return any(c.startswith(name + "=") for c in response.headers.get_list("set-cookie"))


async def signed_in(http: httpx.AsyncClient) -> str:
    """A login of APP finished in this browser: its session's id. The browser keeps its identity cookie and loses
    AUTH_SESSION_ID's root (the login removed it), as a browser that comes back later does."""
    page = await start(http, "test", APP)
    code = code_from(await submit(http, page, username=USER, password="password"))["code"]
    return str((await token(http, code))["session_state"])


async def test_a_disabled_users_identity_cookie_expires_at_the_login_page(kc: Env) -> None:
    """isUserValid refuses the disabled user: authenticateIdentityCookie expires both cookies; the session stays."""
    sid = await signed_in(kc.http)
    await update_user(kc, USER, enabled=False)
    page = await start(kc.http, "test", APP)
    assert is_login_page(page), page.text[:1500]
    assert expired(page, "KEYCLOAK_IDENTITY") and expired(page, "KEYCLOAK_SESSION"), page.headers.get_list("set-cookie")
    assert await session_active(kc, sid)
    again = await start(kc.http, "test", APP)  # the browser forgot it: nothing more to expire
    assert is_login_page(again) and not sets(again, "KEYCLOAK_IDENTITY"), again.headers.get_list("set-cookie")


async def test_an_identity_cookie_of_a_session_that_is_gone_expires_even_on_a_prompt_none_error(kc: Env) -> None:
    """The session was logged out by an administrator: the cookie names nothing; the ``login_required`` redirect
    expires it too (createAuthenticationSession and the flow run before the answer)."""
    sid = await signed_in(kc.http)
    await delete(kc, f"/sessions/{sid}")
    answer = await start(kc.http, "test", APP, prompt="none")
    assert code_from(answer)["error"] == "login_required"
    assert expired(answer, "KEYCLOAK_IDENTITY") and expired(answer, "KEYCLOAK_SESSION"), answer.headers.get_list(
        "set-cookie"
    )


async def test_an_identity_cookie_not_signed_by_the_realm_expires(kc: Env) -> None:
    """verifyIdentityToken fails its signature check: null, so the cookie expires; an empty one is no cookie."""
    kc.http.cookies.set("KEYCLOAK_IDENTITY", jwt.encode({"typ": "Serialized-ID", "sid": "x"}, "k" * 64, "HS512"))
    kc.http.cookies.set("KEYCLOAK_SESSION", "whatever")
    page = await start(kc.http, "test", APP)
    assert is_login_page(page), page.text[:1500]
    assert expired(page, "KEYCLOAK_IDENTITY") and expired(page, "KEYCLOAK_SESSION"), page.headers.get_list("set-cookie")
    kc.http.cookies.clear()
    kc.http.cookies.set("KEYCLOAK_IDENTITY", "")
    kc.http.cookies.set("KEYCLOAK_SESSION", "whatever")
    page = await start(kc.http, "test", APP)
    assert is_login_page(page) and not sets(page, "KEYCLOAK_SESSION"), page.headers.get_list("set-cookie")


async def test_an_expired_session_the_cookie_names_is_logged_out_by_back_channel(kc: Env) -> None:
    """The session idled out while its identity cookie is still active: invalidUserSessionCallback runs
    backchannelLogout(..., logoutBroker true): its client gets a logout token for it, the session goes, no LOGOUT
    event; the cookies expire and the login form is shown."""
    with receiver(port=free_port()) as got:
        attributes = {"backchannel.logout.url": f"{got.url}/bc", "backchannel.logout.session.required": "true"}
        await update_client(kc, APP, attributes=attributes)
        await update_realm(kc, ssoSessionIdleTimeout=600, ssoSessionMaxLifespan=36000)
        sid = await signed_in(kc.http)
        await poll(kc)
        set_time_offset(kc, 700)
        page = await start(kc.http, "test", APP)
        assert is_login_page(page), page.text[:1500]
        [posted] = await got.wait_for(1)
    claims = jwt.decode(parse_qs(posted.body)["logout_token"][0], options={"verify_signature": False})
    assert claims["sid"] == sid
    assert not await session_active(kc, sid)
    assert expired(page, "KEYCLOAK_IDENTITY") and expired(page, "KEYCLOAK_SESSION"), page.headers.get_list("set-cookie")
    assert [e["type"] for e in await poll(kc) if e["type"].startswith("LOGOUT")] == []


async def test_two_requests_at_once_with_an_expired_sessions_cookie_log_it_out_once(kc: Env) -> None:
    """A browser that comes back with two tabs at once, both carrying the identity cookie of a session that idled
    out: both get the login form with the cookies expired, and the session is logged out once (one logout token),
    whichever request ends it first."""
    with receiver(port=free_port()) as got:
        attributes = {"backchannel.logout.url": f"{got.url}/bc", "backchannel.logout.session.required": "true"}
        await update_client(kc, APP, attributes=attributes)
        await update_realm(kc, ssoSessionIdleTimeout=600, ssoSessionMaxLifespan=36000)
        sid = await signed_in(kc.http)
        set_time_offset(kc, 700)
        pages: list[httpx.Response] = []

        async def tab() -> None:
            pages.append(await start(kc.http, "test", APP))

        async with anyio.create_task_group() as tabs:
            tabs.start_soon(tab)
            tabs.start_soon(tab)
        await got.wait_for(1)
        await anyio.sleep(0.5)  # a second logout token would have been sent by now
        assert len(got.requests) == 1
    assert all(is_login_page(page) for page in pages), [page.status_code for page in pages]
    # the tabs share one cookie jar: a tab that sent its request after the other's answer carried no cookie left
    carried = [page for page in pages if "KEYCLOAK_IDENTITY=" in page.request.headers.get("cookie", "")]
    assert carried and all(expired(page, "KEYCLOAK_IDENTITY") for page in carried)
    assert not await session_active(kc, sid)


async def test_a_valid_identity_cookie_is_kept(kc: Env) -> None:
    """A sound cookie of a valid session logs the user in over SSO; nothing expires it."""
    await signed_in(kc.http)
    answer = await start(kc.http, "test", APP)
    assert "code" in code_from(answer), answer.headers.get("location")
    assert not expired(answer, "KEYCLOAK_IDENTITY"), answer.headers.get_list("set-cookie")


async def test_a_session_started_after_the_cookie_is_logged_out(kc: Env) -> None:
    """findValidSession's checkTokenIssuedAt: the session the cookie names started after the cookie was issued
    (INVALID_TOKEN), so the callback logs it out too; the cookies expire."""
    sid = await signed_in(kc.http)
    async with kc.db.transaction() as tx:
        session = await tx.sessions.get_user_session(sid, False)
        assert session is not None
        await tx.sessions.delete_user_session(sid, False)
        await tx.sessions.create_user_session(dataclasses.replace(session, started=session.started + 10))
    page = await start(kc.http, "test", APP)
    assert is_login_page(page), page.text[:1500]
    assert expired(page, "KEYCLOAK_IDENTITY"), page.headers.get_list("set-cookie")
    assert not await session_active(kc, sid)
