"""Keycloak's ResetCredentialsTest of the account tests (testsuite/integration-arquillian/tests/base/.../account/
ResetCredentialsTest.java) over HTTP: from the Account Console's login form, "Forgot password?" by e-mail address
or by username, the mail, its link to the new-password page, and the console signed in with the new password.
The page objects are in ``tests/account_forms_port.py``; the realm is ``test`` with resetPasswordAllowed on and
``user1`` (``user1@example.com``).
"""

from __future__ import annotations

import html
import re

import pytest

from account_forms_port import follow, is_console, is_login_form, log_in, open_console, sign_out
from browser_flow import form_action, form_fields
from console_support import HTML
from mail_sink import Sink
from support import update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

EMAIL_SENT = "You should receive an email shortly with further instructions."  # Messages.EMAIL_SENT


async def reset_credentials_and_login_with_new_password(env: Env, mail: Sink, typed: str) -> None:
    """``beforeResetCredentials`` (the console's login form, "Forgot password?"), then ``resetCredentials(typed)``
    and ``resetCredentialsAndLoginWithNewPassword``."""
    await update_realm(env.db, "test", reset_password_allowed=True, smtp_server=mail.settings())
    login = await open_console(env.http)
    assert is_login_form(login)
    forgot = re.search(r'<a id="kc-forgot-password" href="([^"]+)"', login.text)
    assert forgot, login.text[:800]
    page = await env.http.get(html.unescape(forgot[1]))
    assert page.status_code == 200 and 'name="username"' in page.text
    sent_page = await follow(
        env.http, await env.http.post(form_action(page.text), data={**form_fields(page.text), "username": typed})
    )
    assert is_login_form(sent_page) and EMAIL_SENT in sent_page.text, sent_page.text[:800]

    (sent,) = mail.received
    assert sent.recipients == ["user1@example.com"]
    assert "Someone just requested to change your Test account's credentials." in sent.part("plain")
    update = await follow(env.http, await env.http.get(sent.link(), headers=HTML))
    assert update.status_code == 200 and 'name="password-new"' in update.text, update.text[:800]
    new = {"password-new": "newPassword", "password-confirm": "newPassword"}
    console = await follow(
        env.http, await env.http.post(form_action(update.text), data={**form_fields(update.text), **new})
    )
    assert is_console(console), (console.status_code, str(console.url), console.text[:500])

    login = await sign_out(env.http, console)
    assert is_login_form(login)
    assert is_console(await log_in(env.http, login, "newPassword"))


async def test_reset_credentials_with_email(realm: Env, mail: Sink) -> None:
    """ResetCredentialsTest.resetCredentialsWithEmail."""
    await reset_credentials_and_login_with_new_password(realm, mail, "user1@example.com")


async def test_reset_credentials_with_username(realm: Env, mail: Sink) -> None:
    """ResetCredentialsTest.resetCredentialsWithUsername."""
    await reset_credentials_and_login_with_new_password(realm, mail, "user1")
