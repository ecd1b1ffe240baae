"""Keycloak's DefaultCookieProviderTest (tests/base/.../tests/cookies/, the new framework) and CookieHelperTest
(testsuite/.../cookies/) over a real login instead of their cookie-testing endpoint.

Ported: the attributes of each cookie a login writes (``testCookieDefaults``, ``testCookieDefaultsWithInsecureContext``,
``testSafariQuirks``: path, lifetime, HttpOnly, SameSite, Secure), the Cookie header with spaces and repeated
AUTH_SESSION_IDs (``testCookieHeaderWithSpaces`` in both classes). ``testExpireOldUnused`` and the expiry on logout
are in test_keycloak_cookies_path_test.py, WELCOME_STATE_CHECKER in test_kc_s68j_welcome_page.py.

Deliberate differences: Keycloak counts ``http://localhost`` as a secure context (Secure, SameSite=None) except for
Safari; Doorkeep counts HTTPS only (web/cookies.py), so over plain HTTP every browser gets what Keycloak gives Safari
there (``testSafariQuirks``): SameSite=Lax without Secure. CookieHelperTest.testLegacyCookie reads ``MYCOOKIE_LEGACY``
when ``MYCOOKIE`` is missing, Keycloak 24's fallback; Keycloak 26 (DefaultCookieProviderTest.testExpireOldUnused)
and Doorkeep never read a ``_LEGACY`` cookie, only expire it.

Not ported: KC_AUTH_SESSION_HASH and KC_STATE_CHECKER belong to the login page's session polling script and to the
detached info page, which Doorkeep's pages do not have; ``testCustomCookie`` and ``testSessionCookieValue`` drive the
testing endpoint's arbitrary names and values.
"""

from __future__ import annotations

import httpx
import pytest

from browser_flow import form_action, form_fields
from support import seed_login_realm, update_realm
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio

SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0.1 "
    "Safari/605.1.15"
)
AUTH = "/realms/test/protocol/openid-connect/auth"
PARAMS = {
    "client_id": "app",
    "redirect_uri": "http://127.0.0.1:9999/cb",
    "response_type": "code",
    "scope": "openid",
    "kc_locale": "de",
}
# name: (Max-Age or None for a browser-session cookie, HttpOnly, SameSite in a secure context)
EXPECTED = {
    "AUTH_SESSION_ID": (None, True, "None"),
    "KC_RESTART": (None, True, "None"),
    "KEYCLOAK_LOCALE": (None, True, "None"),
    # remembered: the SSO session's max lifespan (AuthenticationManager.createLoginCookie), else a session cookie
    "KEYCLOAK_IDENTITY": ("36000", True, "None"),
    "KEYCLOAK_SESSION": ("36000", False, "None"),
    "KEYCLOAK_REMEMBER_ME": ("31536000", True, "None"),
}


@pytest.fixture
async def kc(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    await update_realm(env.db, "test", internationalization_enabled=True, supported_locales=("en", "de"))
    await update_realm(env.db, "test", remember_me=True)
    return env


def attributes(header: str) -> dict[str, str]:
    parts = [part.strip() for part in header.split(";")[1:]]
    return {name.lower(): value for name, _, value in (part.partition("=") for part in parts)}


def written(*responses: httpx.Response) -> dict[str, dict[str, str]]:
    """Each cookie set by the responses (and the redirects before them), by name: its attributes (a later expiry,
    such as KC_RESTART's once the login is done, left out)."""
    out: dict[str, dict[str, str]] = {}
    for response in responses:
        for step in (*response.history, response):
            for header in step.headers.get_list("set-cookie"):
                if attributes(header).get("max-age") != "0":
                    out[header.split("=", 1)[0]] = attributes(header)
    return out


async def login_cookies(env: Env, scheme: str, headers: dict[str, str]) -> dict[str, dict[str, str]]:
    """A login with the German page and remember-me; every cookie it wrote."""
    async with client_at(env, "127.0.0.1", scheme) as browser:
        page = await browser.get(AUTH, params=PARAMS, headers=headers)
        assert page.status_code == 200, page.text
        fields = {**form_fields(page.text), "username": "user1", "password": "password", "rememberMe": "on"}
        done = await browser.post(form_action(page.text), data=fields, headers=headers, follow_redirects=False)
        assert done.status_code == 302, done.text
        return written(page, done)


@pytest.mark.parametrize(
    ("scheme", "headers"),
    [("https", {}), ("http", {}), ("http", {"User-Agent": SAFARI}), ("https", {"User-Agent": SAFARI})],
)
async def test_the_cookies_a_login_writes(kc: Env, scheme: str, headers: dict[str, str]) -> None:
    """DefaultCookieProviderTest#testCookieDefaults (HTTPS), #testCookieDefaultsWithInsecureContext (HTTP) and
    #testSafariQuirks: each cookie on the realm's path with its type's lifetime and HttpOnly; in a secure context
    Secure and SameSite=None, outside one neither Secure nor SameSite=None (Lax)."""
    secure = scheme == "https"
    cookies = await login_cookies(kc, scheme, headers)
    for name, (max_age, http_only, same_site) in EXPECTED.items():
        attrs = cookies.get(name)
        assert attrs is not None, (name, sorted(cookies))
        assert attrs["path"] == "/realms/test/", (name, attrs)
        assert attrs.get("max-age") == max_age, (name, attrs)
        assert ("httponly" in attrs) is http_only, (name, attrs)
        assert ("secure" in attrs) is secure, (name, attrs)
        assert attrs["samesite"] == (same_site if secure else "Lax"), (name, attrs)


SPACED = (
    "terms_user=; KC_RESTART=eyJhbGciOiJIUzI1NiJ9.e30.sig; AUTH_SESSION_ID=451ec4be-a0c8-430e-b489-6580f195ccf0; "
    "AUTH_SESSION_ID=55000981-8b5e-4c8d-853f-ee4c582c1d0d;AUTH_SESSION_ID=451ec4be-a0c8-430e-b489-6580f195ccf0; "
    "AUTH_SESSION_ID=55000981-8b5e-4c8d-853f-ee4c582c1d0d;AUTH_SESSION_ID=451ec4be-a0c8-430e-b489-6580f195ccf0; "
    "AUTH_SESSION_ID=55000981-8b5e-4c8d-853f-ee4c582c1d0d4;"
)


async def test_a_cookie_header_with_spaces_and_repeated_auth_session_ids(kc: Env) -> None:
    """DefaultCookieProviderTest#testCookieHeaderWithSpaces and CookieHelperTest#testCookieHeaderWithSpaces: the
    header parses (an empty cookie, ``;`` with and without a space, six AUTH_SESSION_IDs of three values). None of
    those values is a session this server signed, so the login page starts a new one."""
    async with client_at(kc, "127.0.0.1") as browser:
        page = await browser.get(AUTH, params=PARAMS, headers={"Cookie": SPACED})
    assert page.status_code == 200, page.text
    headers = page.headers.get_list("set-cookie")
    fresh = [h for h in headers if h.startswith("AUTH_SESSION_ID=") and "Max-Age=0" not in h]
    assert len(fresh) == 1
    value = fresh[0].split(";", 1)[0].split("=", 1)[1]
    assert value not in SPACED
