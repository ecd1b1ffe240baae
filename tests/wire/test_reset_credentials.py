""" "Forgot Password?" as Keycloak 26 (ResetPasswordTest): the login page's link, the form, the same answer for
every username, the e-mail through a real SMTP server, and its link: the update-password page, then the login
goes on to the client, once."""

from __future__ import annotations

import dataclasses
import html
import re
from typing import Any

import httpx
import pytest

from browser_flow import code_from, form_action, form_fields, start
from doorkeep.users import passwords
from mail_sink import Sink
from support import seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
SENT = "You should receive an email shortly with further instructions."


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    await seed_realm(env.db, env.clock, events_enabled=True, reset_password_allowed=True)
    await update_realm(env.db, "test", smtp_server=mail.settings())
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1")
    await seed_user(env.db, env.clock, "test", "nomail", email=None)
    return env


async def events(env: Env, *types: str) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return list(await tx.events.find(test.id, types=list(types)))


def forgot_link(page: httpx.Response) -> str | None:
    found = re.search(r'id="kc-forgot-password" href="([^"]+)"', page.text)
    return html.unescape(found[1]) if found else None


async def ask(env: Env, username: str) -> httpx.Response:
    login = await start(env.http, "test", "app")
    link = forgot_link(login)
    prefix = "http://localhost/realms/test/login-actions/reset-credentials?client_id=app&tab_id="  # the login's tab
    assert link is not None and link.startswith(prefix), login.text
    page = await env.http.get(link)
    assert page.status_code == 200 and 'id="kc-reset-password-form"' in page.text, page.text
    return await env.http.post(form_action(page.text), data={**form_fields(page.text), "username": username})


def visible(response: httpx.Response) -> tuple[int, str]:
    """The answer without its one-time form code (a hidden field, and in the login form's action)."""
    text = re.sub(r'name="session_code" value="[^"]*"', "", response.text)
    return response.status_code, re.sub(r"(session_code|tab_id)=[^&\"]*", "", text)


async def test_the_link_is_on_the_login_page_only_while_resetting_is_allowed(realm: Env) -> None:
    await update_realm(realm.db, "test", reset_password_allowed=False)
    assert forgot_link(await start(realm.http, "test", "app")) is None
    realm.http.cookies.clear()
    refused = await realm.http.get("/realms/test/login-actions/reset-credentials?client_id=app")
    assert refused.status_code == 400 and "Reset Credential not allowed" in refused.text
    [event] = await events(realm, "RESET_PASSWORD_ERROR")
    assert event.error == "not_allowed"


async def test_known_and_unknown_usernames_get_the_same_answer(realm: Env, mail: Sink) -> None:
    answers = {}
    for name in ("user1", "nobody", "nomail"):
        realm.http.cookies.clear()
        answers[name] = visible(await ask(realm, name))
    assert answers["user1"] == answers["nobody"] == answers["nomail"]
    assert answers["user1"][0] == 200 and SENT in answers["user1"][1] and 'id="kc-form-login"' in answers["user1"][1]
    assert [m.recipients for m in mail.received] == [["user1@example.com"]]
    errors = {e.error: e for e in await events(realm, "RESET_PASSWORD_ERROR")}
    assert errors["user_not_found"].details["username"] == "nobody" and errors["user_not_found"].user_id is None
    assert errors["invalid_email"].details["username"] == "nomail"
    [sent] = await events(realm, "SEND_RESET_PASSWORD")
    assert sent.details["email"] == "user1@example.com" and sent.details["username"] == "user1"


async def test_an_empty_username_is_asked_again(realm: Env, mail: Sink) -> None:
    response = await ask(realm, "")
    assert response.status_code == 200 and "Please specify username." in response.text
    assert 'id="kc-reset-password-form"' in response.text and mail.received == []
    [event] = await events(realm, "RESET_PASSWORD_ERROR")
    assert event.error == "username_missing"


async def test_the_link_updates_the_password_and_logs_in_once(realm: Env, mail: Sink) -> None:
    await ask(realm, "user1@example.com")
    [sent] = mail.received
    assert sent.subject == "Reset password" and "This link and code will expire within 5 minutes." in sent.part("plain")
    link = sent.link()
    form = await realm.http.get(link)
    assert form.status_code == 200 and 'name="password-new"' in form.text
    assert "You need to change your password." in form.text
    done = await realm.http.post(
        form_action(form.text),
        data={**form_fields(form.text), "password-new": "n3w-Secret", "password-confirm": "n3w-Secret"},
    )
    assert "code" in code_from(done)
    types = [e.type for e in await events(realm, "UPDATE_PASSWORD", "LOGIN")]
    assert sorted(types) == ["LOGIN", "UPDATE_PASSWORD"]
    async with realm.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, "user1")
        assert user is not None
        cred = await tx.users.password(user.id)
        assert cred is not None and passwords.verify("n3w-Secret", cred.secret_data, cred.credential_data)
    again = await realm.http.get(link)
    assert again.status_code == 400 and "Action expired. Please continue with login now." in again.text
    [spent] = await events(realm, "RESET_PASSWORD_ERROR")
    assert spent.error == "expired_code" and spent.details["action"] == "reset-credentials"


async def test_the_link_in_another_browser_ends_on_account_updated(realm: Env, mail: Sink) -> None:
    await ask(realm, "user1")
    realm.http.cookies.clear()
    form = await realm.http.get(mail.received[0].link())
    assert 'name="password-new"' in form.text
    done = await realm.http.post(
        form_action(form.text),
        data={**form_fields(form.text), "password-new": "n3w-Secret", "password-confirm": "n3w-Secret"},
    )
    assert done.status_code == 200 and "Your account has been updated." in done.text
    assert await events(realm, "LOGIN") == []


async def test_an_expired_link_in_the_same_browser_starts_again(realm: Env, mail: Sink) -> None:
    await ask(realm, "user1")
    realm.clock.advance(301)
    response = await realm.http.get(mail.received[0].link())
    assert response.status_code == 200 and "Action expired. Please start again." in response.text
    assert 'id="kc-form-login"' in response.text
    [event] = await events(realm, "EXECUTE_ACTION_TOKEN_ERROR")
    assert event.error == "expired_code" and event.details["action"] == "reset-credentials"
    assert event.details["token_id"]
    realm.http.cookies.clear()
    elsewhere = await realm.http.get(mail.received[0].link())
    assert elsewhere.status_code == 400 and "Action expired." in elsewhere.text


async def test_a_disabled_user_gets_no_mail_and_its_link_is_refused(realm: Env, mail: Sink) -> None:
    await ask(realm, "user1")
    async with realm.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, "user1")
        assert user is not None
        await tx.users.update(dataclasses.replace(user, enabled=False))
    response = await realm.http.get(mail.received[0].link())
    assert response.status_code == 400 and "Account is disabled, contact your administrator." in response.text
    realm.http.cookies.clear()
    await ask(realm, "user1")
    assert len(mail.received) == 1
    assert [e.error for e in await events(realm, "RESET_PASSWORD_ERROR")] == ["user_disabled", "user_disabled"]
