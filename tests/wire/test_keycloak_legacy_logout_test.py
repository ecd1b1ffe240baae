"""Keycloak's ``org.keycloak.testsuite.oauth.LegacyLogoutTest`` (testsuite/integration-arquillian), ported to the
Keycloak 26 wire: the same requests to ``.../protocol/openid-connect/logout``, one test per Java method.

The Java class switches on the ``legacy-logout-redirect-uri`` option of the oidc login protocol before each test.
Keycloak 26.0 removed that option and the deprecated ``redirect_uri`` parameter with it (upgrading notes of 26.0;
LogoutEndpoint.logout no longer reads the parameter), and Doorkeep reproduces 26: ``redirect_uri`` is ignored, and
``post_logout_redirect_uri`` needs ``id_token_hint`` or ``client_id``. So each test sends the Java request and
asserts what 26 answers to it (status, page, event, session), noting where the legacy answer differed.

The realm is LoginTest's part of Keycloak's ``testrealm.json`` (``tests/login_test_realm.py``) plus its
``direct-grant`` client. ``APP_REDIRECT_URI`` plays ``oauth.APP_AUTH_ROOT``; ``isSessionActive`` is the session
store and ``events`` the admin events API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from browser_flow import exchange, submit
from keycloak_port import client_uuid, get, import_realm, one_event, poll, put, session_active
from login_test_realm import APP, APP_BASE, error_page_text, login, mark_start, open_login_form, realm_rep
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio

LOGOUT = "/realms/test/protocol/openid-connect/logout"
USER = "test-user@localhost"
APP_REDIRECT_URI = APP_BASE + "/auth"  # oauth.APP_AUTH_ROOT
LOGGED_OUT = "You are logged out"  # successLogout
MISSING_HINT = "Missing parameters: id_token_hint"  # missingParameterMessage


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    rep = realm_rep()
    rep["clients"].append(
        {
            "clientId": "direct-grant",
            "secret": "password",
            "directAccessGrantsEnabled": True,
            "redirectUris": ["http://127.0.0.1:9999/direct-grant/*"],
        }
    )
    await import_realm(env, rep)
    await poll(env)
    mark_start(env)
    yield env


async def login_user(env: Env) -> dict[str, Any]:
    """LegacyLogoutTest.loginUser: the browser login, its code exchanged, the events cleared."""
    page = await open_login_form(env, APP)
    answer = page if page.status_code == 302 else await login(env, page, USER)
    code = dict(httpx.URL(answer.headers["location"]).params)["code"]
    response = await exchange(env.http, "test", APP, code, secret="password")
    assert response.status_code == 200, response.text
    await poll(env)
    return dict(response.json())


def is_confirm_page(page: httpx.Response) -> bool:
    """``logoutConfirmPage.assertCurrent()``."""
    return page.status_code == 200 and 'name="session_code"' in page.text and 'id="kc-logout"' in page.text


def info(page: httpx.Response) -> str | None:
    """``infoPage.getInfo()``."""
    marker = '<p class="instruction">'
    if page.status_code != 200 or marker not in page.text:
        return None
    return page.text.split(marker, 1)[1].split("<", 1)[0]


async def expect_logout(env: Env, body: dict[str, Any], client: str) -> None:
    """``events.expectLogout(sessionId).removeDetail(REDIRECT_URI).assertEvent()``."""
    event = await one_event(env)
    assert event["type"] == "LOGOUT" and event["sessionId"] == body["session_state"], event
    assert event["clientId"] == client and event["userId"] == claims(body["access_token"])["sub"], event
    assert "redirect_uri" not in event.get("details", {}), event


# --- LegacyLogoutTest -------------------------------------------------------------------------------------------


async def test_logout_with_legacy_redirect_uri_and_id_token_hint(kc: Env) -> None:
    """The hint's client needs no confirmation and the session ends; the ignored ``redirect_uri`` leaves no
    redirect and no REDIRECT_URI detail (legacy: a redirect to it, the detail set)."""
    body = await login_user(kc)
    response = await kc.http.get(LOGOUT, params={"redirect_uri": APP_REDIRECT_URI, "id_token_hint": body["id_token"]})
    assert response.status_code == 200 and info(response) == LOGGED_OUT
    assert APP_REDIRECT_URI not in response.headers.get("location", "")
    await expect_logout(kc, body, APP)
    assert not await session_active(kc, body["session_state"])


async def test_logout_with_legacy_redirect_uri_and_without_id_token_hint(kc: Env) -> None:
    """The confirmation first, the session still there and no event; once confirmed the session ends, LOGOUT
    without REDIRECT_URI, and "You are logged out" (legacy: back to the redirect)."""
    body = await login_user(kc)
    page = await kc.http.get(LOGOUT, params={"redirect_uri": APP_REDIRECT_URI})
    assert is_confirm_page(page)
    assert await session_active(kc, body["session_state"])
    assert await poll(kc) == []
    done = await submit(kc.http, page)
    await expect_logout(kc, body, "account")
    assert not await session_active(kc, body["session_state"])
    assert done.status_code == 200 and info(done) == LOGGED_OUT


async def test_logout_with_post_logout_uri_without_id_token_hint(kc: Env) -> None:
    """``post_logout_redirect_uri`` without ``id_token_hint`` or ``client_id``: 26 refuses it (legacy mode skipped
    that rule and asked for a confirmation): 400 "Missing parameters: id_token_hint", LOGOUT_ERROR
    ``invalid_request``, and the session stays."""
    body = await login_user(kc)
    response = await kc.http.get(LOGOUT, params={"post_logout_redirect_uri": APP_REDIRECT_URI})
    assert response.status_code == 400 and error_page_text(response) == MISSING_HINT
    event = await one_event(kc)
    assert event["type"] == "LOGOUT_ERROR" and event["error"] == "invalid_request", event
    assert await session_active(kc, body["session_state"])


async def test_logout_redirect_with_star_redirect_uri_for_direct_grant_client(kc: Env) -> None:
    """KEYCLOAK-16517: ``direct-grant`` (no standard or implicit flow) with ``*`` as redirect URI must not make
    ``/bar`` a logout redirect. With ``redirect_uri`` ignored, 26 never redirects there: the confirmation page,
    no event, the session still active (legacy: the "Invalid redirect uri" error page). The client is restored."""
    uuid = await client_uuid(kc, "direct-grant")
    original = await get(kc, f"/clients/{uuid}")
    await put(kc, f"/clients/{uuid}", {**original, "standardFlowEnabled": False, "implicitFlowEnabled": False})
    await put(kc, f"/clients/{uuid}", {**(await get(kc, f"/clients/{uuid}")), "redirectUris": ["*"]})
    try:
        body = await login_user(kc)
        invalid_redirect_uri = "http://localhost/bar"
        response = await kc.http.get(LOGOUT, params={"redirect_uri": invalid_redirect_uri})
        assert not response.headers.get("location", "").startswith(invalid_redirect_uri)
        assert is_confirm_page(response)
        assert await poll(kc) == []
        assert await session_active(kc, body["session_state"])
    finally:
        await put(kc, f"/clients/{uuid}", original)
    assert (await get(kc, f"/clients/{uuid}"))["redirectUris"] == original["redirectUris"]
