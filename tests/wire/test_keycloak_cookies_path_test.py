"""Keycloak's CookiesPathTest (testsuite/integration-arquillian/tests/base/.../cookies/CookiesPathTest.java) over
HTTP: the realm cookies live on the realm's path with its trailing slash, so realm ``foo``'s never reach realm
``foobar`` (whose name it prefixes); an AUTH_SESSION_ID left on the old path (``/realms/foo``, no slash) with a
value no session has is ignored at login and expired.

A browser is an httpx client with its own cookie jar (RFC 6265 path matching; the most specific path sent
first), following redirects as Apache's ``LaxRedirectStrategy`` and Selenium do. The Java paths are under
``/auth``; this server has no prefix. Every Java @Test method is ported, with Keycloak 26's cookies:

- ``getCorrectCookies`` collects AUTH_SESSION_ID and KC_RESTART, which the login page sets; with the old
  cookie the jar holds three, as in Java.
- ``KEYCLOAK_SESSION`` is no longer ``realm/user/session``: since Keycloak 26.1 it is the SHA-256 of the session
  id (base64url), and AUTH_SESSION_ID is ``base64url(id.signature)`` naming the root authentication session whose
  id the user session takes. "KEYCLOAK_SESSION should end by AUTH_SESSION_ID value" is checked as that relation.

The tests after ``test_old_cookie_with_node_in_value`` are not in the Java class: the cookies' attributes after a
login and after a logout, over HTTP and HTTPS, and the ``*_LEGACY`` cookies Keycloak 24 left behind.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator
from http.cookiejar import Cookie
from typing import Any

import httpx
import pytest

import group_port
from browser_flow import form_action, form_fields
from keycloak_port import admin_headers, import_realm
from support import auth_session_id
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
KEYCLOAK_COOKIE_NAMES = ("KC_RESTART", "AUTH_SESSION_ID", "KEYCLOAK_IDENTITY", "KEYCLOAK_SESSION")
AUTH_SESSION_VALUE = "1869c345-2f90-4724-936d-a1a1ef41dea7"
AUTH_SESSION_VALUE_NODE = "1869c345-2f90-4724-936d-a1a1ef41dea7.host"
OLD_COOKIE_PATH = "/realms/foo"
HOST = "localhost.local"  # where http.cookiejar files a dotless host's cookies (AUTH_SERVER_HOST)
ACCOUNT = "/realms/foo/account"


def _realm(name: str, *usernames: str) -> dict[str, Any]:
    """RealmBuilder with UserBuilder: users with password ``password`` and the account roles. (The Java class adds
    user ``foobar`` to realm ``foo`` too, by a slip it keeps.)"""
    roles = {"account": ["manage-account", "view-profile", "manage-account-links"]}
    users = [
        {
            "username": username,
            "enabled": True,
            "credentials": [{"type": "password", "value": "password", "temporary": False}],
            "clientRoles": roles,
        }
        for username in usernames
    ]
    return {"realm": name, "enabled": True, "users": users}


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """Realms ``foo`` and ``foobar`` as addTestRealms builds them, imported anew; an empty cookie jar."""
    headers = await admin_headers(env)
    for name in ("foo", "foobar"):
        gone = await env.http.delete(f"/admin/realms/{name}", headers=headers)
        assert gone.status_code in (204, 404), gone.text
    await import_realm(env, _realm("foo", "foo", "foobar"))
    await import_realm(env, _realm("foobar"))
    env.http.cookies.clear()
    yield env
    env.http.cookies.clear()


def keycloak_cookies(jar: httpx.Cookies) -> list[Cookie]:
    return [cookie for cookie in jar.jar if cookie.name in KEYCLOAK_COOKIE_NAMES]


def sent(response: httpx.Response) -> str:
    """The Cookie header of the request that got ``response``."""
    return str(response.request.headers.get("cookie", ""))


def hashed(session_id: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(session_id.encode()).digest()).rstrip(b"=").decode()


def old_cookie(value: str, *, secure: bool = False) -> Cookie:
    """The wrong cookie: AUTH_SESSION_ID on the old path, for a day."""
    jar = httpx.Cookies()
    jar.set("AUTH_SESSION_ID", value, domain=HOST, path=OLD_COOKIE_PATH)
    [cookie] = list(jar.jar)
    cookie.secure, cookie.expires = secure, 2**31 - 1
    return cookie


def assert_session_cookie_names_the_auth_session(jar: httpx.Cookies) -> None:
    """ "KEYCLOAK_SESSION should end by AUTH_SESSION_ID value", as Keycloak 26 writes both."""
    [auth] = [c for c in jar.jar if c.name == "AUTH_SESSION_ID"]
    [session] = [c for c in jar.jar if c.name == "KEYCLOAK_SESSION"]
    assert session.value == hashed(auth_session_id(auth.value)), (auth.value, session.value)


async def get_correct_cookies(kc: Env, uri: str) -> httpx.Cookies:
    """``getCorrectCookies``: the AUTH_SESSION_ID (and KC_RESTART) the login page of a fresh browser sets, each
    kept with its value and path, for a day."""
    async with client_at(kc, "127.0.0.1") as fresh:
        page = await fresh.get(uri, follow_redirects=True)
    assert page.status_code == 200, page.text
    store = httpx.Cookies()
    for header in page.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name in ("AUTH_SESSION_ID", "KC_RESTART"):
            value = rest.split(";", 1)[0]
            path = next(p.split("=", 1)[1] for p in rest.split("; ") if p.startswith("Path="))
            store.set(name, value, domain=HOST, path=path)
    return store


async def login(kc: Env, uri: str, store: httpx.Cookies) -> None:
    """``login``: the request to ``uri`` (redirected to the login page), then user ``foo``'s credentials posted
    to its form; the answer after the redirects is a 200."""
    async with client_at(kc, "127.0.0.1") as browser:
        browser.cookies = store
        page = await browser.get(uri, follow_redirects=True)
        fields = {**form_fields(page.text), "username": "foo", "password": "password"}
        done = await browser.post(form_action(page.text), data=fields, follow_redirects=True)
        assert done.status_code == 200, "Expected successful login."
        store.jar.clear()
        for cookie in browser.cookies.jar:
            store.jar.set_cookie(cookie)


async def check_old_cookie_is_ignored_and_removed(kc: Env, value: str) -> None:
    """testMultipleCookies and testOldCookieWithNodeInValue: the login succeeds; the old cookie is gone."""
    store = await get_correct_cookies(kc, ACCOUNT)
    store.jar.set_cookie(old_cookie(value))
    assert len(store.jar) == 3  # AUTH_SESSION_ID, KC_RESTART and the old cookie
    await login(kc, ACCOUNT, store)
    names = [cookie.name for cookie in store.jar]
    assert {"AUTH_SESSION_ID", "KEYCLOAK_IDENTITY", "KEYCLOAK_SESSION"} <= set(names), names
    for cookie in store.jar:
        if cookie.name != "OAuth_Token_Request_State":
            assert cookie.path.endswith("/"), (cookie.name, cookie.path)
    assert value not in [cookie.value for cookie in store.jar]
    assert_session_cookie_names_the_auth_session(store)


async def test_cookies_path(kc: Env) -> None:
    """CookiesPathTest.testCookiesPath: each realm's cookies on its own path, ``/realms/foo/`` and
    ``/realms/foobar/``; foo's are never sent to foobar and are still there for foo."""
    http = kc.http
    first = await http.get(ACCOUNT, follow_redirects=True)
    http.cookies.clear()  # driver.manage().deleteAllCookies()
    assert not list(http.cookies.jar), "There shouldn't be any cookies sent!"
    refreshed = await http.get(first.url)  # driver.navigate().refresh()
    assert refreshed.status_code == 200
    cookies = keycloak_cookies(http.cookies)
    assert cookies, "There should be cookies sent!"
    assert all(cookie.path.endswith("/realms/foo/") for cookie in cookies), [(c.name, c.path) for c in cookies]
    foo_value = str(http.cookies.get("AUTH_SESSION_ID", path="/realms/foo/"))

    await http.get("/realms/foobar/account", follow_redirects=True)
    for cookie in [c for c in http.cookies.jar if c.path != "/realms/foo/"]:  # deleteAllCookies of foobar's page
        http.cookies.jar.clear(cookie.domain, cookie.path, cookie.name)
    again = await http.get("/realms/foobar/account", follow_redirects=True)
    assert all(foo_value not in sent(step) for step in [*again.history, again]), "foo's cookie sent to foobar"
    foobar = [c for c in keycloak_cookies(http.cookies) if c.path != "/realms/foo/"]
    assert foobar, "There should be cookies sent!"
    assert all(cookie.path.endswith("/realms/foobar/") for cookie in foobar), [(c.name, c.path) for c in foobar]

    back = await http.get(ACCOUNT, follow_redirects=True)
    assert foo_value in sent(back), "foo's cookie is still there for foo"
    foobar_value = str(http.cookies.get("AUTH_SESSION_ID", path="/realms/foobar/"))
    assert all(foobar_value not in sent(step) for step in [*back.history, back])


async def test_multiple_cookies(kc: Env) -> None:
    """CookiesPathTest.testMultipleCookies: a made-up AUTH_SESSION_ID on the old path next to the right one."""
    await check_old_cookie_is_ignored_and_removed(kc, AUTH_SESSION_VALUE)


async def test_old_cookie_with_wrong_path(kc: Env) -> None:
    """CookiesPathTest.testOldCookieWithWrongPath (over HTTPS, as its assumeAuthServerSSL asks): the browser
    holds only the old, secure AUTH_SESSION_ID; the account client's login as ``foo`` succeeds, and the browser
    is left with AUTH_SESSION_ID, KEYCLOAK_IDENTITY and KEYCLOAK_SESSION, on the realm's path."""
    async with client_at(kc, "127.0.0.1", "https") as browser:
        await browser.get(ACCOUNT, follow_redirects=True)
        browser.cookies.clear()
        browser.cookies.jar.set_cookie(old_cookie(AUTH_SESSION_VALUE, secure=True))
        assert len(browser.cookies.jar) == 1
        params = {
            "client_id": "account",
            "redirect_uri": f"https://localhost{ACCOUNT}",
            "response_type": "code",
            "scope": "openid",
        }
        page = await browser.get("/realms/foo/protocol/openid-connect/auth", params=params)
        assert page.status_code == 200, page.text
        fields = {**form_fields(page.text), "username": "foo", "password": "password"}
        done = await browser.post(form_action(page.text), data=fields)
        assert done.status_code == 302 and done.headers["location"].startswith(f"https://localhost{ACCOUNT}?")
        cookies = keycloak_cookies(browser.cookies)
        assert sorted(c.name for c in cookies) == ["AUTH_SESSION_ID", "KEYCLOAK_IDENTITY", "KEYCLOAK_SESSION"]
        assert all(cookie.path.endswith("/") and cookie.secure for cookie in cookies), [
            (c.name, c.path) for c in cookies
        ]
        assert_session_cookie_names_the_auth_session(browser.cookies)


async def test_old_cookie_with_node_in_value(kc: Env) -> None:
    """CookiesPathTest.testOldCookieWithNodeInValue: the old cookie's value has a route (``.host``) appended."""
    await check_old_cookie_is_ignored_and_removed(kc, AUTH_SESSION_VALUE_NODE)


def attributes(header: str) -> dict[str, str]:
    """A Set-Cookie header's attributes, by lower-case name (a flag's value is "")."""
    parts = [part.strip() for part in header.split(";")[1:]]
    return {name.lower(): value for name, _, value in (part.partition("=") for part in parts)}


def set_cookies(response: httpx.Response) -> dict[str, dict[str, str]]:
    return {h.split("=", 1)[0]: attributes(h) for h in response.headers.get_list("set-cookie")}


@pytest.mark.parametrize("scheme", ["http", "https"])
async def test_the_cookies_attributes_after_login_and_logout(kc: Env, scheme: str) -> None:
    """Not in the Java class: DefaultCookieProvider's attributes. AUTH_SESSION_ID and KEYCLOAK_IDENTITY are
    HttpOnly, KEYCLOAK_SESSION is not (the status iframe reads it); all SameSite=None with Secure over HTTPS,
    SameSite=Lax without it over HTTP (Doorkeep counts no plain-HTTP origin as secure, web/cookies.py); all on
    ``/realms/foo/``. A logout expires each on that path with no other attribute."""
    secure = scheme == "https"
    async with client_at(kc, "127.0.0.1", scheme) as browser:
        params = {"client_id": "account", "redirect_uri": f"{scheme}://localhost{ACCOUNT}", "response_type": "code"}
        page = await browser.get("/realms/foo/protocol/openid-connect/auth", params=params)
        fields = {**form_fields(page.text), "username": "foo", "password": "password"}
        done = await browser.post(form_action(page.text), data=fields)
        written = {**set_cookies(page), **set_cookies(done)}
        for name, http_only in (("AUTH_SESSION_ID", True), ("KEYCLOAK_IDENTITY", True), ("KEYCLOAK_SESSION", False)):
            attrs = written[name]
            assert attrs["path"] == "/realms/foo/", (name, attrs)
            assert ("httponly" in attrs) is http_only, (name, attrs)
            assert ("secure" in attrs) is secure, (name, attrs)
            assert attrs["samesite"].lower() == ("none" if secure else "lax"), (name, attrs)
        logout = await browser.get("/realms/foo/protocol/openid-connect/logout")
        out = await browser.post(form_action(logout.text), data=form_fields(logout.text))
        expired = set_cookies(out)
        for name in ("KEYCLOAK_IDENTITY", "KEYCLOAK_SESSION"):
            assert expired[name] == {"path": "/realms/foo/", "max-age": "0", "expires": expired[name]["expires"]}
        assert not [c for c in browser.cookies.jar if c.name in ("KEYCLOAK_IDENTITY", "KEYCLOAK_SESSION")]


async def test_the_legacy_cookies_of_keycloak_24_are_expired(kc: Env) -> None:
    """Not in the Java class (DefaultCookieProviderTest.testExpireOldUnused): AUTH_SESSION_ID_LEGACY,
    KEYCLOAK_IDENTITY_LEGACY and KEYCLOAK_SESSION_LEGACY are expired on the realm's path, never read."""
    async with client_at(kc, "127.0.0.1") as browser:
        for name in ("AUTH_SESSION_ID_LEGACY", "KEYCLOAK_IDENTITY_LEGACY", "KEYCLOAK_SESSION_LEGACY"):
            browser.cookies.set(name, "legacy", domain=HOST, path="/realms/foo/")
        page = await browser.get("/realms/foo/account", follow_redirects=True)
        assert page.status_code == 200 and 'name="username"' in page.text  # no session from the legacy cookies
        expired = {**{k: v for step in page.history for k, v in set_cookies(step).items()}, **set_cookies(page)}
        for name in ("AUTH_SESSION_ID_LEGACY", "KEYCLOAK_IDENTITY_LEGACY", "KEYCLOAK_SESSION_LEGACY"):
            assert expired[name]["path"] == "/realms/foo/" and expired[name]["max-age"] == "0", expired
        assert not [c for c in browser.cookies.jar if c.name.endswith("_LEGACY")]
