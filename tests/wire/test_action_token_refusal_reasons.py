"""The events of refused e-mailed links (LoginActionsService.handleActionToken): every refusal that goes through
handleActionTokenVerificationException carries the exception's message as the ``reason`` detail (an explained
refusal's message key, TokenVerifier's own text for an inactive token), and a link whose client is disabled is
``client_not_found`` (LoginActionsServiceChecks.checkIsClientValid names both cases so), while an expired link
opened where its login is still under way is ``event.clone().error(EXPIRED_CODE)``, with no reason.
"""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest

import mail_sink
from browser_flow import form_action
from login_test_realm import error_page_text
from mail_sink import Sink
from support import update_client, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio

CB = "http://127.0.0.1:9999/cb"
realm = mail_sink.mail_realm


async def user_id(env: Env) -> str:
    async with env.db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, "user1")
        assert user is not None
        return user.id


async def mailed_link(env: Env, mail: Sink, path: str, body: object = None) -> str:
    url = f"/admin/realms/test/users/{await user_id(env)}/{path}"
    params = {"client_id": "app", "redirect_uri": CB}
    sent = await env.http.put(url, json=body, params=params, headers=await env.admin_headers())
    assert sent.status_code == 204, sent.text
    return mail.received[-1].link()


async def only_event(env: Env, type: str) -> Any:
    async with env.db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        found = await tx.events.find(realm.id, types=[type])
    assert len(found) == 1, found
    return found[0]


def proceed_link(page: httpx.Response) -> str:
    found = re.search(r'id="kc-proceed" href="([^"]+)"', page.text)
    assert found, page.text[:800]
    return html.unescape(found[1])


async def test_a_link_of_a_disabled_user_is_refused_with_the_account_disabled_reason(realm: Env, mail: Sink) -> None:
    link = await mailed_link(realm, mail, "send-verify-email")
    await update_user(realm.db, "test", "user1", enabled=False)
    page = await realm.http.get(link)
    assert page.status_code == 400 and error_page_text(page) == "Account is disabled, contact your administrator."
    event = await only_event(realm, "VERIFY_EMAIL_ERROR")
    assert (event.error, event.client_id, event.details.get("reason")) == (
        "user_disabled",
        "app",
        "accountDisabledMessage",
    )
    assert event.details.get("action") == "verify-email" and event.details.get("token_id")


async def test_a_link_of_a_deleted_user_is_refused_with_the_invalid_user_reason(realm: Env, mail: Sink) -> None:
    link = await mailed_link(realm, mail, "send-verify-email")
    deleted = await realm.http.delete(
        f"/admin/realms/test/users/{await user_id(realm)}", headers=await realm.admin_headers()
    )
    assert deleted.status_code == 204
    page = await realm.http.get(link)
    assert page.status_code == 400 and error_page_text(page) == "Invalid username or password."
    event = await only_event(realm, "VERIFY_EMAIL_ERROR")
    assert (event.error, event.details.get("reason")) == ("user_not_found", "invalidUserMessage")


async def test_a_link_of_a_disabled_client_is_client_not_found(realm: Env, mail: Sink) -> None:
    """checkIsClientValid: ExplainedVerificationException(CLIENT_NOT_FOUND, LOGIN_REQUESTER_NOT_ENABLED)."""
    link = await mailed_link(realm, mail, "send-verify-email")
    await update_client(realm.db, "test", "app", enabled=False)
    page = await realm.http.get(link)
    assert page.status_code == 400 and error_page_text(page) == "Login requester not enabled"
    event = await only_event(realm, "VERIFY_EMAIL_ERROR")
    assert (event.error, event.client_id, event.details.get("reason")) == (
        "client_not_found",
        "app",
        "loginRequesterNotEnabledMessage",
    )


async def test_an_expired_link_in_a_new_browser_says_the_token_is_not_active(realm: Env, mail: Sink) -> None:
    link = await mailed_link(realm, mail, "execute-actions-email", ["UPDATE_PASSWORD"])
    realm.clock.advance(12 * 3600 + 1)
    page = await realm.http.get(link)
    assert page.status_code == 400 and error_page_text(page) == "Action expired."
    event = await only_event(realm, "EXECUTE_ACTION_TOKEN_ERROR")
    assert (event.error, event.details.get("reason")) == ("expired_code", "Token is not active")


async def test_a_link_without_key_is_not_allowed_with_the_invalid_request_reason(realm: Env) -> None:
    page = await realm.http.get("/realms/test/login-actions/action-token")
    assert page.status_code == 400 and error_page_text(page) == "Invalid Request"
    event = await only_event(realm, "EXECUTE_ACTION_TOKEN_ERROR")
    assert (event.error, event.details) == ("not_allowed", {"reason": "invalidRequestMessage"})


async def test_a_token_of_no_action_token_type_is_an_invalid_operation(realm: Env) -> None:
    """An access token as the key: its ``typ`` (Bearer) names no ActionTokenHandler."""
    key = (await realm.admin_headers())["Authorization"].removeprefix("Bearer ")
    page = await realm.http.get("/realms/test/login-actions/action-token", params={"key": key})
    assert page.status_code == 400
    event = await only_event(realm, "EXECUTE_ACTION_TOKEN_ERROR")
    assert (event.error, event.details.get("reason")) == ("invalid_code", "Invalid action token operation")


async def test_a_spent_link_is_expired_code_with_the_expired_action_reason(realm: Env, mail: Sink) -> None:
    link = await mailed_link(realm, mail, "execute-actions-email", ["UPDATE_PASSWORD"])
    confirm = await realm.http.get(link)
    form = await realm.http.get(proceed_link(confirm))
    code = re.search(r'name="session_code" value="([^"]+)"', form.text)
    assert code, form.text[:800]
    new = {"session_code": code[1], "password-new": "n3w-Secret", "password-confirm": "n3w-Secret"}
    done = await realm.http.post(form_action(form.text), data=new)
    assert done.status_code == 200 and "Your account has been updated." in done.text
    again = await realm.http.get(proceed_link(confirm))
    assert again.status_code == 400 and "Action expired. Please continue with login now." in again.text
    event = await only_event(realm, "EXECUTE_ACTIONS_ERROR")
    assert (event.error, event.details.get("reason")) == ("expired_code", "expiredActionMessage")
