"""VERIFY_EMAIL at login as Keycloak 26 (VerifyEmail, VerifyEmailActionTokenHandler): the page, the e-mail
through a real SMTP server, no second mail on a refresh, another on "Click here", and the link that verifies
the address and lets the login go on to the client."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest

from browser_flow import code_from, form_action, form_fields, start, submit
from login_test_realm import clear_cooldown
from mail_sink import Sink
from register_port import always_set_password_on_register_form
from support import password_grant, seed_client, seed_realm, seed_user, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    await seed_realm(env.db, env.clock, events_enabled=True, verify_email=True, registration_allowed=True)
    await update_realm(env.db, "test", smtp_server=mail.settings())
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1", email_verified=False)
    return env


async def stored(env: Env, username: str) -> Any:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return await tx.users.get_by_username(test.id, username)


async def events(env: Env, *types: str) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return list(await tx.events.find(test.id, types=list(types)))


def resend_link(page: httpx.Response) -> str:
    found = re.search(r'id="kc-resend" href="([^"]+)"', page.text)
    assert found, page.text
    return html.unescape(found[1])


async def test_an_unverified_user_verifies_by_the_mailed_link_and_the_login_goes_on(realm: Env, mail: Sink) -> None:
    page = await submit(realm.http, await start(realm.http, "test", "app"), username="user1", password="password")
    assert page.status_code == 200, page.text
    assert "An email with instructions to verify your email address has been sent to your address" in page.text
    assert "user1@example.com" in page.text
    [sent] = mail.received
    assert sent.subject == "Verify email" and "This link will expire within 5 minutes." in sent.part("plain")
    assert (await stored(realm, "user1")).required_actions == ("VERIFY_EMAIL",)

    again = await realm.http.get(resend_link(page).split("?")[0])  # a refresh of the page: no second mail
    assert again.status_code == 200 and len(mail.received) == 1
    await clear_cooldown(realm, (await stored(realm, "user1")).id)  # no 30 s cooldown to wait for
    resent = await realm.http.get(resend_link(again))  # "Click here" on the page shown: the mail again
    assert resent.status_code == 200 and len(mail.received) == 2

    done = await realm.http.get(mail.received[-1].link())
    assert "code" in code_from(done)
    user = await stored(realm, "user1")
    assert user.email_verified and user.required_actions == ()
    [verified] = await events(realm, "VERIFY_EMAIL")
    assert verified.details["email"] == "user1@example.com" and verified.details["action"] == "verify-email"
    assert len(await events(realm, "SEND_VERIFY_EMAIL")) == 2
    assert len(await events(realm, "LOGIN")) == 1


async def test_a_self_registered_user_verifies_the_address_instead_of_being_stopped(realm: Env, mail: Sink) -> None:
    """The password typed on the form (``always_set_password_on_register_form``; without it Keycloak 26.7 sets
    the password after the e-mail, tests/wire/test_kc_new_register_with_email_verification.py)."""
    await always_set_password_on_register_form(realm)
    login = await start(realm.http, "test", "app")
    form = await realm.http.get("http://localhost/realms/test/login-actions/registration?client_id=app")
    assert 'id="kc-register-form"' in form.text, login.text
    data = {
        **form_fields(form.text),
        "firstName": "New",
        "lastName": "User",
        "email": "new@example.com",
        "username": "newuser",
        "password": "Str0ng-pass!",
        "password-confirm": "Str0ng-pass!",
    }
    page = await realm.http.post(form_action(form.text), data=data)
    assert page.status_code == 200 and "Account is not fully set up" not in page.text
    assert "new@example.com" in page.text and [m.recipients for m in mail.received] == [["new@example.com"]]
    assert "code" in code_from(await realm.http.get(mail.received[0].link()))
    assert (await stored(realm, "newuser")).email_verified


async def test_the_link_in_another_browser_is_confirmed_first(realm: Env, mail: Sink) -> None:
    await submit(realm.http, await start(realm.http, "test", "app"), username="user1", password="password")
    realm.http.cookies.clear()
    confirm = await realm.http.get(mail.received[0].link())
    assert "Confirm validity of e-mail address user1@example.com." in confirm.text
    assert not (await stored(realm, "user1")).email_verified


async def test_a_verified_users_verify_email_stops_the_direct_grant_and_passes_in_the_browser(realm: Env) -> None:
    """A verified user still carrying VERIFY_EMAIL: VerifyEmail.evaluateTriggers never removes it, so the direct
    grant refuses the user ("Account is not fully set up", as for any required action); the browser login runs
    its challenge, which succeeds at once: CUSTOM_REQUIRED_ACTION naming it, the action gone, the code issued."""
    await update_user(realm.db, "test", "user1", email_verified=True, required_actions=("VERIFY_EMAIL",))
    refused = await password_grant(realm.http, "test", "app")
    assert refused.status_code == 400 and refused.json()["error_description"] == "Account is not fully set up"
    page = await start(realm.http, "test", "app")
    assert "code" in code_from(await submit(realm.http, page, username="user1", password="password"))
    [passed] = await events(realm, "CUSTOM_REQUIRED_ACTION")
    assert passed.details["custom_required_action"] == "VERIFY_EMAIL" and passed.details["code_id"], passed.details
    assert (await stored(realm, "user1")).required_actions == ()
    assert "code" in code_from(await start(realm.http, "test", "app"))  # the SSO login: nothing left to pass
    assert len(await events(realm, "CUSTOM_REQUIRED_ACTION")) == 1
