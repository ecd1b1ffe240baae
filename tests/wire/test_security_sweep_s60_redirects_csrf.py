"""Security sweep s60: login CSRF on the login-actions forms (Keycloak's SessionCodeChecks: the ``session_code`` of
the tab, under the root authentication session the browser's ``AUTH_SESSION_ID`` cookie names). An attacker opens a
login of their own, then makes the victim's browser post that form (its action URL, ``tab_id`` and code) with the
attacker's password or a registration in the attacker's name: the victim's browser must not end up signed in, and
no code goes to the client. The same post from the attacker's own browser works, so the test cannot pass by
refusing everything. Last, framing: the realm's browser security headers on login pages, never loosened on the
consoles' or the form_post page."""

from __future__ import annotations

import httpx
import pytest

from browser_flow import form_action, form_fields, start
from console_support import sign_in
from support import seed_client, seed_realm, seed_user
from tabs_port import registration_link
from wire_env import Env

pytestmark = pytest.mark.anyio

IDENTITY = "KEYCLOAK_IDENTITY"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock, registration_allowed=True)
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "attacker")
    return env


def _signed_in(response: httpx.Response) -> bool:
    set_cookies = response.headers.get_list("set-cookie")
    return any(c.startswith(f"{IDENTITY}=") and not c.startswith(f"{IDENTITY}=;") for c in set_cookies)


async def _as_victim(http: httpx.AsyncClient) -> httpx.Cookies:
    """The attacker's cookies put aside; the victim's browser opens a login of its own (its own AUTH_SESSION_ID)."""
    kept = httpx.Cookies(http.cookies)
    http.cookies.clear()
    await start(http, "test", "app", state="victim")
    return kept


async def _refused(http: httpx.AsyncClient, response: httpx.Response) -> None:
    assert not _signed_in(response), response.headers
    assert "code=" not in response.headers.get("location", ""), response.headers.get("location")
    after = await start(http, "test", "app", prompt="none")
    assert "error=login_required" in after.headers.get("location", ""), after.headers.get("location")


@pytest.mark.parametrize("browser", ["victim", "no cookie"])
async def test_the_attackers_password_form_posted_from_another_browser_signs_nobody_in(
    realm: Env, browser: str
) -> None:
    page = await start(realm.http, "test", "app", state="attacker")
    action, fields = form_action(page.text), {**form_fields(page.text), "username": "attacker", "password": "password"}
    kept = await _as_victim(realm.http)
    if browser == "no cookie":
        realm.http.cookies.clear()
    await _refused(realm.http, await realm.http.post(action, data=fields))
    realm.http.cookies = kept  # the attacker's own browser: the same post works
    own = await realm.http.post(action, data=fields)
    assert own.status_code == 302 and "code=" in own.headers["location"], own.text[:500]


async def test_a_registration_posted_from_another_browser_creates_no_signed_in_account(realm: Env) -> None:
    page = await realm.http.get(registration_link(await start(realm.http, "test", "app")))
    action = form_action(page.text)
    fields = {
        **form_fields(page.text),
        "username": "planted",
        "email": "planted@example.com",
        "firstName": "Planted",
        "lastName": "Account",
        "password": "Passw0rd!long",
        "password-confirm": "Passw0rd!long",
    }
    await _as_victim(realm.http)
    await _refused(realm.http, await realm.http.post(action, data=fields))
    users = await realm.http.get(
        "/admin/realms/test/users", params={"username": "planted", "exact": "true"}, headers=await realm.admin_headers()
    )
    assert users.json() == []


async def test_a_reused_session_code_from_the_same_browser_after_login_signs_in_nobody_new(realm: Env) -> None:
    """The attacker's code replayed after the attacker finished: no second login, no second code."""
    page = await start(realm.http, "test", "app", state="attacker")
    action, fields = form_action(page.text), {**form_fields(page.text), "username": "attacker", "password": "password"}
    first = await realm.http.post(action, data=fields)
    assert first.status_code == 302 and "code=" in first.headers["location"]
    await _as_victim(realm.http)
    await _refused(realm.http, await realm.http.post(action, data=fields))


async def test_framing_follows_the_realm_on_login_pages_but_never_opens_the_consoles_or_form_post(realm: Env) -> None:
    """DefaultSecurityHeadersProvider: a realm that lets a portal frame its login pages gets exactly that on them;
    the Account Console (Doorkeep's own pages, session-cookie writes) keeps ``frame-ancestors 'none'`` and the
    form_post page ``DENY``, whatever the realm says (clickjacking of a CSRF-protected form still needs a frame)."""
    loose = "frame-src 'self'; frame-ancestors https://portal.example; object-src 'none';"
    admin = "/admin/realms/test"
    headers = await realm.admin_headers()
    rep = (await realm.http.get(admin, headers=headers)).json()
    rep["browserSecurityHeaders"] = {"xFrameOptions": "", "contentSecurityPolicy": loose}
    assert (await realm.http.put(admin, json=rep, headers=headers)).status_code == 204
    page = await start(realm.http, "test", "app")
    assert "x-frame-options" not in page.headers and page.headers["content-security-policy"] == loose
    await seed_user(realm.db, realm.clock, "test", "user1")
    console = await sign_in(realm.http, "/realms/test/account/")
    assert console.status_code == 200 and "frame-ancestors 'none'" in console.headers["content-security-policy"]
    posted = await start(realm.http, "test", "app", response_mode="form_post", prompt="none")
    assert posted.status_code == 200 and "document.forms" in posted.text, posted.text[:300]
    assert posted.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in posted.headers["content-security-policy"]
