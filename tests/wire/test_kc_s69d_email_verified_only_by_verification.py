"""Keycloak 26.8's "Email is no longer marked as verified by other flows" (upgrading guide 26.8.0, issue #50622,
pull request #50946): a user's ``emailVerified`` turns true only when the user completes an e-mail verification.

- An admin's execute-actions e-mail (ExecuteActionsActionTokenHandler) verifies the address only when its actions
  include VERIFY_EMAIL; one that asks only for UPDATE_PASSWORD leaves it as it was.
- The first broker login's "Verify existing account by Email" link (IdpVerifyAccountLinkActionTokenHandler) links
  the identity without verifying the address, in the same browser and when confirmed in another.
The verify-email link itself still verifies (test_action_token_emails.py).
"""

from __future__ import annotations

from typing import Any

import pytest

import mail_sink
from broker_email_support import add_to_existing, click, ready
from broker_support import browser, served
from browser_flow import REDIRECT, form_action, page_session_code, proceed_href
from mail_sink import Sink
from wire_env import Env

pytestmark = pytest.mark.anyio

CB = "http://127.0.0.1:9999/cb"
realm = mail_sink.mail_realm


async def _user(env: Env, username: str) -> dict[str, Any]:
    headers = await env.admin_headers()
    got = await env.http.get(
        "/admin/realms/test/users", params={"username": username, "exact": "true"}, headers=headers
    )
    [user] = got.json()
    return dict(user)


async def _send(env: Env, actions: list[str]) -> None:
    uid = (await _user(env, "user1"))["id"]
    response = await env.http.put(
        f"/admin/realms/test/users/{uid}/execute-actions-email",
        json=actions,
        params={"client_id": "app", "redirect_uri": CB},
        headers=await env.admin_headers(),
    )
    assert response.status_code == 204, response.text


async def test_an_update_password_link_does_not_verify_the_address(realm: Env, mail: Sink) -> None:
    assert (await _user(realm, "user1"))["emailVerified"] is False
    await _send(realm, ["UPDATE_PASSWORD"])
    confirm = await realm.http.get(mail.received[0].link())
    form = await realm.http.get(proceed_href(confirm.text))
    assert form.status_code == 200 and 'name="password-new"' in form.text, form.text
    done = await realm.http.post(
        form_action(form.text),
        data={
            "session_code": page_session_code(form.text),
            "password-new": "n3w-Secret",
            "password-confirm": "n3w-Secret",
        },
    )
    assert done.status_code == 200 and "Your account has been updated." in done.text, done.text
    assert (await _user(realm, "user1"))["emailVerified"] is False


async def test_a_link_asking_to_verify_the_email_verifies_it(realm: Env, mail: Sink) -> None:
    await _send(realm, ["VERIFY_EMAIL", "UPDATE_PASSWORD"])
    confirm = await realm.http.get(mail.received[0].link())
    form = await realm.http.get(proceed_href(confirm.text))
    assert form.status_code == 200, form.text
    assert (await _user(realm, "user1"))["emailVerified"] is True


async def test_linking_by_email_in_the_same_browser_leaves_the_address_unverified(env: Env, mail: Sink) -> None:
    async with served(env) as broker:
        await ready(broker, mail)
        async with browser(broker) as http:
            await add_to_existing(http)
            done = await http.get(mail.received[-1].link())
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        account = await _user(env, "alice-local")
        assert account["emailVerified"] is False
        links = await env.http.get(
            f"/admin/realms/test/users/{account['id']}/federated-identity", headers=await env.admin_headers()
        )
        assert [link["userName"] for link in links.json()] == ["alice"]


async def test_linking_confirmed_in_another_browser_leaves_the_address_unverified(env: Env, mail: Sink) -> None:
    async with served(env) as broker:
        await ready(broker, mail)
        async with browser(broker) as http:
            page = await add_to_existing(http)
            async with browser(broker) as other:
                asked = await other.get(mail.received[0].link())
                told = await other.get(click(asked, "kc-proceed"))
                assert told.status_code == 200, told.text
            assert (await _user(env, "alice-local"))["emailVerified"] is False
            done = await http.get(click(page, "kc-continue"))
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert (await _user(env, "alice-local"))["emailVerified"] is False
