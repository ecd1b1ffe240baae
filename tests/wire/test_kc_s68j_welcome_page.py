"""Keycloak's WelcomePageTest (tests/base/.../tests/welcomepage/ and the older
testsuite/.../welcomepage/WelcomePageTest.java) over HTTP, with what WelcomeResource decides for a client.

Doorkeep's page is its own (docs/consoles.md); the server-decided parts are Keycloak's: with a master user, ``/``
is a 302 to the Admin Console (``{admin}/admin/``, the keycloak.v2 theme's ``redirectToAdmin``); with none, a local
browser gets the form to create one, with a state checker its ``WELCOME_STATE_CHECKER`` cookie must equal, and
anyone else "Local access required" and no form. ``POST /`` refuses a remote caller (400), a missing or wrong
state checker (403), then a missing username or password and a confirmation that differs (400, the page).

Doorkeep's first start always creates a master admin (the bootstrap options), so these tests delete master's users
first, as the Java ``localAccessNoAdmin`` deletes the bootstrap admin.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import httpx
import pytest

import welcome_support
from doorkeep.settings import Settings
from support import password_grant
from welcome_support import CHECKER, master_usernames
from wire_env import Env, client_at, make_env

pytestmark = pytest.mark.anyio
empty = welcome_support.empty

COOKIE = "WELCOME_STATE_CHECKER"
NO_CACHE = "no-cache, must-revalidate, no-transform, no-store"
REMOTE = "192.0.2.60"


def set_cookie(response: httpx.Response, name: str) -> dict[str, str] | None:
    """The Set-Cookie header for ``name``: its value under ``""`` and its attributes by lower-case name."""
    for header in response.headers.get_list("set-cookie"):
        first, *rest = header.split(";")
        key, _, value = first.partition("=")
        if key.strip() == name:
            attributes = {k.strip().lower(): v for k, _, v in (part.partition("=") for part in rest)}
            return {"": value.strip('"'), **attributes}
    return None


async def form_page(http: httpx.AsyncClient) -> str:
    """The page's form, asked for as a browser; the state checker it carries."""
    page = await http.get("/")
    assert page.status_code == 200, page.text
    found = CHECKER.search(page.text)
    assert found is not None, page.text
    return found.group(1)


async def create(http: httpx.AsyncClient, checker: str, **fields: str) -> httpx.Response:
    form = {"username": "admin2", "password": "pw", "passwordConfirmation": "pw", "stateChecker": checker}
    return await http.post("/", data={**form, **fields}, follow_redirects=False)


async def test_local_access_without_an_admin_offers_the_form(empty: Env) -> None:
    """WelcomePageTest#localAccessNoAdmin (and test_1_LocalAccessNoAdmin): the page asks for the first admin, in a
    form, and sets the state checker's cookie: the request's path, five minutes, SameSite=Strict, HttpOnly, not
    Secure over plain HTTP (CookieType.WELCOME_CSRF); the page is never cached."""
    response = await empty.http.get("/", follow_redirects=False)
    assert response.status_code == 200
    assert '<h1 id="welcome-message">Create a temporary administrative user</h1>' in response.text
    assert "<form" in response.text
    assert response.headers["cache-control"] == NO_CACHE
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    cookie = set_cookie(response, COOKIE)
    assert cookie is not None
    found = CHECKER.search(response.text)
    assert found is not None and cookie[""] == found.group(1)
    assert {k: v for k, v in cookie.items() if k} == {
        "path": "/",
        "max-age": "300",
        "httponly": "",
        "samesite": "Strict",
    }


@pytest.mark.parametrize("proxied", [{}, {"X-Forwarded-For": "198.51.100.7"}, {"Forwarded": "for=198.51.100.7"}])
async def test_remote_access_without_an_admin_says_local_access_is_required(
    empty: Env, proxied: dict[str, str]
) -> None:
    """WelcomePageTest#remoteAccessNoAdmin (and test_2_RemoteAccessNoAdmin): from another address, or through a
    proxy (WelcomeResource.isLocal), "Local access required", no form and no state checker."""
    async with client_at(empty, REMOTE if not proxied else "127.0.0.1") as other:
        response = await other.get("/", headers=proxied, follow_redirects=False)
    assert response.status_code == 200
    assert '<h1 id="welcome-message">Local access required</h1>' in response.text
    assert "form" not in response.text
    assert set_cookie(response, COOKIE) is None


async def test_create_admin_user(empty: Env) -> None:
    """WelcomePageTest#createAdminUser and #accessCreatedAdminAccount (test_3, test_5): "User created", the one
    master user holds master's admin role and signs in; the state checker's cookie is expired."""
    checker = await form_page(empty.http)
    response = await create(empty.http, checker, username="  Admin2 ")
    assert response.status_code == 200, response.text
    assert "User created" in response.text
    assert 'href="http://localhost/admin/"' in response.text
    expired = set_cookie(response, COOKIE)
    assert expired is not None and expired[""] == "" and expired["max-age"] == "0" and expired["path"] == "/"
    assert await master_usernames(empty) == ["admin2"]
    token = await password_grant(empty.http, "master", "admin-cli", "admin2", "pw", secret=None)
    assert token.status_code == 200, token.text
    users = await empty.http.get(
        "/admin/realms/master/users", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
    )
    assert users.status_code == 200
    assert [u["username"] for u in users.json()] == ["admin2"]
    assert "is_temporary_admin" not in (users.json()[0].get("attributes") or {})


@pytest.mark.parametrize("peer", ["127.0.0.1", REMOTE])
async def test_with_an_admin_the_page_redirects_to_the_admin_console(env: Env, peer: str) -> None:
    """WelcomePageTest#localAccessWithAdmin and #remoteAccessWithAdmin (test_4): a 302 to ``{admin}/admin/``,
    which sends on to the master realm's console."""
    async with client_at(env, peer) as http:
        response = await http.get("/", follow_redirects=False)
        assert response.status_code == 302
        assert response.headers["location"] == "http://localhost/admin/"
        assert set_cookie(response, COOKIE) is None
        console = await http.get("/admin/", follow_redirects=False)
        assert console.status_code == 302
        assert console.headers["location"] == "http://localhost/admin/master/console/"


async def test_posting_with_an_admin_redirects_and_creates_nothing(env: Env) -> None:
    """createUser: once master has a user, a POST is the redirect again, whatever it carries."""
    response = await create(env.http, "anything")
    assert response.status_code == 302 and response.headers["location"] == "http://localhost/admin/"
    assert await master_usernames(env) == ["admin"]


@pytest.mark.parametrize("proxied", [{}, {"X-Forwarded-For": "198.51.100.7"}])
async def test_a_remote_post_is_refused_even_with_a_state_checker(empty: Env, proxied: dict[str, str]) -> None:
    """createUser: not local is a 400 before the state checker is looked at (rejectedNonLocalAttemptToCreate...)."""
    checker = await form_page(empty.http)
    async with client_at(empty, REMOTE if not proxied else "127.0.0.1") as other:
        other.cookies.set(COOKIE, checker)
        response = await other.post(
            "/",
            data={"username": "x", "password": "p", "passwordConfirmation": "p", "stateChecker": checker},
            headers=proxied,
        )
    assert response.status_code == 400
    assert response.json() == {"error": "HTTP 400 Bad Request"}
    assert await master_usernames(empty) == []


@pytest.mark.parametrize("checker", [None, "", "wrong"])
async def test_a_missing_or_wrong_state_checker_is_forbidden(empty: Env, checker: str | None) -> None:
    """createUser.csrfCheck: the form's stateChecker must equal the cookie's: 403, nothing created."""
    await form_page(empty.http)
    form = {"username": "x", "password": "p", "passwordConfirmation": "p"}
    if checker is not None:
        form["stateChecker"] = checker
    response = await empty.http.post("/", data=form)
    assert response.status_code == 403
    assert response.json() == {"error": "HTTP 403 Forbidden"}
    assert await master_usernames(empty) == []


async def test_a_state_checker_without_its_cookie_is_forbidden(empty: Env) -> None:
    """csrfCheck: no cookie, no match, even for a checker a page handed out (another browser's)."""
    checker = await form_page(empty.http)
    async with client_at(empty, "127.0.0.1") as other:
        response = await create(other, checker)
        browser = await other.post(
            "/",
            data={"username": "x", "password": "p", "passwordConfirmation": "p", "stateChecker": checker},
            headers={"Accept": "text/html"},
        )
    assert response.status_code == 403
    assert browser.status_code == 403 and "An internal server error has occurred" in browser.text
    assert await master_usernames(empty) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": "   "}, "Username is missing"),
        ({"password": "", "passwordConfirmation": ""}, "Password is missing"),
        ({"passwordConfirmation": "other"}, "Password and confirmation doesn&#39;t match"),
    ],
)
async def test_an_incomplete_form_is_a_400_page(empty: Env, fields: dict[str, str], message: str) -> None:
    """createUser's checks, after the state checker: 400 and the page with the message (and a new form)."""
    checker = await form_page(empty.http)
    response = await create(empty.http, checker, **fields)
    assert response.status_code == 400
    assert message in response.text
    assert CHECKER.search(response.text) is not None
    assert await master_usernames(empty) == []


async def test_the_form_text_is_escaped(empty: Env) -> None:
    """Nothing the form posts is drawn back raw (the usernames and passwords are never echoed)."""
    checker = await form_page(empty.http)
    payload = '"><script>alert(1)</script>'
    response = await create(empty.http, checker, password=payload, passwordConfirmation=payload + "x")
    assert response.status_code == 400
    assert "<script>alert(1)" not in response.text


async def test_the_redirect_goes_to_the_admin_hostname(tmp_path: Path) -> None:
    """createWelcomePage's ``adminUrl`` is ``getUri(UrlType.ADMIN)``: with --hostname-admin, the admin host's
    ``/admin/``, asked for at the public hostname."""
    url = f"sqlite:///{tmp_path / 'doorkeep.db'}"
    settings = Settings(db_url=url, bootstrap_admin_username="admin", bootstrap_admin_password="admin")
    options = {"hostname": "http://localtest.me:8080", "hostname_admin": "http://admin.localtest.me:8080"}
    env, db = await make_env(url, dataclasses.replace(settings, **options))  # type: ignore[arg-type]
    try:
        response = await env.http.get("http://localtest.me:8080/", follow_redirects=False)
        assert response.status_code == 302
        assert response.headers["location"] == "http://admin.localtest.me:8080/admin/"
    finally:
        await env.http.aclose()
        await db.dispose()
