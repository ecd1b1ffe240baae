"""Keycloak's CookieTest (testsuite/integration-arquillian/tests/base/.../cookies/CookieTest.java, the newest
copy; no newer one under tests/base) over HTTP: a KEYCLOAK_IDENTITY cookie that holds anything but the identity
token Keycloak wrote (an access token, here) is no SSO session, whether or not the user is logged in, and the
answer to a browser carrying an identity cookie sets each cookie once.

The cookies' names, paths, SameSite / Secure / HttpOnly attributes, their expiry on logout and remember-me's
max-age, which earlier copies of CookieTest checked (since removed from Keycloak), are tested in
``test_security_headers.py`` (Secure and SameSite over HTTP and HTTPS), ``test_keycloak_login_test.py``
(LoginTest's cookie methods) and ``test_session_cookie.py`` (KEYCLOAK_SESSION, remember-me's max-age). The set-up
is in ``tests/sso_port.py``.
"""

from __future__ import annotations

import pytest

import sso_port
from browser_flow import code_from, start, submit
from keycloak_port import admin_headers, user_id
from login_test_realm import APP, login, open_login_form
from sso_port import browser, token
from wire_env import Env

pytestmark = pytest.mark.anyio
# One app for the module (group_port.shared_env), each test on the realm imported anew (sso_port.kc).
anyio_backend, shared_env, env, kc = sso_port.anyio_backend, sso_port.shared_env, sso_port.env, sso_port.kc
USER = "test-user@localhost"


async def _access_token(kc: Env) -> str:
    code = code_from(await login(kc, await open_login_form(kc), USER))["code"]
    return str((await token(kc.http, code))["access_token"])


async def _login_page_with_identity(kc: Env, value: str) -> str:
    """The authorization request from a browser whose only cookie is KEYCLOAK_IDENTITY=``value`` on ``/``."""
    async with browser(kc) as other:
        other.cookies.set("KEYCLOAK_IDENTITY", value, domain="localhost", path="/")
        page = await start(other, "test", APP)
    assert page.status_code == 200, (page.status_code, page.headers.get("location"))
    return page.text


async def test_cookie_value(kc: Env) -> None:
    """CookieTest.testCookieValue: an access token as KEYCLOAK_IDENTITY is not an SSO session: the login page."""
    page = await _login_page_with_identity(kc, await _access_token(kc))
    assert "First name" not in page and "Last name" not in page
    assert "Sign In" in page and "Forgot Password?" in page


async def test_cookie_value_logged_out(kc: Env) -> None:
    """CookieTest.testCookieValueLoggedOut: the same after the user is logged out (AccountHelper.logout)."""
    access_token = await _access_token(kc)
    uid = await user_id(kc, USER)
    out = await kc.http.post(f"/admin/realms/test/users/{uid}/logout", headers=await admin_headers(kc))
    assert out.status_code == 204, out.text
    page = await _login_page_with_identity(kc, access_token)
    assert "First name" not in page and "Last name" not in page
    assert "Sign In" in page and "Forgot Password?" in page


async def test_no_duplications_when_expiring_cookies(kc: Env) -> None:
    """CookieTest.testNoDuplicationsWhenExpiringCookies (over HTTPS, as its assumeAuthServerSSL asks): the
    browser's identity cookie, copied alone into another client, sent to an account-console login: no
    Set-Cookie header is repeated, and there is at least one. The Java test first opens
    ``login-actions/authenticate/`` only to read the cookie from the WebDriver; the jar is read here. The request
    carries a PKCE challenge, which Keycloak's and Doorkeep's account-console requires (the Java request has none
    and would end in a redirect with ``invalid_request`` before any cookie is written)."""
    async with browser(kc, "https") as first:
        page = await start(first, "test", APP)
        code_from(await submit(first, page, username=USER, password="password"))
        identity = first.cookies.get("KEYCLOAK_IDENTITY")
    assert identity
    async with browser(kc, "https") as other:
        other.cookies.set("KEYCLOAK_IDENTITY", identity, domain="localhost")
        query = {
            "response_type": "code",
            "client_id": "account-console",
            "redirect_uri": "https://localhost/realms/test/account",
            "scope": "openid",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",  # account-console requires S256
            "code_challenge_method": "S256",
        }
        response = await other.get("/realms/test/protocol/openid-connect/auth", params=query)
    headers = response.headers.get_list("set-cookie")
    assert headers, (response.status_code, response.headers)
    assert len(set(headers)) == len(headers), headers
