"""Keycloak's VerifyEmailTest of the account tests (testsuite/integration-arquillian/tests/base/.../account/
VerifyEmailTest.java) over HTTP: the Account Console's sign-in with the realm's verifyEmail on, the mail, the
link back to the console, and a later sign-in without the page. The page objects are in
``tests/account_forms_port.py``; the realm is ``test`` (no display name, so its mails say "Test", Keycloak's
capitalised realm name) with ``user1`` not verified.
"""

from __future__ import annotations

import pytest

from account_forms_port import is_console, is_login_form, log_in, open_console, sign_out
from console_support import HTML
from mail_sink import Sink
from support import update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

VERIFY_EMAIL = "You need to verify your email address to activate your account."  # Messages.VERIFY_EMAIL


async def test_verify_email(realm: Env, mail: Sink) -> None:
    """VerifyEmailTest.verifyEmail: the sign-in stops at the verify-email page, the mail says the account was
    created, its link lands on the console, and after a sign-out the next sign-in goes straight to it."""
    await update_realm(realm.db, "test", verify_email=True, smtp_server=mail.settings())
    page = await log_in(realm.http, await open_console(realm.http))
    assert page.status_code == 200 and VERIFY_EMAIL in page.text, page.text[:800]

    (sent,) = mail.received
    assert (sent.envelope_from, sent.recipients) == ("auth@example.com", ["user1@example.com"])
    assert "Someone has created a Test account with this email address." in sent.part("plain")
    console = await realm.http.get(sent.link(), headers=HTML)
    while console.status_code in (302, 303):
        console = await realm.http.get(console.headers["location"], headers=HTML)
    assert is_console(console), (console.status_code, str(console.url), console.text[:500])

    login = await sign_out(realm.http, console)
    assert is_login_form(login), (login.status_code, str(login.url))
    assert is_console(await log_in(realm.http, login))
    assert len(mail.received) == 1  # verified: no second mail, no verify-email page
