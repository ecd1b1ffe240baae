"""Security headers (L4): every HTML page, the form_post page's CSP, HSTS, and Secure cookies over HTTPS."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator

import httpx
import pytest

from browser_flow import REDIRECT, form_action, start, submit
from support import seed_client, seed_realm, seed_user, token_url, update_client, update_user
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
PAGE = {
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-robots-tag": "none",
}
HSTS = "max-age=31536000; includeSubDomains"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(
        env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",), attributes={"post.logout.redirect.uris": "+"}
    )
    await seed_user(env.db, env.clock, "test", "user1")
    return env


@pytest.fixture
async def secure(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    async with client_at(realm, "127.0.0.1", "https") as http:
        yield http


def assert_page_headers(response: httpx.Response) -> None:
    assert response.headers["content-type"].startswith("text/html"), response.headers
    for name, value in PAGE.items():
        assert response.headers.get(name) == value, (name, response.request.url, response.headers)
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    assert "no-store" in response.headers["cache-control"]


async def test_every_html_page_carries_the_security_headers(realm: Env) -> None:
    http = realm.http
    login_page = await start(http, "test", "app")
    failed = await submit(http, login_page, username="user1", password="wrong")
    other_tab = await start(http, "test", "app")
    await submit(http, other_tab, username="user1", password="wrong")
    burnt = await submit(http, other_tab, username="user1", password="password")  # its login page, "Action expired"
    assert burnt.status_code == 302
    pages = [
        login_page,
        failed,
        await http.get("/realms/nowhere/protocol/openid-connect/auth"),
        await start(http, "test", "app", redirect_uri="https://evil.example/cb"),
        await http.get(burnt.headers["location"]),
        await http.get(token_url("test", "logout")),
        await http.get(token_url("test", "logout"), params={"id_token_hint": "garbage"}),
    ]
    await update_client(realm.db, "test", "app", consent_required=True)
    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PASSWORD",))
    update = await submit(http, failed, username="user1", password="password")
    consent = await submit(http, update, **{"password-new": "n3w", "password-confirm": "n3w"})
    pages += [update, consent, await http.get(form_action(login_page.text))]  # the last: "Page has expired"
    confirm = await http.get(token_url("test", "logout"))
    pages += [confirm, await submit(http, confirm)]
    for page in pages:
        assert_page_headers(page)


async def test_the_form_post_page_may_only_post_to_the_redirect_uris_origin(realm: Env) -> None:
    page = await start(realm.http, "test", "app", response_mode="form_post")
    response = await submit(realm.http, page, username="user1", password="password")
    assert response.status_code == 200 and f'action="{REDIRECT}"' in response.text
    csp = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'none'"
    assert directives["form-action"] == "http://127.0.0.1:9999"
    assert directives["frame-ancestors"] == "'none'"
    script = re.search(r"<script>(.*?)</script>", response.text, re.S)
    assert script is not None
    digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
    assert directives["script-src"] == f"'sha256-{digest}'"
    assert "onload" not in response.text
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "no-store" in response.headers["cache-control"]


async def test_a_form_post_error_answer_has_the_same_csp(realm: Env) -> None:
    response = await start(realm.http, "test", "app", response_mode="form_post", scope="openid bogus")
    assert response.status_code == 200 and 'name="error" value="invalid_scope"' in response.text
    assert "form-action http://127.0.0.1:9999;" in response.headers["content-security-policy"]


async def test_the_login_status_iframe_can_be_framed_by_the_client(realm: Env) -> None:
    for path in ("login-status-iframe.html", "3p-cookies/step1.html", "3p-cookies/step2.html"):
        response = await realm.http.get(token_url("test", path))
        assert response.status_code == 200
        # allowAnyFrameAncestor: no X-Frame-Options, and the default CSP without its frame-ancestors
        assert "x-frame-options" not in response.headers
        assert response.headers["content-security-policy"] == "frame-src 'self'; object-src 'none';"
        assert response.headers["x-content-type-options"] == "nosniff"


async def test_hsts_but_no_secure_cookies_over_plain_http(realm: Env) -> None:
    """Keycloak sends Strict-Transport-Security whatever the scheme (DefaultSecurityHeadersProvider); a browser
    ignores it over plain HTTP (RFC 6797 §8.1). Cookies are Secure only over HTTPS."""
    page = await start(realm.http, "test", "app")
    assert page.headers["strict-transport-security"] == HSTS
    assert "secure" not in page.headers["set-cookie"].lower()


async def test_https_answers_carry_hsts(secure: httpx.AsyncClient) -> None:
    for response in (
        await start(secure, "test", "app"),
        await secure.get("/"),
        await secure.get("/realms/test/.well-known/openid-configuration"),
        await secure.get("/realms/nowhere/protocol/openid-connect/auth"),
    ):
        assert response.headers["strict-transport-security"] == HSTS


def cookies_named(response: httpx.Response) -> dict[str, str]:
    return {c.split("=", 1)[0]: c for c in response.headers.get_list("set-cookie")}


async def test_every_cookie_set_over_https_is_secure_and_same_site_none(secure: httpx.AsyncClient) -> None:
    """CookieScope.FEDERATION(_JS) in a secure context; an expiry (DefaultCookieProvider.expire) carries only
    its path and Max-Age=0."""
    page = await start(secure, "test", "app")
    done = await submit(secure, page, username="user1", password="password")
    confirm = await secure.get(token_url("test", "logout"))
    logged_out = await submit(secure, confirm)
    seen: set[str] = set()
    for response in (page, done, confirm, logged_out):
        for name, cookie in cookies_named(response).items():
            if "Max-Age=0" in cookie:
                assert "secure" not in cookie.lower() and "samesite" not in cookie.lower(), cookie
                continue
            assert "; Secure" in cookie and "; SameSite=None" in cookie, cookie
            seen.add(name)
    assert {"AUTH_SESSION_ID", "KEYCLOAK_IDENTITY", "KEYCLOAK_SESSION", "DOORKEEP_LOGOUT_CSRF"} <= seen
