"""Hostile: session 68's User Session Count Limiter in the reset credentials flow, followed in a browser where
ANOTHER user is signed in. The limiter (as Keycloak's UserSessionLimitsAuthenticator, authenticateIdentityCookie)
takes the browser's SSO session as the login's own, so it counts no new session for the link's user; the login
that follows must then make no session for that user beyond the limit: the link's user is not the signed-in one,
so the link is refused at once ("You are already authenticated as different user"), and the limited user keeps
one session."""

from __future__ import annotations

import pytest

import session_limits_port
from browser_flow import start, submit
from flow_builder import admin
from mail_sink import Sink
from session_limits_port import ask_reset, reset_flow_limited, sessions
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, imported, kc, otp_realm, otp_users, limited = session_limits_port.FIXTURES

OTHER = "other-user@localhost"
ACCOUNT = "http://localhost/realms/test/account/"


async def _other_signed_in(env: Env) -> None:
    users = (await admin(env, "GET", f"/admin/realms/test/users?username={OTHER}&exact=true", status=200)).json()
    if not users:
        rep = {"username": OTHER, "email": OTHER, "firstName": "O", "lastName": "U", "emailVerified": True}
        rep |= {"enabled": True, "credentials": [{"type": "password", "value": "password", "temporary": False}]}
        await admin(env, "POST", "/admin/realms/test/users", rep, 201)
    page = await start(env.http, "test", "account", redirect_uri=ACCOUNT)
    answer = await submit(env.http, page, username=OTHER, password="password")
    assert answer.status_code == 302, answer.text[:500]


async def test_reset_link_in_another_users_browser_makes_no_extra_session(limited: Env, mail: Sink) -> None:
    env = limited
    await reset_flow_limited(env, mail)
    page = await start(env.http, "test", "account", redirect_uri=ACCOUNT)
    assert (await submit(env.http, page, username=session_limits_port.USER, password="password")).status_code == 302
    env.http.cookies.clear()
    link = await ask_reset(env, mail)
    env.http.cookies.clear()
    await _other_signed_in(env)
    answer = await env.http.get(link)
    assert answer.status_code == 400 and "kc-passwd-update-form" not in answer.text, answer.text[:500]
    assert "authenticated as different user" in answer.text, answer.text[:800]
    assert len(await sessions(env)) == 1
