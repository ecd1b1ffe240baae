"""Shared set-up of the wire ports of Keycloak's browser-session tests (SSOTest, CookieTest, ReAuthenticationTest):
one app per module (``group_port.shared_env``), the realm ``test`` imported anew for each test with LoginTest's
users and clients plus ``john-doh@localhost`` (``tests/login_test_realm.py``), remember-me, registration and
password reset on as in Keycloak's ``testrealm.json``; each test starts with an empty cookie jar, as each Java
test method gets a fresh WebDriver. ``browser`` is a second WebDriver (``driver2``): its own cookie jar on the
same app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import group_port
from browser_flow import REDIRECT
from group_port import fresh_realm
from keycloak_port import forget, poll
from login_client import BrowserClient
from login_test_realm import APP, SECRET, mark_start, realm_rep
from wire_env import Env

anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env


def sso_realm() -> dict[str, Any]:
    rep = realm_rep()
    john = {"username": "john-doh@localhost", "email": "john-doh@localhost", "firstName": "John", "lastName": "Doh"}
    credentials = [{"type": "password", "value": "password", "temporary": False}]
    rep["users"].append({**john, "enabled": True, "emailVerified": True, "credentials": credentials})
    return {**rep, "rememberMe": True, "registrationAllowed": True, "resetPasswordAllowed": True}


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """The realm as imported, no events pending, an empty cookie jar, ``setTimeOffset(0)`` at this moment."""
    await begin(env, sso_realm())
    yield env
    forget(env)


async def begin(env: Env, rep: dict[str, Any]) -> None:
    """What a test starts from: realm ``rep`` as imported, no events pending, an empty cookie jar (a fresh
    WebDriver), ``setTimeOffset(0)`` at this moment."""
    env.http.cookies.clear()
    await fresh_realm(env, rep)
    await poll(env)
    mark_start(env)


def browser(env: Env, scheme: str = "http") -> httpx.AsyncClient:
    """Another browser (its own cookie jar) on the module's app."""
    transport = httpx.ASGITransport(app=env.apps[0], raise_app_exceptions=False, client=("127.0.0.1", 50000))
    return BrowserClient(transport=transport, base_url=f"{scheme}://localhost")


async def events_of(env: Env, *types: str) -> list[dict[str, Any]]:
    """``events.poll()`` repeated: the events since the last poll of these types, oldest first."""
    return [event for event in await poll(env) if event["type"] in types]


async def logout_form(http: httpx.AsyncClient, id_token: str) -> httpx.Response:
    """``oauth.logoutForm().idTokenHint(...).postLogoutRedirectUri(redirect).open()``."""
    params = {"id_token_hint": id_token, "post_logout_redirect_uri": REDIRECT}
    return await http.get("/realms/test/protocol/openid-connect/logout", params=params)


async def token(http: httpx.AsyncClient, code: str, client_id: str = APP) -> dict[str, Any]:
    """``oauth.doAccessTokenRequest(code)``, which must succeed."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    response = await http.post("/realms/test/protocol/openid-connect/token", data=form, auth=(client_id, SECRET))
    assert response.status_code == 200, response.text
    return dict(response.json())
