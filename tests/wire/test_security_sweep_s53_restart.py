"""Security sweep s53: "Restart login" and the KC_RESTART cookie (session 52: login-actions/restart answering 302
with RESTART_AUTHENTICATION, a login restarted from KC_RESTART with FORWARDED_ERROR_MESSAGE) attacked as the
security review attacks older code.

- A forged KC_RESTART (garbage, an unsigned JWT, one signed with a key of the attacker's, realm ``other``'s genuine
  cookie for a client of the same name, another client's cookie) at ``login-actions/authenticate`` and
  ``login-actions/restart`` begins no login: the INVALID_CODE page (RestartLoginCookie.restartSession finds no
  realm key vouching for it; SessionCodeChecks: "Clients doesn't match"), never a page whose login ends at the
  attacker's redirect URI, never a 500.
- A genuine KC_RESTART replayed in a fresh browser only begins a login: no code without the password.
- The URL's ``client_data`` naming a redirect URI the client does not allow is ignored: the restarted login ends at
  the cookie's registered redirect URI.
- ``login-actions/restart`` with a victim's tab id from a browser without the victim's cookies restarts nothing
  of the victim's: the victim's page still signs in.
"""

from __future__ import annotations

import base64
import html
import json

import httpx
import jwt
import pytest

from browser_flow import REDIRECT, form_action, start, submit
from console_support import HTML, sign_in
from support import seed_client, seed_realm, seed_user
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio

INVALID_CODE = "An error occurred, please login again through your application."
EVIL = "http://evil.example/cb"
ATTACKER_KEY = "attacker-chosen-key-" * 4  # 80 bytes: long enough for HS512


@pytest.fixture
async def realms(env: Env) -> Env:
    for name in ("test", "other"):
        await seed_realm(env.db, env.clock, name, events_enabled=True)
        await seed_client(env.db, name, "app", redirect_uris=("http://127.0.0.1:9999/*",))
        await seed_client(env.db, name, "second", redirect_uris=("http://127.0.0.1:9999/*", "http://evil.example/*"))
        await seed_user(env.db, env.clock, name, "user1")
    return env


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


CLAIMS: dict[str, object] = {
    "cid": "app",
    "pty": "openid-connect",
    "ruri": EVIL,
    "act": "AUTHENTICATE",
    "notes": {"scope": "openid"},
}


async def _genuine(env: Env, realm: str, client_id: str) -> tuple[str, dict[str, str]]:
    """A real KC_RESTART of ``realm``'s login for ``client_id``, and that tab's URL parameters."""
    async with client_at(env, "10.53.1.1") as browser:
        page = await start(browser, realm, client_id)
        assert page.status_code == 200, page.text[:800]
        cookie = browser.cookies.get("KC_RESTART")
        assert cookie
        action = httpx.URL(form_action(page.text))
        return cookie, {k: action.params[k] for k in ("client_id", "tab_id", "client_data")}


async def _forged(env: Env, kind: str) -> str:
    if kind == "garbage":
        return "not-a-cookie"
    if kind == "unsigned":
        return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(CLAIMS)}."
    if kind == "attacker key":
        return jwt.encode(CLAIMS, ATTACKER_KEY, algorithm="HS256")
    if kind == "attacker key with kid":
        return jwt.encode(CLAIMS, ATTACKER_KEY, algorithm="HS512", headers={"kid": "x"})
    if kind == "other realm":
        return (await _genuine(env, "other", "app"))[0]
    assert kind == "other client"
    return (await _genuine(env, "test", "second"))[0]


KINDS = ["garbage", "unsigned", "attacker key", "attacker key with kid", "other realm", "other client"]


@pytest.mark.parametrize("endpoint", ["authenticate", "restart"])
async def test_a_forged_restart_cookie_begins_no_login(realms: Env, endpoint: str) -> None:
    for kind in KINDS:
        cookie = await _forged(realms, kind)
        async with client_at(realms, "10.53.1.2") as browser:
            browser.cookies.set("KC_RESTART", cookie, domain="localhost.local", path="/realms/test/")
            query = {"client_id": "app", "tab_id": "forgedtab123"}
            answer = await browser.get(f"/realms/test/login-actions/{endpoint}", params=query)
            assert answer.status_code == 400, (kind, answer.status_code, answer.text[:800])
            assert INVALID_CODE in html.unescape(answer.text), (kind, answer.text[:800])
            assert "evil.example" not in answer.text and "kc-form-login" not in answer.text, kind


async def test_a_genuine_restart_cookie_replayed_elsewhere_only_begins_a_login(realms: Env) -> None:
    cookie, tab = await _genuine(realms, "test", "app")
    async with client_at(realms, "10.53.1.3") as thief:
        thief.cookies.set("KC_RESTART", cookie, domain="localhost.local", path="/realms/test/")
        answer = await thief.get("/realms/test/login-actions/authenticate", params=tab)
        assert answer.status_code == 302, answer.text[:800]
        page = await thief.get(answer.headers["location"])
        assert page.status_code == 200 and 'name="password"' in page.text, page.text[:800]
        assert "code=" not in page.headers.get("location", "")
        wrong = await submit(thief, page, username="user1", password="guess")
        assert wrong.status_code == 200 and "code=" not in wrong.headers.get("location", ""), wrong.text[:800]


@pytest.mark.parametrize(
    "redirect",
    [
        EVIL,
        "javascript:alert(1)",
        "http://127.0.0.1:9999@evil.example/cb",
        "http://127.0.0.1:9999/../x",
        "//evil.example",
    ],
)
async def test_client_data_cannot_choose_the_restarted_logins_redirect(realms: Env, redirect: str) -> None:
    cookie, tab = await _genuine(realms, "test", "app")
    data = _b64({"ru": redirect, "rt": "code", "rm": "query", "st": "attacker"})
    async with client_at(realms, "10.53.1.4") as browser:
        browser.cookies.set("KC_RESTART", cookie, domain="localhost.local", path="/realms/test/")
        answer = await browser.get(
            "/realms/test/login-actions/authenticate", params={**tab, "client_data": data, "tab_id": "gonetab1234"}
        )
        assert answer.status_code == 302, answer.text[:800]
        page = await browser.get(answer.headers["location"])
        done = await submit(browser, page, username="user1", password="password")
        assert done.status_code == 302, done.text[:800]
        location = done.headers["location"]
        assert location.startswith(REDIRECT + "?"), location
        assert "evil.example" not in location and "javascript" not in location


async def test_restart_with_a_victims_tab_from_another_browser_touches_nothing(realms: Env) -> None:
    async with client_at(realms, "10.53.1.5") as victim, client_at(realms, "10.53.1.6") as attacker:
        page = await start(victim, "test", "app")
        action = httpx.URL(form_action(page.text))
        tab = {k: action.params[k] for k in ("client_id", "tab_id", "client_data")}
        answer = await attacker.get("/realms/test/login-actions/restart", params=tab)
        assert answer.status_code in (200, 400) and "code=" not in answer.headers.get("location", ""), answer.text[:800]
        done = await submit(victim, page, username="user1", password="password")
        assert done.status_code == 302 and "code=" in done.headers["location"], done.text[:800]


async def test_restart_carries_no_markup_from_the_url(realms: Env) -> None:
    """The tab's parameters echoed nowhere as markup on the pages restart leads to."""
    page = await start(realms.http, "test", "app")
    action = httpx.URL(form_action(page.text))
    hostile = '"><script>alert(1)</script>'
    query = {"client_id": "app", "tab_id": action.params["tab_id"] + hostile, "client_data": hostile}
    answer = await realms.http.get("/realms/test/login-actions/restart", params=query)
    assert answer.status_code < 500 and "<script>alert(1)" not in answer.text, answer.text[:800]
    if answer.status_code == 302:
        shown = await realms.http.get(answer.headers["location"])
        assert shown.status_code < 500 and "<script>alert(1)" not in shown.text, shown.text[:800]


@pytest.mark.parametrize("asked", [{"prompt": "login"}, {"max_age": "1"}, {"kc_action": "UPDATE_PASSWORD"}])
async def test_restart_keeping_the_session_does_not_skip_a_re_authentication(
    realms: Env, asked: dict[str, str]
) -> None:
    """``login-actions/restart?skip_logout=true`` during a re-authentication keeps the SSO session, but the flow
    begun again still asks the password the client wanted (the request's prompt and max_age kept in the tab's
    client notes; CookieAuthenticator: requireReauthentication; an application-initiated UPDATE_PASSWORD past
    maxAuthAge), never a code nor the new-password form from the SSO cookie alone."""
    async with client_at(realms, "10.53.1.7") as browser:
        first = await submit(browser, await start(browser, "test", "app"), username="user1", password="password")
        assert first.status_code == 302 and "code=" in first.headers["location"], first.text[:800]
        realms.clock.advance(400)  # past max_age and the 300 s an application-initiated action allows
        again = await start(browser, "test", "app", **asked)
        assert again.status_code == 200 and 'name="password"' in again.text, again.text[:800]
        action = httpx.URL(form_action(again.text))
        query = {k: action.params[k] for k in ("client_id", "tab_id", "client_data")} | {"skip_logout": "true"}
        answered = await browser.get("/realms/test/login-actions/restart", params=query)
        assert answered.status_code == 302, answered.text[:800]
        assert "code=" not in answered.headers["location"], answered.headers["location"]
        shown = await browser.get(answered.headers["location"])
        assert "code=" not in shown.headers.get("location", ""), shown.headers.get("location")
        assert shown.status_code == 200 and 'name="password"' in shown.text, shown.text[:800]
        assert 'name="password-new"' not in shown.text
        wrong = await submit(browser, shown, username="user1", password="wrong")
        assert wrong.status_code == 200 and "code=" not in wrong.headers.get("location", ""), wrong.text[:800]


async def test_a_typed_username_with_markup_stays_text_in_the_restart_event(realms: Env) -> None:
    """RESTART_AUTHENTICATION may name the attempted username, which anyone types: never rewritten into markup,
    and the Admin Console's events page (the master admin's origin) shows the event with nothing of it live."""
    typed = '<script>alert("restart")</script>'
    async with client_at(realms, "10.53.1.8") as browser:
        page = await start(browser, "test", "app")
        failed = await submit(browser, page, username=typed, password="wrong")
        assert failed.status_code == 200, failed.text[:800]
        action = httpx.URL(form_action(failed.text))
        query = {k: action.params[k] for k in ("client_id", "tab_id", "client_data")}
        assert (await browser.get("/realms/test/login-actions/restart", params=query)).status_code == 302
    listed = await realms.http.get("/admin/realms/test/events", headers=await realms.admin_headers())
    restarts = [e for e in listed.json() if e["type"] == "RESTART_AUTHENTICATION"]
    assert [e["details"].get("username") for e in restarts] in ([typed], [None]), restarts
    async with client_at(realms, "127.0.0.9") as admin:
        await sign_in(admin, "/admin/master/console/", "admin", "admin")
        shown = await admin.get("/admin/master/console/test/events", headers=HTML)
        assert shown.status_code == 200, shown.text[:800]
        assert "RESTART_AUTHENTICATION" in shown.text and "<script>alert" not in shown.text, shown.text[-3000:]
