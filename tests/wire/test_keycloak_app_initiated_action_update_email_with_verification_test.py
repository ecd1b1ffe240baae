"""Keycloak's AppInitiatedActionUpdateEmailWithVerificationTest with its AbstractAppInitiatedActionUpdateEmailTest
(testsuite/integration-arquillian/tests/base/.../actions/) over HTTP: ``kc_action=UPDATE_EMAIL`` in a realm whose
``verifyEmail`` is on, its users verified: the new address waits for the link mailed to it, which writes it and
answers "Email updated". ``beforeTest``'s users (no required action) are imported with the realm anew for each
test, the action enabled (``update_email_port``); the mail goes to the test's SMTP sink.

All 8 Java methods are ported (the five inherited ones too).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import group_port
import update_email_port as ue
from keycloak_port import poll, put
from login_test_realm import error_page_text
from mail_sink import Sink
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
TEST_USER = ue.TEST_USER


@pytest.fixture
async def kc(env: Env, mail: Sink) -> AsyncIterator[Env]:
    await ue.import_realm(env, mail, verify=True, actions=[])
    await ue.enable_update_email(env)
    yield env
    env.http.cookies.clear()


async def change_email_using_aia(kc: Env, mail: Sink, new: str) -> None:
    """``changeEmailUsingAIA``: SEND_VERIFY_EMAIL for the new address, the old one kept until the link, then
    "The account email has been successfully updated to …"."""
    await poll(kc)
    sent = await ue.change_email(kc, await ue.aia_page(kc), new)
    assert ue.is_confirmation_sent_page(sent, new), sent.text[:1500]
    link = await ue.confirmation_link(mail, new)
    (event,) = await poll(kc)
    assert (event["type"], event["details"]["email"]) == ("SEND_VERIFY_EMAIL", new), event
    assert (await ue.find_user(kc, TEST_USER))["email"] == TEST_USER
    done = await kc.http.get(link)
    assert ue.info(done) == f"The account email has been successfully updated to {new}.", done.text[:1500]


async def link_for_new(kc: Env, mail: Sink) -> str:
    sent = await ue.change_email(kc, await ue.aia_page(kc), "new@localhost")
    assert ue.is_confirmation_sent_page(sent, "new@localhost"), sent.text[:1500]
    return await ue.confirmation_link(mail, "new@localhost")


# --- AbstractAppInitiatedActionUpdateEmailTest ------------------------------------------------------------------
async def test_cancel_update_email(kc: Env) -> None:
    await ue.assert_cancel_update_email(kc)


async def test_update_to_existing_email(kc: Env) -> None:
    await ue.assert_update_to_existing_email(kc)


async def test_update_to_invalid_email(kc: Env) -> None:
    await ue.assert_update_to_invalid_email(kc)


async def test_update_to_blank_email(kc: Env) -> None:
    await ue.assert_update_to_blank_email(kc)


async def test_update_with_email_as_username_enabled(kc: Env, mail: Sink) -> None:
    await ue.set_email_as_username(kc, True)
    await change_email_using_aia(kc, mail, "new@email.com")
    assert (await ue.find_user(kc, "new@email.com"))["username"] == "new@email.com"


# --- AppInitiatedActionUpdateEmailWithVerificationTest --------------------------------------------------------
async def test_update_email(kc: Env, mail: Sink) -> None:
    await change_email_using_aia(kc, mail, "new@localhost")
    (event,) = await poll(kc)
    ue.assert_update_email_event(event, TEST_USER, "new@localhost")
    assert (await ue.find_user(kc, TEST_USER))["email"] == "new@localhost"


async def test_confirm_email_update_after_third_party_email_update(kc: Env, mail: Sink) -> None:
    link = await link_for_new(kc, mail)
    found = await ue.find_user(kc, TEST_USER)
    await put(kc, f"/users/{found['id']}", {**found, "email": "very-new@localhost", "emailVerified": True})
    assert error_page_text(await kc.http.get(link)) == ue.STALE


async def test_confirm_email_after_duplicate_email_set_for_third_party_account(kc: Env, mail: Sink) -> None:
    link = await link_for_new(kc, mail)
    other = await ue.find_user(kc, ue.JOHN)
    await put(kc, f"/users/{other['id']}", {**other, "email": "new@localhost", "emailVerified": True})
    assert error_page_text(await kc.http.get(link)) == "Email already exists."
