"""The links a form mails before it answers (UPDATE_EMAIL's confirmation, the first broker login's "verify existing
account by e-mail") go out once the form's transaction has committed: on SQLite that transaction holds the database's
one write lock, and a slow mail server would hold every login and refresh until the SMTP timeouts. Each test holds the
SMTP sink's answer; meanwhile a write on the same database (an admin making a user) completes. Then the held form's
answer is Keycloak's: the page saying the mail went, or, when it cannot go, Keycloak's error page with what the form
wrote taken back."""

from __future__ import annotations

import asyncio
import threading

import anyio
import httpx
import pytest

import update_email_port as ue
from broker_email_support import ALICE, SENT, add_to_existing, ready
from broker_support import broker_login, browser, served
from browser_flow import form_action, form_fields
from flow_builder import admin
from login_test_realm import login, open_login_form
from mail_sink import DOWN_PORT, Sink
from support import update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
HANG = 30  # seconds: only so that a broken test fails instead of hanging; nothing here measures time
NEW = "new@localhost"


async def _a_user_made_while_held(env: Env, mail: Sink, sent: asyncio.Task[httpx.Response], name: str) -> None:
    """Once the sink holds a message, a write on the same database completes, and the form is not answered yet."""
    with anyio.fail_after(HANG):
        await asyncio.to_thread(mail.holding.wait, HANG)
        user = {"username": name, "firstName": "O", "lastName": "Ther", "email": f"{name}@example.org"}
        made = await admin(env, "POST", "/admin/realms/test/users", user)
    assert made.status_code == 201, made.text
    assert not sent.done(), "the form was answered before its mail was sent"


async def _released(release: threading.Event, sent: asyncio.Task[httpx.Response]) -> httpx.Response:
    release.set()
    with anyio.fail_after(HANG):
        return await sent


async def test_the_update_email_confirmation_is_mailed_outside_the_write_lock(env: Env, mail: Sink) -> None:
    await ue.import_realm(env, mail, verify=True, actions=[ue.UPDATE_EMAIL])
    page = await login(env, await open_login_form(env), ue.TEST_USER)
    assert ue.is_update_email_page(page), page.text[:1500]
    release = mail.hold()
    sent = asyncio.create_task(ue.change_email(env, page, NEW))
    try:
        await _a_user_made_while_held(env, mail, sent, "other")
    finally:
        answer = await _released(release, sent)
    assert ue.is_confirmation_sent_page(answer, NEW), answer.text[:1500]
    assert [m.recipients for m in mail.received] == [[NEW]]
    assert (await ue.find_user(env, ue.TEST_USER))["attributes"][ue.PENDING] == [NEW]


async def test_the_broker_verification_link_is_mailed_outside_the_write_lock(env: Env, mail: Sink) -> None:
    async with served(env) as broker:
        await ready(broker, mail)
        async with browser(broker) as http:
            release = mail.hold()
            sent = asyncio.create_task(add_to_existing(http))
            try:
                await _a_user_made_while_held(env, mail, sent, "other")
            finally:
                answer = await _released(release, sent)
            assert answer.status_code == 200 and SENT.format("alice") in answer.text, answer.text
    assert [m.recipients for m in mail.received] == [[ALICE]]


async def test_a_broker_link_that_could_not_be_mailed_leaves_the_login_where_it_was(env: Env, mail: Sink) -> None:
    """The 500 page, and the tab back at "Account already exists" (Keycloak moves it to the e-mail page only once the
    mail is sent): the same form, sent again once the mail server is back, mails the link."""
    async with served(env) as broker:
        await ready(broker, mail, port=DOWN_PORT)
        async with browser(broker) as http:
            confirm = await broker_login(http)
            data = {**form_fields(confirm.text), "submitAction": "linkAccount"}
            failed = await http.post(form_action(confirm.text), data=data)
            assert failed.status_code == 500 and "Failed to send email, please try again later." in failed.text
            await update_realm(env.db, "test", smtp_server=mail.settings())
            again = await http.post(form_action(confirm.text), data=data)
            assert again.status_code == 200 and SENT.format("alice") in again.text, again.text
    assert [m.recipients for m in mail.received] == [[ALICE]]
