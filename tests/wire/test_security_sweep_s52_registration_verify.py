"""Security sweep s52: registration without a password where the realm verifies e-mails (Keycloak 26.7's
RegistrationPassword; the password after the e-mail) attacked as the security review attacks older code: an
attacker registering someone else's address and trying to set the password before the address is verified (the
UPDATE_PASSWORD step posted out of turn, a password smuggled into the form that has none), the verification link
opened in a browser signed in as someone else, and an address some user already holds."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest

from browser_flow import form_action, form_fields, login
from group_port import fresh_realm
from keycloak_port import ADMIN, admin_headers, get, user_id
from mail_sink import Sink
from register_port import open_register, rank_as_keycloak_26, realm_rep
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio

VICTIM = "victim@example.org"


def _rep(mail: Sink) -> dict[str, Any]:
    """register_port's realm, verifying e-mails, its app also open to direct grants (to try the password)."""
    rep = realm_rep(smtpServer=mail.settings(), verifyEmail=True)
    rep["clients"][0]["directAccessGrantsEnabled"] = True
    return rep


@pytest.fixture
async def kc(env: Env, mail: Sink) -> Env:
    await fresh_realm(env, _rep(mail))
    env.http.cookies.clear()
    return env


async def _register(env: Env, http: httpx.AsyncClient, page: httpx.Response, **extra: str) -> httpx.Response:
    typed = {"firstName": "Eve", "lastName": "Attacker", "email": VICTIM, "username": "eve"} | extra
    return await http.post(form_action(page.text), data={**form_fields(page.text), **typed})


async def _credentials(env: Env, username: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await get(env, f"/users/{await user_id(env, username)}/credentials")
    return found


def _with_execution(action: str, execution: str) -> str:
    parts = urlsplit(action)
    query = [(k, execution if k == "execution" else v) for k, v in parse_qsl(parts.query)]
    if not any(k == "execution" for k, _ in query):
        query.append(("execution", execution))
    return urlunsplit(parts._replace(query=urlencode(query)))


async def test_the_password_step_posted_before_the_address_is_verified_sets_nothing(kc: Env) -> None:
    """On the verify-email page, the UPDATE_PASSWORD form posted out of turn (SessionCodeChecks.verifyRequiredAction:
    only the current required action is accepted) stores no password: the address's owner has not answered."""
    verify = await _register(kc, kc.http, await open_register(kc))
    assert verify.status_code == 200 and "verify your email address" in verify.text, verify.text[:600]
    found = re.search(r'id="kc-resend" href="([^"]+)"', verify.text)
    assert found, verify.text[:600]
    action = _with_execution(html.unescape(found[1]), "UPDATE_PASSWORD")
    shown = await kc.http.get(action)  # the password page asked for out of turn
    assert 'name="password-new"' not in shown.text, shown.text[:600]
    fields = {"password-new": "Hijack-123", "password-confirm": "Hijack-123"}
    posted = await kc.http.post(action, data=fields)
    assert posted.status_code < 500 and 'name="password-new"' not in posted.text, posted.text[:600]
    assert await _credentials(kc, "eve") == []
    signed_in = await kc.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "test-app", "client_secret": "password"}
        | {"username": "eve", "password": "Hijack-123"},
    )
    assert signed_in.status_code == 400, signed_in.text  # no password at all: invalid credentials


async def test_a_password_smuggled_into_the_form_without_one_is_not_stored(kc: Env) -> None:
    """The form has no password field; one posted anyway is neither checked nor stored (RegistrationPassword does
    not run its validate/success for it)."""
    page = await open_register(kc)
    assert 'name="password"' not in page.text
    verify = await _register(kc, kc.http, page, password="Hijack-123", **{"password-confirm": "Hijack-123"})
    assert verify.status_code == 200, verify.text[:600]
    assert await _credentials(kc, "eve") == []


async def test_an_address_some_user_holds_cannot_be_registered_again(kc: Env, mail: Sink) -> None:
    """An existing user's address: the form again with "Email already exists.", no user made, nothing mailed."""
    answer = await _register(kc, kc.http, await open_register(kc), email="TEST-USER@localhost")
    assert answer.status_code == 200 and "Email already exists." in answer.text, answer.text[:600]
    assert await get(kc, "/users", username="eve", exact="true") == []
    await kc.drain()
    assert mail.received == []


async def test_the_verification_link_in_a_browser_signed_in_as_someone_else_is_refused(kc: Env, mail: Sink) -> None:
    """LoginActionsServiceChecks.checkIsUserValid: the link of the attacker's registration opened in the victim's
    browser (signed in as another user) verifies nothing and leaves the victim's session alone."""
    verify = await _register(kc, kc.http, await open_register(kc))
    assert verify.status_code == 200
    await kc.drain()
    [message] = mail.received
    victim_browser = client_at(kc, "10.3.0.1")
    try:
        await login(victim_browser, "test", "test-app", username="test-user@localhost", password="password")
        opened = await victim_browser.get(message.link())
        assert opened.status_code == 400 and "already authenticated as different user" in opened.text
    finally:
        await victim_browser.aclose()
    [eve] = await get(kc, "/users", username="eve", exact="true")
    assert eve["emailVerified"] is False
    sessions = await kc.http.get(
        f"{ADMIN}/users/{await user_id(kc, 'test-user@localhost')}/sessions", headers=await admin_headers(kc)
    )
    assert len(sessions.json()) == 1


async def test_with_keycloak_26_ranks_the_password_comes_first_but_signs_nobody_in(env: Env, mail: Sink) -> None:
    """A realm keeping the Keycloak 26 ranks (UPDATE_PASSWORD before VERIFY_EMAIL) asks the
    registrant for the password first, as Keycloak 26.7 does with those ranks: an attacker can set one on an
    account holding the victim's address, but it signs nobody in until the address is verified (direct grant:
    'Account is not fully set up'; the browser stops on the verify-email page)."""
    await fresh_realm(env, _rep(mail))
    await rank_as_keycloak_26(env)  # Keycloak 26.7's ranks are now the default (s52-a)
    env.http.cookies.clear()
    first = await _register(env, env.http, await open_register(env))
    assert 'name="password-new"' in first.text, first.text[:600]
    fields = {**form_fields(first.text), "password-new": "Chosen-123", "password-confirm": "Chosen-123"}
    verify = await env.http.post(form_action(first.text), data=fields)
    assert "verify your email address" in verify.text, verify.text[:600]
    grant = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "test-app", "client_secret": "password"}
        | {"username": "eve", "password": "Chosen-123"},
    )
    assert grant.status_code == 400 and grant.json()["error_description"] == "Account is not fully set up"


async def test_registering_while_signed_in_is_refused_and_merges_nothing(env: Env, mail: Sink) -> None:
    """AuthorizationEndpoint.buildRegister expires the identity cookie, but createAuthenticationSession ran first:
    the browser's AUTH_SESSION_ID names the signed-in session, so the registration's tab lives in a root under that
    session's id, and AuthenticationProcessor.attachSession refuses the new user there (400, "You are already
    authenticated as different user …", as Keycloak answers a registration from a signed-in browser). The first
    user's session is neither reused nor merged: its token still names the first user, and the registrant has no
    session."""
    await fresh_realm(env, _rep(mail) | {"verifyEmail": False})
    env.http.cookies.clear()
    first = await login(env.http, "test", "test-app", username="test-user@localhost", password="password")
    first_token = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "authorization_code", "code": first["code"], "client_id": "test-app"}
        | {"client_secret": "password", "redirect_uri": "http://127.0.0.1:9999/callback"},
    )
    assert first_token.status_code == 200, first_token.text
    params = {"client_id": "test-app", "redirect_uri": "http://127.0.0.1:9999/callback", "response_type": "code"}
    page = await env.http.get("/realms/test/protocol/openid-connect/registrations", params=params | {"scope": "openid"})
    expired = [c for c in page.headers.get_list("set-cookie") if c.startswith("KEYCLOAK_IDENTITY=")]
    assert expired and "Max-Age=0" in expired[0], page.headers.get_list("set-cookie")
    typed = {"password": "Passw0rd!x", "password-confirm": "Passw0rd!x"}
    done = await _register(env, env.http, page, **typed)
    assert done.status_code == 400, done.text[:600]
    assert "already authenticated as different user &#39;test-user@localhost&#39;" in done.text, done.text[:600]
    assert "location" not in done.headers
    for found in await get(env, "/users", username="eve", exact="true"):
        sessions = await env.http.get(f"{ADMIN}/users/{found['id']}/sessions", headers=await admin_headers(env))
        assert sessions.json() == []
    first_sessions = await env.http.get(
        f"{ADMIN}/users/{await user_id(env, 'test-user@localhost')}/sessions", headers=await admin_headers(env)
    )
    assert [s["username"] for s in first_sessions.json()] == ["test-user@localhost"]
    userinfo = await env.http.get(
        "/realms/test/protocol/openid-connect/userinfo",
        headers={"Authorization": f"Bearer {first_token.json()['access_token']}"},
    )
    assert userinfo.status_code == 200 and userinfo.json()["preferred_username"] == "test-user@localhost"
