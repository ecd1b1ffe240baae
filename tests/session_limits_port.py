"""Shared set-up of the wire ports of Keycloak's User Session Count Limiter tests (tests/base/.../sessionlimits/:
UserSessionLimitsTest, UserSessionLimitsBrowserTest, UserSessionLimitsDirectGrantTest): the realm with the
``direct-grant-*`` clients, the browser and direct grant flows holding the limiter (``setupFlows``), the
limiter's config put back to Keycloak's defaults before each test, ``setAuthenticatorConfigItem`` over the admin
API and ``assertSessionCount``/``assertClientSessionCount`` over the user's sessions, and the reset credentials flow
with the limiter (UserSessionLimitsResetPasswordTest). A port takes the fixtures ``otp_realm``, ``otp_users``,
``imported``, ``kc`` and ``limited`` from here (all of them, with ``anyio_backend`` and ``shared_env``, in
``FIXTURES``)."""

from __future__ import annotations

import html
from typing import Any

import httpx
import pytest

import otp_port
from browser_flow import submit
from flow_builder import AUTH, REQ, add, admin, bind, executions
from keycloak_port import get, poll, update_realm, user_id
from mail_sink import Sink
from otp_port import APP, login, open_login, user_rep
from wire_env import Env

anyio_backend, shared_env = otp_port.anyio_backend, otp_port.shared_env
imported, kc = otp_port.imported, otp_port.kc

USER, PASSWORD = "test-user@localhost", "password"
ERROR_TO_DISPLAY = "This account has too many sessions"  # UserSessionLimitsUtil.ERROR_TO_DISPLAY
LIMITER = "user-session-limits"
BROWSER, DIRECT = "browser session limits", "direct grant session limits"
DENY, TERMINATE = "Deny new session", "Terminate oldest session"
DEFAULTS = {"behavior": DENY, "userRealmLimit": "0", "userClientLimit": "1", "errorMessage": ERROR_TO_DISPLAY}
TOKEN = "/realms/test/protocol/openid-connect/token"
RESET = "reset credentials session limits"
RESET_URI = "http://localhost/realms/test/login-actions/reset-credentials"
SENT = "You should receive an email shortly with further instructions."


def direct_client(client_id: str) -> dict[str, Any]:
    return {"clientId": client_id, "secret": PASSWORD, "directAccessGrantsEnabled": True, "redirectUris": ["*"]}


@pytest.fixture(scope="module")
def otp_realm() -> dict[str, Any]:
    """SessionLimitsRealmConfig: the user, and the confidential clients ``direct-grant-1`` to ``-3``."""
    realm = otp_port.realm_rep(resetPasswordAllowed=True)
    realm["clients"] += [direct_client(f"direct-grant-{n}") for n in (1, 2, 3)]
    return realm


@pytest.fixture
def otp_users() -> list[dict[str, Any]]:
    return [user_rep(USER, firstName="Test", lastName="User", emailVerified=True)]


@pytest.fixture
async def limited(kc: Env) -> Env:
    """``setupFlows``: the flows made and bound once, the limiter's config back to DEFAULTS before each test.

    The Java classes rebuild the realm's built-in flows in place; Doorkeep refuses to leave a bound flow it cannot
    run, so the port builds the same flows under other aliases and binds them."""
    flows = {f["alias"] for f in (await admin(kc, "GET", f"{AUTH}/flows", status=200)).json()}
    if BROWSER not in flows:
        body = {"alias": BROWSER, "providerId": "basic-flow", "topLevel": True, "builtIn": False}
        await admin(kc, "POST", f"{AUTH}/flows", body, 201)
        await add(kc, BROWSER, "auth-username-password-form", REQ)
        await add(kc, BROWSER, LIMITER, REQ, DEFAULTS)
        await admin(kc, "POST", f"{AUTH}/flows/direct grant/copy", {"newName": DIRECT}, 201)
        await add(kc, DIRECT, LIMITER, REQ, DEFAULTS)
    await bind(kc, "browserFlow", BROWSER)
    await bind(kc, "directGrantFlow", DIRECT)
    for flow in (BROWSER, DIRECT):
        await configure(kc, flow, **DEFAULTS)
    await poll(kc)
    return kc


async def reset_flow_limited(env: Env, mail: Sink) -> None:
    """The reset credentials flow copied with the limiter (DEFAULTS: deny, client limit 1) and bound; the realm's
    mail server the sink."""
    flows = {f["alias"] for f in (await admin(env, "GET", f"{AUTH}/flows", status=200)).json()}
    if RESET not in flows:
        await admin(env, "POST", f"{AUTH}/flows/reset credentials/copy", {"newName": RESET}, 201)
        await add(env, RESET, LIMITER, REQ, DEFAULTS)
    await bind(env, "resetCredentialsFlow", RESET)
    await configure(env, RESET, **DEFAULTS)
    await update_realm(env, smtpServer=mail.settings())
    await poll(env)


async def ask_reset(env: Env, mail: Sink) -> str:
    """The reset credentials page opened with no login, the username sent; the mailed link."""
    page = await env.http.get(RESET_URI)
    assert page.status_code == 200 and 'id="kc-reset-password-form"' in page.text, page.text[:600]
    answer = await submit(env.http, page, username=USER)
    assert answer.status_code == 200 and SENT in html.unescape(answer.text), answer.text[:600]
    (sent,) = mail.received
    link: str = sent.link()
    return link


async def configure(env: Env, flow: str, **items: str) -> None:
    """``setAuthenticatorConfigItem``: the limiter's config in ``flow`` with ``items`` put into it."""
    (limiter,) = [e for e in await executions(env, flow) if e.get("providerId") == LIMITER]
    path = f"{AUTH}/config/{limiter['authenticationConfig']}"
    config = (await admin(env, "GET", path, status=200)).json()
    await admin(env, "PUT", path, {**config, "config": {**config["config"], **items}}, 204)


async def browser_login(env: Env, **params: str) -> httpx.Response:
    return await login(env, await open_login(env, **params), USER, PASSWORD)


async def password_grant(env: Env, client_id: str = APP) -> httpx.Response:
    """``oauth.client(client_id, password).doPasswordGrantRequest``; JSON asked for, as the Java OAuthClient does."""
    data = {"grant_type": "password", "client_id": client_id, "client_secret": PASSWORD}
    data |= {"username": USER, "password": PASSWORD}
    return await env.http.post(TOKEN, data=data, headers={"Accept": "application/json"})


async def sessions(env: Env) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await get(env, f"/users/{await user_id(env, USER)}/sessions")
    return found


async def client_session_count(env: Env, client_id: str) -> int:
    """``assertClientSessionCount``: how many of the user's sessions hold a session of ``client_id``."""
    return sum(client_id in s["clients"].values() for s in await sessions(env))


async def session_counts(env: Env, *client_ids: str) -> tuple[int, ...]:
    """``assertSessionCount`` then ``assertClientSessionCount`` of each of ``client_ids``."""
    found = await sessions(env)
    return (len(found), *(sum(c in s["clients"].values() for s in found) for c in client_ids))


FIXTURES = (anyio_backend, shared_env, imported, kc, otp_realm, otp_users, limited)
