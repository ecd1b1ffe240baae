"""E-mailed action links: execute-actions-email and send-verify-email sent through a real SMTP server, then
followed over HTTP (UserResource, LoginActionsService.executeActionToken and its handlers)."""

from __future__ import annotations

import html

import pytest

import mail_sink
from browser_flow import form_action, page_session_code, proceed_href
from doorkeep.users import passwords
from mail_sink import DOWN_PORT, Sink
from support import update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio

CB = "http://127.0.0.1:9999/cb"
SEND_FAILED = "Error when attempting to send the email to the server. More information is available in the server log."
realm = mail_sink.mail_realm


async def user_id(env: Env, username: str = "user1") -> str:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, username)
        assert user is not None
        return user.id


async def put(env: Env, path: str, json: object = None, **params: str) -> tuple[int, object]:
    url = f"/admin/realms/test/users/{await user_id(env)}/{path}"
    response = await env.http.put(url, json=json, params=params, headers=await env.admin_headers())
    return response.status_code, response.json() if response.content else None


async def test_execute_actions_email_sends_the_link_that_updates_the_password_once(realm: Env, mail: Sink) -> None:
    assert await put(realm, "execute-actions-email", ["UPDATE_PASSWORD"], client_id="app", redirect_uri=CB) == (
        204,
        None,
    )
    [sent] = mail.received
    assert sent.recipients == ["user1@example.com"] and sent.subject == "Update Your Account"
    text = sent.part("plain")
    assert "following action(s): Update Password." in text and "This link will expire within 12 hours." in text
    link = sent.link()
    assert link.startswith("http://localhost/realms/test/login-actions/action-token?key=")
    assert f'href="{html.escape(link)}"' in sent.part("html")

    confirm = await realm.http.get(link)  # a scanner's fetch changes nothing: it only gets this page
    assert confirm.status_code == 200 and "Perform the following action(s)" in confirm.text
    form = await realm.http.get(proceed_href(confirm.text))
    assert form.status_code == 200 and 'name="password-new"' in form.text
    done = await realm.http.post(
        form_action(form.text),  # the form's URL: its execution (verifyRequiredAction)
        data={
            "session_code": page_session_code(form.text),
            "password-new": "n3w-Secret",
            "password-confirm": "n3w-Secret",
        },
    )
    assert done.status_code == 200, done.text
    assert "Your account has been updated." in done.text and f'href="{CB}"' in done.text

    again = await realm.http.get(proceed_href(confirm.text))
    assert again.status_code == 400 and "Action expired. Please continue with login now." in again.text
    uid = await user_id(realm)
    async with realm.db.transaction() as tx:
        user = await tx.users.get(uid)
        assert user is not None and not user.email_verified  # no VERIFY_EMAIL asked: unverified (Keycloak 26.8)
        cred = await tx.users.password(user.id)
        assert cred is not None and passwords.verify("n3w-Secret", cred.secret_data, cred.credential_data)
        types = [e.type for e in await tx.events.find(user.realm_id)]
    assert "UPDATE_PASSWORD" in types


@pytest.mark.parametrize(
    ("setup", "params", "body", "message"),
    [
        ({"email": None}, {}, [], "User email missing"),
        ({"enabled": False}, {}, [], "User is disabled"),
        ({}, {"redirect_uri": CB}, [], "Client id missing"),
        ({}, {"client_id": "nope"}, [], "Client doesn't exist"),
        ({}, {"client_id": "app", "redirect_uri": "https://evil.example/cb"}, [], "Invalid redirect uri."),
        ({}, {}, ["FLY_TO_THE_MOON"], "Provided invalid required actions"),
    ],
)
async def test_execute_actions_email_refusals(
    realm: Env, mail: Sink, setup: dict[str, object], params: dict[str, str], body: list[str], message: str
) -> None:
    if setup:
        await update_user(realm.db, "test", "user1", **setup)
    assert await put(realm, "execute-actions-email", body, **params) == (400, {"errorMessage": message})
    assert mail.received == []


async def test_an_unreachable_smtp_server_answers_keycloaks_500s(realm: Env) -> None:
    await update_realm(realm.db, "test", smtp_server={"host": "127.0.0.1", "port": str(DOWN_PORT), "from": "a@b.c"})
    assert await put(realm, "execute-actions-email", ["UPDATE_PASSWORD"]) == (
        500,
        {"errorMessage": f"Failed to send execute actions email: {SEND_FAILED}"},
    )
    assert await put(realm, "send-verify-email") == (500, {"errorMessage": "Failed to send verify email"})


async def test_send_verify_email_link_marks_the_address_verified(realm: Env, mail: Sink) -> None:
    assert await put(realm, "send-verify-email", client_id="app", redirect_uri=CB) == (204, None)
    [sent] = mail.received
    assert sent.subject == "Verify email" and "This link will expire within 12 hours." in sent.part("plain")
    confirm = await realm.http.get(sent.link())
    assert "Confirm validity of e-mail address user1@example.com." in confirm.text
    done = await realm.http.get(proceed_href(confirm.text))  # an admin's link ends as UserEmailTest expects
    assert done.status_code == 200 and "Your account has been updated." in done.text and f'href="{CB}"' in done.text
    uid = await user_id(realm)
    async with realm.db.transaction() as tx:
        user = await tx.users.get(uid)
        assert user is not None and user.email_verified


async def test_an_expired_link_is_action_expired(realm: Env, mail: Sink) -> None:
    assert await put(realm, "execute-actions-email", ["UPDATE_PASSWORD"], lifespan="60") == (204, None)
    realm.clock.advance(61)
    response = await realm.http.get(mail.received[0].link())
    assert response.status_code == 400 and "Action expired." in response.text


async def test_a_forged_or_missing_key_is_refused(realm: Env) -> None:
    missing = await realm.http.get("/realms/test/login-actions/action-token")
    assert missing.status_code == 400 and "Invalid Request" in missing.text
    forged = await realm.http.get("/realms/test/login-actions/action-token?key=not.a.jwt")
    assert forged.status_code == 400
    assert "An error occurred, please login again through your application." in forged.text
