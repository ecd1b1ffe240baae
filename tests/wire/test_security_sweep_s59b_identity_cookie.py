"""Security sweep (session 59, second pass) of the identity cookie's expiry at the authorization endpoint
(sessions/sso.py authenticate_cookie): a stale but genuine KEYCLOAK_IDENTITY whose session id now names another
user's session (the id reused, as a fixated AUTH_SESSION_ID root makes it) must not log that user out.

FIXED: Keycloak's UserSessionUtil.findValidSession runs the invalid-session callback (a back-channel logout) on
the session the token's ``sid`` names without comparing the token's subject with the session's user, and
Doorkeep did the same; now a cookie of another subject only expires in the answer."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

import sso_port
from browser_flow import code_from, start, submit
from keycloak_port import session_active
from login_test_realm import APP, is_login_page
from sso_port import token
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env, kc = sso_port.anyio_backend, sso_port.shared_env, sso_port.env, sso_port.kc

USER = "test-user@localhost"


def expired(response: httpx.Response, name: str) -> bool:
    sent = [c for c in response.headers.get_list("set-cookie") if c.startswith(name + "=")]
    return bool(sent) and all("Max-Age=0" in c for c in sent)


async def signed_in(http: httpx.AsyncClient) -> str:
    page = await start(http, "test", APP)
    code = code_from(await submit(http, page, username=USER, password="password"))["code"]
    return str((await token(http, code))["session_state"])


async def test_a_stale_cookie_naming_another_users_session_leaves_it(kc: Env) -> None:
    sid = await signed_in(kc.http)  # the attacker's own login: a genuine cookie naming ``sid``
    victim = await seed_user(kc.db, kc.clock, "test", "victim-s59b")
    async with kc.db.transaction() as tx:
        session = await tx.sessions.get_user_session(sid, False)
        assert session is not None
        await tx.sessions.delete_user_session(sid, False)
        await tx.sessions.create_user_session(
            dataclasses.replace(session, user_id=victim.id, started=session.started + 10)
        )
    page = await start(kc.http, "test", APP)
    assert is_login_page(page), page.text[:1500]
    assert expired(page, "KEYCLOAK_IDENTITY"), page.headers.get_list("set-cookie")
    assert await session_active(kc, sid)  # the victim's session stays
