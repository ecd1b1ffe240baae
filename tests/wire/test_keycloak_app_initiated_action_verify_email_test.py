"""Keycloak's AppInitiatedActionVerifyEmailTest (testsuite/integration-arquillian/tests/base/.../actions/
AppInitiatedActionVerifyEmailTest.java) over HTTP: the application asks for ``kc_action=VERIFY_EMAIL``
(``doAIA``), which VerifyEmail supports (``InitiatedActionSupport.SUPPORTED``). The Java ``beforeTest`` creates
test-user@localhost anew, its address not verified, in a realm that does not require verification. One app for
the module (``group_port.shared_env``), the realm imported anew for each test.

Both Java methods are ported. Beside them, what VerifyEmail.process does for an application-initiated action
and login-verify-email.ftl shows for it: the challenge mails nothing (the page's form sends the e-mail, its
``isAppInitiatedAction`` branch), a verified user passes at once (``success``) and a user with no address is
passed over (``context.ignore()``: ``error``).
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator

import httpx
import pytest

import group_port
from browser_flow import submit
from group_port import fresh_realm
from keycloak_port import get, user_id
from login_test_realm import APP, APP_BASE, PASSWORD, SECRET, auth_response, login, mark_start, open_login_form
from mail_sink import Sink
from waiting import polling
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

USER = "test-user@localhost"
TO_BE_SENT = "To verify your email address, we are about to send you an email with instructions to the address"
SENT = "An email with instructions to verify your email address has been sent to your address"


async def import_realm(env: Env, mail: Sink, **user: object) -> None:
    rep = {
        "username": USER,
        "email": USER,
        "firstName": "Tom",
        "lastName": "Brady",
        "enabled": True,
        "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
        **user,
    }
    realm = {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "smtpServer": mail.settings(),
        "clients": [
            {"clientId": APP, "secret": SECRET, "baseUrl": APP_BASE, "redirectUris": ["http://127.0.0.1:9999/*"]}
        ],
        "users": [rep],
    }
    env.http.cookies.clear()
    await fresh_realm(env, realm)
    mark_start(env)


@pytest.fixture
async def kc(env: Env, mail: Sink) -> AsyncIterator[Env]:
    await import_realm(env, mail)
    yield env
    env.http.cookies.clear()


async def do_aia(kc: Env) -> httpx.Response:
    """``doAIA()``: the authorization request with ``kc_action=VERIFY_EMAIL``."""
    return await open_login_form(kc, kc_action="VERIFY_EMAIL")


def assert_kc_action_status(response: httpx.Response, status: str, processed: str | None = "VERIFY_EMAIL") -> None:
    """``assertKcActionStatus``; ``kc_action`` names the last action whose form was posted (a challenge that
    ends the action at once posts none)."""
    params = auth_response(response)
    assert (params.get("kc_action"), params.get("kc_action_status")) == (processed, status), params
    assert "error" not in params, params


def instruction(page: httpx.Response) -> str:
    found = re.search(r'<div id="kc-info-message"><p class="instruction">([^<]*)</p>', page.text)
    assert found, page.text[:1500]
    return html.unescape(found[1])


def is_verify_email_page(page: httpx.Response) -> bool:
    """``verifyEmailPage.assertCurrent()``: its title, and (an application-initiated action) its form."""
    return page.status_code == 200 and "Email verification" in page.text and 'id="kc-verify-email-form"' in page.text


async def email_verified(kc: Env) -> bool:
    found = await get(kc, f"/users/{await user_id(kc, USER)}")
    return bool(found["emailVerified"])


async def test_send_verify_email(kc: Env, mail: Sink) -> None:
    """The page says the e-mail is about to be sent and offers to send it or cancel; nothing is mailed yet."""
    page = await login(kc, await do_aia(kc), USER)
    assert is_verify_email_page(page), page.text[:1500]
    assert instruction(page) == f"{TO_BE_SENT} {USER}."
    assert ">Send verification email<" in page.text and 'name="cancel-aia"' in page.text
    assert 'id="kc-resend"' not in page.text  # the "Click here" link is for a login that mailed already
    assert mail.received == []


async def test_cancel_update_profile(kc: Env, mail: Sink) -> None:
    """The Java method's name is a copy's; it cancels the verification: ``kc_action_status=cancelled``."""
    page = await login(kc, await do_aia(kc), USER)
    assert is_verify_email_page(page), page.text[:1500]
    assert_kc_action_status(await submit(kc.http, page, **{"cancel-aia": "true"}), "cancelled")
    assert not await email_verified(kc)
    assert mail.received == []


async def test_the_form_sends_the_email_and_then_offers_to_send_it_again(kc: Env, mail: Sink) -> None:
    """VerifyEmail.processAction: the form's POST mails the link; the page then says it was sent."""
    page = await login(kc, await do_aia(kc), USER)
    sent = await submit(kc.http, page)
    assert is_verify_email_page(sent), sent.text[:1500]
    assert instruction(sent) == f"{SENT} {USER}."
    assert ">Resend verification email<" in sent.text and 'name="cancel-aia"' in sent.text
    async for _ in polling():
        if mail.received:
            break
    assert [m.recipients for m in mail.received] == [[USER]]
    assert_kc_action_status(await submit(kc.http, sent, **{"cancel-aia": "true"}), "cancelled")


async def test_a_verified_user_passes_at_once(kc: Env, mail: Sink) -> None:
    await import_realm(kc, mail, emailVerified=True)
    assert_kc_action_status(await login(kc, await do_aia(kc), USER), "success", None)
    assert mail.received == []


async def test_a_user_without_an_address_is_passed_over(kc: Env, mail: Sink) -> None:
    await import_realm(kc, mail, email=None)
    assert_kc_action_status(await login(kc, await do_aia(kc), USER), "error", None)
    assert mail.received == []
