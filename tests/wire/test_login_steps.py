"""The login flow accepts only the step that is pending, and its session_code changes after every step (M1)."""

from __future__ import annotations

import base64
import re

import httpx
import pytest

from browser_flow import code_from, form_action, form_fields, login, start, submit
from support import password_grant, seed_client, seed_realm, seed_user, update_client, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
ACTIONS = "/realms/test/login-actions"
NEW = {"password-new": "Hijacked1!", "password-confirm": "Hijacked1!"}


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_client(env.db, "test", "cli")  # checks the password with a direct grant
    await seed_user(env.db, env.clock, "test", "user1")
    await seed_user(env.db, env.clock, "test", "user2")
    return env


def code_of(page: httpx.Response) -> str:
    return form_fields(page.text)["session_code"]


async def post(env: Env, step: str, code: str, execution: str | None = None, **fields: str) -> httpx.Response:
    """``step``'s form posted with ``code`` (and, a required action's form, the ``execution`` it names)."""
    query = f"?execution={execution}" if execution is not None else ""
    return await env.http.post(f"{ACTIONS}/{step}{query}", data={"session_code": code, **fields})


def page_expired(response: httpx.Response) -> bool:
    """SessionCodeChecks.showPageExpired: a spent code for a step the tab has left logs nobody in."""
    return response.status_code == 200 and "Page has expired" in response.text


async def password_is_unchanged(env: Env, username: str = "user1") -> None:
    assert (await password_grant(env.http, "test", "cli", username)).status_code == 200
    assert (await password_grant(env.http, "test", "cli", username, "Hijacked1!")).status_code == 400


async def consent_page_over_sso(env: Env) -> httpx.Response:
    await login(env.http, "test", "app")
    await update_client(env.db, "test", "app", consent_required=True)
    page = await start(env.http, "test", "app")
    assert page.status_code == 200 and "Grant Access" in page.text
    return page


async def test_required_action_on_the_consent_page_reached_by_sso_cannot_change_the_password(realm: Env) -> None:
    page = await consent_page_over_sso(realm)
    response = await post(realm, "required-action", code_of(page), **NEW)
    assert response.status_code == 400
    assert "Login timeout. Please sign in again." in response.text
    await password_is_unchanged(realm)


async def test_required_action_while_credentials_are_pending_is_refused(realm: Env) -> None:
    page = await start(realm.http, "test", "app")
    assert (await post(realm, "required-action", code_of(page), **NEW)).status_code == 400
    await password_is_unchanged(realm)


async def test_consent_while_credentials_are_pending_is_refused(realm: Env) -> None:
    await update_client(realm.db, "test", "app", consent_required=True)
    page = await start(realm.http, "test", "app")
    response = await post(realm, "consent", code_of(page), accept="yes")
    assert response.status_code == 400 and "location" not in response.headers


async def test_authenticate_while_consent_is_pending_is_refused(realm: Env) -> None:
    page = await consent_page_over_sso(realm)
    response = await post(realm, "authenticate", code_of(page), username="user2", password="password")
    assert response.status_code == 400 and "location" not in response.headers


async def test_authenticate_or_consent_while_update_password_is_pending_is_refused(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PASSWORD",))
    await update_client(realm.db, "test", "app", consent_required=True)
    page = await start(realm.http, "test", "app")
    update = await submit(realm.http, page, username="user1", password="password")
    assert "Update password" in update.text
    code = code_of(update)
    assert (await post(realm, "authenticate", code, username="user1", password="password")).status_code == 400
    assert (await post(realm, "consent", code, accept="yes")).status_code == 400
    # the pending step itself still goes through, then consent, then the code
    fields = {"password-new": "n3w", "password-confirm": "n3w"}
    consent = await post(realm, "required-action", code, "UPDATE_PASSWORD", **fields)
    assert "Grant Access" in consent.text
    assert "code" in code_from(await submit(realm.http, consent, accept="yes"))


async def test_a_failed_login_burns_the_session_code(realm: Env) -> None:
    page = await start(realm.http, "test", "app")
    again = await submit(realm.http, page, username="user1", password="wrong")
    assert "Invalid username or password." in again.text
    assert code_of(again) != code_of(page)
    replay = await submit(realm.http, page, username="user1", password="password")
    # the login form's own spent code: the tab's login page again ("Action expired"), no authorization code
    assert replay.status_code == 302 and "/login-actions/authenticate?" in replay.headers["location"]
    assert "code" in code_from(await submit(realm.http, again, username="user1", password="password"))


async def test_each_failed_guess_needs_the_newest_code(realm: Env) -> None:
    page = await start(realm.http, "test", "app")
    codes = {code_of(page)}
    for _ in range(3):
        page = await submit(realm.http, page, username="user1", password="wrong")
        codes.add(code_of(page))
    assert len(codes) == 4
    for old in codes - {code_of(page)}:
        assert page_expired(await post(realm, "authenticate", old, username="user1", password="password"))


async def test_the_code_of_a_finished_step_cannot_be_replayed(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PASSWORD",))
    page = await start(realm.http, "test", "app")
    update = await submit(realm.http, page, username="user1", password="password")
    assert code_of(update) != code_of(page)
    for step in ("authenticate", "required-action", "consent"):
        assert page_expired(await post(realm, step, code_of(page), username="user1", password="password", **NEW))
    mismatch = await submit(realm.http, update, **{"password-new": "a", "password-confirm": "b"})
    assert code_of(mismatch) != code_of(update)
    assert page_expired(await post(realm, "required-action", code_of(update), **NEW))
    done = await submit(realm.http, mismatch, **{"password-new": "n3w", "password-confirm": "n3w"})
    assert "code" in code_from(done)
    assert (await password_grant(realm.http, "test", "cli", "user1", "n3w")).status_code == 200
    assert (await password_grant(realm.http, "test", "cli", "user1", "Hijacked1!")).status_code == 400


async def test_consent_code_cannot_be_replayed_after_consent(realm: Env) -> None:
    await update_client(realm.db, "test", "app", consent_required=True)
    page = await start(realm.http, "test", "app")
    consent = await submit(realm.http, page, username="user1", password="password")
    assert "code" in code_from(await submit(realm.http, consent, accept="yes"))
    # the tab's login is over and the SSO session says so: the client gets temporarily_unavailable at the redirect
    # URI of the form's client_data (SessionCodeChecks, LoginProtocol.Error.ALREADY_LOGGED_IN), no code
    replay = code_from(await submit(realm.http, consent, accept="yes"))
    assert "code" not in replay and replay["state"] == "st4te"
    assert (replay["error"], replay["error_description"]) == ("temporarily_unavailable", "authentication_expired")


async def test_a_finished_tab_with_a_forged_client_data_gets_no_redirect(realm: Env) -> None:
    """The form's ``client_data`` is only a hint: malformed, "Invalid Request"; naming a redirect URI the client
    does not have, "Invalid parameter: redirect_uri"."""
    page = await start(realm.http, "test", "app")
    action = form_action(page.text)
    assert "code" in code_from(await submit(realm.http, page, username="user1", password="password"))
    malformed = re.sub(r"client_data=[^&]*", "client_data=%%%", action)
    refused = await realm.http.post(malformed, data={**form_fields(page.text), "username": "user1", "password": "x"})
    assert refused.status_code == 400 and "Invalid Request" in refused.text
    evil = base64.urlsafe_b64encode(b'{"ru":"https://evil.example/cb","rt":"code"}').decode().rstrip("=")
    elsewhere = re.sub(r"client_data=[^&]*", f"client_data={evil}", action)
    refused = await realm.http.post(elsewhere, data={**form_fields(page.text), "username": "user1", "password": "x"})
    assert refused.status_code == 400 and "Invalid parameter: redirect_uri" in refused.text


async def test_a_denied_consent_ends_the_login(realm: Env) -> None:
    await update_client(realm.db, "test", "app", consent_required=True)
    page = await start(realm.http, "test", "app")
    consent = await submit(realm.http, page, username="user1", password="password")
    assert code_from(await submit(realm.http, consent, cancel="no"))["error"] == "access_denied"
    assert (await submit(realm.http, consent, accept="yes")).status_code == 400
