"""Security sweep s52: the smaller recent features attacked as the security review attacks older code.

- Action-token refusals for a browser signed in as another user (LoginActionsServiceChecks.checkIsUserValid): the
  reset-credentials and admin execute-actions links of user A opened where B is signed in change nothing of A and
  leave B's session alone; a link opened where A's own session lives still works.
- ``X-Request-ID`` (RequestIdHeaderFilter): the client's header is never echoed, every answer (errors included)
  carries exactly one, a fresh UUID each time.
- Deny Access in the direct grant flow: its configured message with markup stays text in the JSON, it is counted
  by brute force detection like a wrong password (the right password then locked too), and a caller without the
  password learns only "Invalid user credentials" (the deny message follows the password check, as in Keycloak)."""

from __future__ import annotations

import html
import re
import uuid

import httpx
import pytest

from browser_flow import form_action, form_fields, login, start, submit
from flow_builder import AUTH, add, add_flow, admin, bind
from mail_sink import Sink
from support import password_grant, seed_client, seed_realm, seed_user, update_client, update_realm
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio

DIFFERENT_USER = "You are already authenticated as different user 'bob' in this session. Please log out first."
TOKEN = "/realms/test/protocol/openid-connect/token"


@pytest.fixture
async def two(env: Env, mail: Sink) -> Env:
    """Realm test, mail to the sink, reset allowed; alice (the link's user) and bob (the other browser's)."""
    await seed_realm(env.db, env.clock, events_enabled=True, reset_password_allowed=True)
    await update_realm(env.db, "test", smtp_server=mail.settings())
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "alice", email="alice@example.com", email_verified=True)
    await seed_user(env.db, env.clock, "test", "bob", email="bob@example.com", email_verified=True)
    return env


async def _reset_mail(env: Env, mail: Sink) -> str:
    """Alice's "Forgot Password?" mail, asked for in a browser of its own; its link."""
    browser = client_at(env, "10.4.0.1")
    try:
        page = await start(browser, "test", "app")
        found = re.search(r'href="([^"]*login-actions/reset-credentials[^"]*)"', page.text)
        assert found is not None, page.text[:800]
        form = await browser.get(html.unescape(found[1]))
        sent = await browser.post(form_action(form.text), data={**form_fields(form.text), "username": "alice"})
        assert sent.status_code == 200, sent.text[:500]
    finally:
        await browser.aclose()
    await env.drain()
    [message] = mail.received
    return message.link()


async def _user_id(env: Env, username: str) -> str:
    found = await env.http.get(
        "/admin/realms/test/users", params={"username": username, "exact": "true"}, headers=await env.admin_headers()
    )
    return str(found.json()[0]["id"])


async def _session_count(env: Env, username: str) -> int:
    listed = await env.http.get(
        f"/admin/realms/test/users/{await _user_id(env, username)}/sessions", headers=await env.admin_headers()
    )
    return len(listed.json())


async def _bobs_browser(env: Env) -> httpx.AsyncClient:
    browser = client_at(env, "10.4.0.2")
    await login(browser, "test", "app", username="bob")
    return browser


async def test_a_reset_link_in_a_browser_signed_in_as_someone_else_is_refused(two: Env, mail: Sink) -> None:
    link = await _reset_mail(two, mail)
    browser = await _bobs_browser(two)
    try:
        opened = await browser.get(link)
        assert opened.status_code == 400 and DIFFERENT_USER in html.unescape(opened.text), opened.text[:600]
        assert 'name="password-new"' not in opened.text
    finally:
        await browser.aclose()
    assert await _session_count(two, "bob") == 1
    assert (await password_grant(two.http, "test", "app", "alice", "password")).status_code == 200
    two.http.cookies.clear()
    fresh = await two.http.get(link)  # the refusal spent nothing: the link still works in a clean browser
    assert fresh.status_code == 200 and 'name="password-new"' in fresh.text, fresh.text[:600]


async def test_an_admin_execute_actions_link_in_someone_elses_browser_is_refused(two: Env, mail: Sink) -> None:
    sent = await two.http.put(
        f"/admin/realms/test/users/{await _user_id(two, 'alice')}/execute-actions-email",
        json=["UPDATE_PASSWORD"],
        headers=await two.admin_headers(),
    )
    assert sent.status_code == 204, sent.text
    await two.drain()
    [message] = mail.received
    browser = await _bobs_browser(two)
    try:
        opened = await browser.get(message.link())
        assert opened.status_code == 400 and DIFFERENT_USER in html.unescape(opened.text), opened.text[:600]
    finally:
        await browser.aclose()
    assert await _session_count(two, "bob") == 1


async def test_a_link_opened_where_its_own_user_is_signed_in_works(two: Env, mail: Sink) -> None:
    link = await _reset_mail(two, mail)
    browser = client_at(two, "10.4.0.3")
    try:
        await login(browser, "test", "app", username="alice")
        opened = await browser.get(link)
        assert opened.status_code == 200 and "different user" not in opened.text, opened.text[:600]
    finally:
        await browser.aclose()


@pytest.mark.parametrize(
    "path",
    [
        "/realms/test/.well-known/openid-configuration",
        "/realms/nope/.well-known/openid-configuration",
        "/admin/realms/test/users",
        TOKEN,
    ],
)
async def test_the_request_id_is_never_the_clients(realm: Env, path: str) -> None:
    chosen = "attacker-chosen-id"
    first = await realm.http.get(path, headers={"X-Request-ID": chosen})
    second = await realm.http.get(path, headers={"X-Request-ID": chosen})
    for answer in (first, second):
        [value] = answer.headers.get_list("x-request-id")
        assert value != chosen and str(uuid.UUID(value)) == value
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


DENY_FLOW = "direct grant deny"


async def _deny_flow(env: Env, message: str) -> None:
    """A copy of ``direct grant`` ending with Deny Access (its message configured), bound to the realm."""
    await admin(env, "POST", f"{AUTH}/flows/direct grant/copy", {"newName": DENY_FLOW}, 201)
    await add(env, DENY_FLOW, "deny-access-authenticator", "REQUIRED", {"denyErrorMessage": message})
    await bind(env, "directGrantFlow", DENY_FLOW)


async def test_deny_access_message_with_markup_is_json_text(realm: Env) -> None:
    message = '<img src=x onerror=alert(1)>"quoted"'
    await _deny_flow(realm, message)
    answer = await realm.http.post(
        TOKEN,
        data={"grant_type": "password", "client_id": "app", "client_secret": "secret"}
        | {"username": "user1", "password": "password"},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 401 and answer.json() == {"error": message}, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    page = await realm.http.post(
        TOKEN,
        data={"grant_type": "password", "client_id": "app", "client_secret": "secret"}
        | {"username": "user1", "password": "password"},
    )
    assert "<img src=x" not in page.text and "&lt;img" in page.text


async def test_deny_access_is_counted_and_a_wrong_password_learns_nothing(realm: Env) -> None:
    await _deny_flow(realm, "Denied")
    changes = {"bruteForceProtected": True, "failureFactor": 2, "quickLoginCheckMilliSeconds": 0}
    updated = await realm.http.put("/admin/realms/test", json=changes, headers=await realm.admin_headers())
    assert updated.status_code == 204, updated.text
    wrong = await password_grant(realm.http, "test", "app", "user1", "wrong")
    assert wrong.json() == {"error": "invalid_grant", "error_description": "Invalid user credentials"}
    realm.clock.advance(5)
    denied = await realm.http.post(
        TOKEN,
        data={"grant_type": "password", "client_id": "app", "client_secret": "secret"}
        | {"username": "user1", "password": "password"},
        headers={"Accept": "application/json"},
    )
    assert denied.status_code == 401 and denied.json() == {"error": "Denied"}, denied.text
    realm.clock.advance(5)
    locked = await password_grant(realm.http, "test", "app", "user1", "password")
    assert locked.status_code == 400 and locked.json()["error_description"] == "Invalid user credentials"


async def test_allow_access_before_the_password_page_does_not_skip_it(realm: Env) -> None:
    """Allow Access in a CONDITIONAL sub-flow between UsernameForm and a REQUIRED PasswordForm succeeds its own step
    only (AllowAccessAuthenticator): a user meeting the condition still gets the password page, and a wrong
    password is refused."""
    await update_client(realm.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await admin(realm, "POST", f"{AUTH}/flows", {"alias": "allow", "providerId": "basic-flow", "topLevel": True}, 201)
    await add(realm, "allow", "auth-cookie", "ALTERNATIVE")
    await add_flow(realm, "allow", "allow forms", "ALTERNATIVE")
    await add(realm, "allow forms", "auth-username-form", "REQUIRED")
    await add_flow(realm, "allow forms", "allow sub", "CONDITIONAL")
    await add(realm, "allow sub", "conditional-user-role", "REQUIRED", {"condUserRole": "offline_access"})
    await add(realm, "allow sub", "allow-access-authenticator", "REQUIRED")
    await add(realm, "allow forms", "auth-password-form", "REQUIRED")
    await bind(realm, "browserFlow", "allow")
    after_username = await submit(realm.http, await start(realm.http, "test", "app"), username="user1")
    assert after_username.status_code == 200 and 'name="password"' in after_username.text
    wrong = await submit(realm.http, after_username, password="wrong")
    assert wrong.status_code == 200 and "Invalid" in wrong.text


@pytest.mark.parametrize("shape", ["allow only", "allow or password"])
async def test_a_direct_grant_flow_without_a_required_password_signs_nobody_in(realm: Env, shape: str) -> None:
    """A direct grant flow where Allow Access replaces or sits beside the password: Doorkeep refuses to bind what it
    cannot run as Keycloak does, and a wrong password never gets tokens."""
    body = {"alias": "dg", "providerId": "basic-flow", "topLevel": True, "builtIn": False}
    await admin(realm, "POST", f"{AUTH}/flows", body, 201)
    await add(realm, "dg", "direct-grant-validate-username", "REQUIRED")
    await add(realm, "dg", "allow-access-authenticator", "REQUIRED" if shape == "allow only" else "ALTERNATIVE")
    if shape != "allow only":
        await add(realm, "dg", "direct-grant-validate-password", "ALTERNATIVE")
    bound = await realm.http.put(
        "/admin/realms/test", json={"directGrantFlow": "dg"}, headers=await realm.admin_headers()
    )
    assert bound.status_code in (204, 400), bound.text
    wrong = await password_grant(realm.http, "test", "app", "user1", "wrong")
    assert wrong.status_code == 400 and "access_token" not in wrong.text
