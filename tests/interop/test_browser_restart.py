"""A browser's SSO session and the login state survive a server restart (they are rows, not memory)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from browser_flow import form_action, form_fields
from interop.server import DEMO_REALM, StartServer

pytestmark = pytest.mark.interop
REDIRECT = "http://127.0.0.1:9999/callback"


def authorize(http: httpx.Client, base: str) -> httpx.Response:
    return http.get(
        f"{base}/realms/demo/protocol/openid-connect/auth",
        params={
            "client_id": "offline-access-portal",
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "scope": "openid offline_access",
            "state": "s",
        },
    )


def code_of(response: httpx.Response) -> str:
    assert response.status_code == 302, response.text[:300]
    return parse_qs(urlsplit(response.headers["location"]).query)["code"][0]


def test_sso_and_a_half_finished_login_survive_a_restart(start_server: StartServer) -> None:
    server = start_server(import_realms=[DEMO_REALM])
    with httpx.Client() as browser:
        page = authorize(browser, server.base_url)
        assert page.status_code == 200
        server.kill9()
        server.start()
        # the login form shown before the crash still works after it
        done = browser.post(
            form_action(page.text),  # an absolute URL, as Keycloak's forms have
            data={**form_fields(page.text), "username": "user1", "password": "password"},
        )
        first = code_of(done)
        server.stop()
        server.start()
        # the SSO cookie names a session that is still in the database: no login page this time
        second = code_of(authorize(browser, server.base_url))
    token = httpx.post(
        f"{server.base_url}/realms/demo/protocol/openid-connect/token",
        data={
            "grant_type": "authorization_code",
            "code": second,
            "redirect_uri": REDIRECT,
            "client_id": "offline-access-portal",
            "client_secret": "password",
        },
    )
    assert token.status_code == 200, token.text
    assert first != second
