"""Keycloak's RememberMeTest (testsuite/integration-arquillian/tests/base/.../account/RememberMeTest.java) over
HTTP, with the browser restart it could not do.

Keycloak marks the class @Ignore ("find out the way how to restart browser during the test"). An HTTP client
can: a restarted browser keeps the cookies that carry an expiry and drops the others (``clear_session_cookies``).
With the realm's rememberMe on, a login without the box leaves browser-session SSO cookies, so after a restart
the account console asks for the password again; with the box checked the SSO cookies carry Max-Age
(AuthenticationManager.createLoginCookie: ssoSessionMaxLifespanRememberMe, else ssoSessionMaxLifespan) and the
console opens after a restart without the login form.
"""

from __future__ import annotations

import httpx
import pytest

from account_forms_port import is_console, is_login_form, log_in, open_console
from support import update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


def restart_browser(http: httpx.AsyncClient) -> None:
    """The TODO of the Java test: the browser closed and opened again keeps only cookies with an expiry."""
    http.cookies.jar.clear_session_cookies()


async def test_remember_me(realm: Env) -> None:
    """RememberMeTest.rememberMe: unchecked, a restart asks for the password again (and the form offers the
    box); checked, a restart still opens the console."""
    await update_realm(realm.db, "test", remember_me=True)
    page = await open_console(realm.http)
    assert is_login_form(page) and 'name="rememberMe"' in page.text
    assert is_console(await log_in(realm.http, page))
    restart_browser(realm.http)

    page = await open_console(realm.http)
    assert is_login_form(page), "a browser-session SSO cookie outlived the browser"
    assert 'name="rememberMe"' in page.text  # waitForRememberMePresent
    assert is_console(await log_in(realm.http, page, remember_me=True))
    kept = {c.name: c.expires for c in realm.http.cookies.jar if c.name.startswith("KEYCLOAK_")}
    assert kept.get("KEYCLOAK_IDENTITY") and kept.get("KEYCLOAK_SESSION"), kept  # Max-Age: an expiry
    restart_browser(realm.http)

    assert is_console(await open_console(realm.http)), "remember me did not keep the SSO session over a restart"
