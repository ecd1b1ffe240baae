"""Keycloak's CookiePrefixTest (testsuite/.../cookies/): the server run with ``--spi-cookie--default--cookie-prefix=KC26_``.

The Java class calls the CookieProvider on the server; here the same cookies come from real logins, SSO and logouts:
every cookie is set (and expired) under the prefixed name, with its value, none under Keycloak's plain name; a
prefixed cookie is read; a cookie without the prefix is not (no fallback: a browser holding only the plain
KEYCLOAK_IDENTITY gets the login page). A prefix a cookie name cannot hold is refused at start.

Beyond the Java class: the login-status iframe's script reads the session cookie from ``document.cookie`` by name;
it is given the prefixed name, else it would see no session. Deliberate difference: a prefix is refused for any
character RFC 6265's cookie-name token excludes (also ( ) < > @ : / [ ] ? { }, which Keycloak lets through), so
that it can go into that script as it is.
"""

from __future__ import annotations

import dataclasses
from http.cookies import SimpleCookie

import click
import httpx
import pytest

import browser_flow
import welcome_support
from doorkeep.cli import checks
from doorkeep.web.cookie_prefix import prefix_problem, unprefixed
from support import seed_client
from welcome_support import CHECKER, master_usernames
from wire_env import Env, client_at

PREFIX = "KC26_"
CLIENT = "prefix-web"
empty = welcome_support.empty
pytestmark = [pytest.mark.anyio, pytest.mark.server_options(cookie_prefix=PREFIX)]


@pytest.fixture
async def realm(realm: Env) -> Env:
    """Realm ``test`` with user1 and the confidential client ``prefix-web`` browsers log in to."""
    await seed_client(realm.db, "test", CLIENT, redirect_uris=("http://127.0.0.1:9999/*",))
    return realm


def set_cookies(response: httpx.Response) -> dict[str, SimpleCookie]:
    """Every Set-Cookie of the answer, by name (the attributes kept)."""
    out: dict[str, SimpleCookie] = {}
    for header in response.headers.get_list("set-cookie"):
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        for name in jar:
            out[name] = jar
    return out


async def _login(env: Env) -> tuple[httpx.Response, httpx.Response]:
    """The login page, then the posted form's answer (the redirect with the code)."""
    page = await browser_flow.start(env.http, "test", CLIENT)
    assert page.status_code == 200, page.text[:300]
    answer = await browser_flow.submit(env.http, page, username="user1", password="password", rememberMe="on")
    assert answer.status_code == 302, answer.text[:300]
    return page, answer


async def _remember_me(env: Env) -> None:
    response = await env.http.put("/admin/realms/test", json={"rememberMe": True}, headers=await env.admin_headers())
    assert response.status_code == 204, response.text


async def test_prefixed_cookie_names(realm: Env) -> None:
    """testPrefixedCookieNames: AUTH_SESSION_ID, KEYCLOAK_IDENTITY, KEYCLOAK_SESSION, KEYCLOAK_LOCALE and
    KEYCLOAK_REMEMBER_ME are set with the prefix and their values; none under the plain name."""
    await _remember_me(realm)
    page, answer = await _login(realm)
    first = set_cookies(page)
    assert f"{PREFIX}AUTH_SESSION_ID" in first and "AUTH_SESSION_ID" not in first
    after = set_cookies(answer)
    for name in ("KEYCLOAK_IDENTITY", "KEYCLOAK_SESSION", "KEYCLOAK_REMEMBER_ME"):
        assert PREFIX + name in after, list(after)
        assert name not in after
    assert after[f"{PREFIX}KEYCLOAK_REMEMBER_ME"][f"{PREFIX}KEYCLOAK_REMEMBER_ME"].value == "username:user1"
    locale_page = await browser_flow.start(realm.http, "test", CLIENT, prompt="login", kc_locale="de")
    assert locale_page.status_code == 200
    await _set_locale(realm, locale_page)
    assert all(name.startswith(PREFIX) for name in realm.http.cookies), list(realm.http.cookies.keys())


async def _set_locale(env: Env, page: httpx.Response) -> None:
    """The login page with ``kc_locale`` in a realm with internationalization: KEYCLOAK_LOCALE, prefixed."""
    response = await env.http.put(
        "/admin/realms/test",
        json={"internationalizationEnabled": True, "supportedLocales": ["en", "de"], "defaultLocale": "en"},
        headers=await env.admin_headers(),
    )
    assert response.status_code == 204, response.text
    again = await browser_flow.start(env.http, "test", CLIENT, prompt="login", kc_locale="de")
    assert again.status_code == 200
    names = set(set_cookies(again))
    assert f"{PREFIX}KEYCLOAK_LOCALE" in names and "KEYCLOAK_LOCALE" not in names, names


async def test_prefixed_cookie_get(realm: Env) -> None:
    """testPrefixedCookieGet: the prefixed KEYCLOAK_IDENTITY is read: the next authorization is SSO (a code, no
    login page), and the code is good."""
    await _login(realm)
    again = await browser_flow.start(realm.http, "test", CLIENT)
    code = browser_flow.code_from(again)["code"]
    assert (await browser_flow.exchange(realm.http, "test", CLIENT, code)).status_code == 200


async def test_prefixed_cookie_get_ignores_unprefixed(realm: Env) -> None:
    """testPrefixedCookieGetIgnoresUnprefixed: the same cookies under the plain names are not read: the login page
    again, no SSO."""
    await _login(realm)
    plain = {name.removeprefix(PREFIX): value for name, value in realm.http.cookies.items()}
    realm.http.cookies.clear()
    for name, value in plain.items():
        realm.http.cookies.set(name, value)
    page = await browser_flow.start(realm.http, "test", CLIENT)
    assert page.status_code == 200 and 'name="password"' in page.text


async def test_prefixed_cookie_expire(realm: Env) -> None:
    """testPrefixedCookieExpire: a logout expires the prefixed KEYCLOAK_IDENTITY and KEYCLOAK_SESSION (Max-Age 0)."""
    await _login(realm)
    logout = await realm.http.get("/realms/test/protocol/openid-connect/logout")
    assert logout.status_code == 200, logout.text[:300]
    confirm = await browser_flow.submit(realm.http, logout, confirmLogout="Logout")
    expired = set_cookies(confirm)
    for name in ("KEYCLOAK_IDENTITY", "KEYCLOAK_SESSION"):
        assert expired[PREFIX + name][PREFIX + name]["max-age"] == "0", confirm.headers.get_list("set-cookie")
        assert name not in expired


async def test_prefix_applies_uniformly(realm: Env) -> None:
    """testPrefixAppliesUniformly: no cookie escapes the prefix (KC_RESTART and the rest, through a whole login)."""
    page, answer = await _login(realm)
    names = [n for r in (page, answer) for n in set_cookies(r)]
    assert f"{PREFIX}KC_RESTART" in names
    assert names and all(n.startswith(PREFIX) for n in names), names


async def test_a_prefix_a_cookie_name_cannot_hold_is_refused_at_start(realm: Env) -> None:
    """Controls, spaces, ; , = " \\ refused as Keycloak refuses them, and RFC 6265's other separators."""
    assert prefix_problem("KC26_") is None and prefix_problem("") is None
    for bad in ("KC 26", "a;b", "a=b", 'a"', "a\\", "a,b", "a\tb", "é", "</script>", "a/b", "a:b"):
        assert prefix_problem(bad) is not None, bad
        with pytest.raises(click.UsageError, match="cookie-prefix"):
            checks.check_common(dataclasses.replace(realm.settings, cookie_prefix=bad))


def test_the_cookie_header_keeps_only_prefixed_cookies_without_the_prefix() -> None:
    header = b"KC26_AUTH_SESSION_ID=a; AUTH_SESSION_ID=b; KC26_=x; KC26_AUTH_SESSION_ID=c;other=d"
    assert unprefixed(header, b"KC26_") == b"AUTH_SESSION_ID=a; AUTH_SESSION_ID=c"


async def test_the_login_status_iframe_reads_the_prefixed_session_cookie(realm: Env) -> None:
    page = await realm.http.get("/realms/test/protocol/openid-connect/login-status-iframe.html")
    assert page.status_code == 200
    assert f'name === "{PREFIX}KEYCLOAK_SESSION"' in page.text and "'KEYCLOAK_SESSION'" not in page.text


async def test_the_welcome_pages_state_checker_is_prefixed_and_read(empty: Env) -> None:
    """WELCOME_STATE_CHECKER (CookieType.WELCOME_CSRF) too: set prefixed, and the first admin's form is accepted with
    it; the same value under the plain name is not read (the form is refused, nothing created)."""
    async with client_at(empty, "127.0.0.1") as browser:
        page = await browser.get("/")
        assert list(set_cookies(page)) == [f"{PREFIX}WELCOME_STATE_CHECKER"]
        found = CHECKER.search(page.text)
        assert found is not None
        form = {"username": "first", "password": "pw", "passwordConfirmation": "pw", "stateChecker": found.group(1)}
        value = browser.cookies[f"{PREFIX}WELCOME_STATE_CHECKER"]
        browser.cookies.clear()
        browser.cookies.set("WELCOME_STATE_CHECKER", value)
        refused = await browser.post("/", data=form, follow_redirects=False)
        assert "User created" not in refused.text and await master_usernames(empty) == []
        browser.cookies.clear()
        browser.cookies.set(f"{PREFIX}WELCOME_STATE_CHECKER", value)
        made = await browser.post("/", data=form, follow_redirects=False)
        assert made.status_code == 200 and "User created" in made.text, made.text[:300]
    assert await master_usernames(empty) == ["first"]
