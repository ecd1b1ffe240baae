"""Keycloak 26's UserEmailTest (tests/base/.../tests/admin/user/, from the old testsuite's admin UserTest),
ported one method to one test: ``execute-actions-email`` and ``send-verify-email`` over the admin API with
admin events on, the mail caught by the SMTP sink (mail_sink.py), and its link followed over plain HTTP as the
Selenium driver follows it (confirmation page, "» Click here to proceed", the update-password form).

Already covered elsewhere: test_action_token_emails.py (each refusal alone, SMTP failures, forged keys).

Every @Test method is ported. ``testEmailLinkBasedOnRealmFrontEndUrl`` sets the realms' ``frontendUrl`` attributes
through the admin API as ``updateRealmFrontEndUrl`` does; its ``finally`` (both attributes set back to null) has
nothing to undo here, each test having a database of its own.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from browser_flow import form_action, page_session_code, proceed_href
from keycloak_port import admin_headers, get
from mail_sink import Received, Sink
from role_port import assert_event, call, clear_events, create, ok, poll_events
from role_port import import_test_realm as _import
from wire_env import Env

pytestmark = pytest.mark.anyio

MYCLIENT = {"clientId": "myclient", "name": "myclient", "enabled": True, "redirectUris": ["http://myclient.com/*"]}
SOME_PAGE = "http://localhost/auth/some-page"
UPDATED = "Your account has been updated."
SORRY = "We are sorry..."


@pytest.fixture
async def realm_id(env: Env, mail: Sink) -> str:
    """Realm ``test`` (display name ``Admin-client-test``) sending through the sink, admin events recorded;
    ``test-app`` as testrealm.json has it (redirects under ``/auth/``)."""
    realm_id = await _import(env)
    await ok(env, "PUT", "", {"displayName": "Admin-client-test", "smtpServer": mail.settings()})
    await create(env, "/clients", {"clientId": "test-app", "redirectUris": ["http://localhost/auth/*"]})
    await clear_events(env)
    return realm_id


async def _user(env: Env, realm_id: str, **rep: Any) -> str:
    """AbstractUserTest.createUser(rep): ``user1``, and its CREATE event."""
    rep = {"username": "user1", **rep}
    user_id = await create(env, "/users", rep)
    await assert_event(env, realm_id, "CREATE", f"users/{user_id}", "USER", rep)
    return user_id


async def _enabled_user(env: Env, realm_id: str) -> str:
    return await _user(env, realm_id, enabled=True, email="user1@test.com")


async def _send(env: Env, user_id: str, what: str, actions: list[str] | None = None, **params: Any) -> httpx.Response:
    """``executeActionsEmail`` (a JSON list of actions) or ``sendVerifyEmail`` (no body)."""
    return await call(env, "PUT", f"/users/{user_id}/{what}", actions, **params)


async def _refused(env: Env, response: httpx.Response, message: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {"errorMessage": message}
    assert await poll_events(env) == []


async def _sent(env: Env, realm_id: str, user_id: str, what: str, response: httpx.Response) -> None:
    """204 and one ACTION event on ``users/{id}/{what}``."""
    assert response.status_code == 204, response.text
    await assert_event(env, realm_id, "ACTION", f"users/{user_id}/{what}", "USER")


async def _open(env: Env, link: str, info: str) -> str:
    """``driver.navigate().to(link)``, ``proceedPage.assertCurrent()`` with ``info``, then "proceed": the page."""
    confirm = await env.http.get(link)
    assert confirm.status_code == 200 and info in confirm.text, confirm.text
    page = await env.http.get(proceed_href(confirm.text))
    assert page.status_code == 200, page.text
    return page.text


async def _update_password(env: Env, link: str, password: str, client_id: str | None = None) -> str:
    """The link, proceed, ``passwordUpdatePage.changePassword``: the page it ends on; with ``client_id``, the URL
    the browser is then on (the form's) names that client, as ``driver.getCurrentUrl()`` is checked."""
    form = await _open(env, link, "Update Password")
    assert 'name="password-new"' in form
    data = {"session_code": page_session_code(form), "password-new": password, "password-confirm": password}
    url = form_action(form)  # the form's URL: its execution (verifyRequiredAction)
    done = await env.http.post(url, data=data)
    assert done.status_code == 200, done.text
    if client_id is not None:
        assert f"client_id={client_id}" in url, url
    return done.text


async def _spent(env: Env, link: str) -> None:
    """The link again: Keycloak's error page ("We are sorry...")."""
    again = await env.http.get(link)
    assert again.status_code == 400 and SORRY in again.text, again.text


def _lifespan(link: str) -> tuple[int, str]:
    """The link's token (``key=``): ``exp - iat`` and ``azp``, read as TokenVerifier.getToken() does."""
    payload = link[link.index("key=") + 4 :].split("&")[0].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims["exp"] - claims["iat"], claims["azp"]


def _body_says(sent: Received, *texts: str) -> None:
    for text in texts:
        assert text in sent.part("plain") and text in sent.part("html"), text


# --- execute-actions-email ----------------------------------------------------------------------------------
async def test_send_reset_password_email(env: Env, realm_id: str, mail: Sink) -> None:
    user_id = await _user(env, realm_id)
    await _refused(env, await _send(env, user_id, "execute-actions-email", []), "User email missing")

    rep = {**await get(env, f"/users/{user_id}"), "email": "user1@localhost", "enabled": False}
    await ok(env, "PUT", f"/users/{user_id}", rep)
    await assert_event(env, realm_id, "UPDATE", f"users/{user_id}", "USER", rep)
    await _refused(env, await _send(env, user_id, "execute-actions-email", []), "User is disabled")

    rep["enabled"] = True
    await ok(env, "PUT", f"/users/{user_id}", rep)
    await assert_event(env, realm_id, "UPDATE", f"users/{user_id}", "USER", rep)
    invalid = ["UPDATE_PASSWORD", 'invalid"<img src="alert(0)">']
    response = await _send(env, user_id, "execute-actions-email", invalid)
    await _refused(env, response, "Provided invalid required actions")

    params = {"client_id": "invalidClientId", "redirect_uri": "invalidUri"}
    response = await _send(env, user_id, "execute-actions-email", ["UPDATE_PASSWORD"], **params)
    await _refused(env, response, "Client doesn't exist")
    assert mail.received == []


async def test_email_link_based_on_realm_front_end_url(env: Env, realm_id: str, mail: Sink) -> None:
    """master's ``frontendUrl`` is the server's own root (the admin client keeps working), the realm's another
    host: the execute-actions-email link is built on the realm's."""
    expected = "https://mytestrealm"
    for realm, url in (("master", "http://localhost"), ("test", expected)):
        rep = {"attributes": {"frontendUrl": url}}
        response = await env.http.put(f"/admin/realms/{realm}", json=rep, headers=await admin_headers(env))
        assert response.status_code == 204, response.text
    user_id = await create(env, "/users", {"enabled": True, "username": "user1", "email": "user1@test.com"})
    assert (await _send(env, user_id, "execute-actions-email", ["UPDATE_PASSWORD"])).status_code == 204
    [sent] = mail.received
    assert expected in sent.link(), sent.link()


async def test_send_reset_password_email_success(env: Env, realm_id: str, mail: Sink) -> None:
    user_id = await _enabled_user(env, realm_id)
    response = await _send(env, user_id, "execute-actions-email", ["UPDATE_PASSWORD"])
    await _sent(env, realm_id, user_id, "execute-actions-email", response)
    [sent] = mail.received
    _body_says(sent, "Update Password", "your Admin-client-test account", "This link will expire within 12 hours")
    link = sent.link()
    assert UPDATED in await _update_password(env, link, "new-pass", client_id="account")
    await _spent(env, link)


async def test_send_reset_password_email_success_with_account_client_disabled(
    env: Env, realm_id: str, mail: Sink
) -> None:
    """Without ``client_id`` the link belongs to SystemClientUtil.getSystemClient: ``account``, or while that is
    disabled the ``_system`` client made for the purpose."""
    account = (await get(env, "/clients", clientId="account"))[0]
    await ok(env, "PUT", f"/clients/{account['id']}", {**account, "enabled": False})
    await assert_event(env, realm_id, "UPDATE", f"clients/{account['id']}", "CLIENT", {**account, "enabled": False})
    user_id = await _enabled_user(env, realm_id)
    response = await _send(env, user_id, "execute-actions-email", ["UPDATE_PASSWORD"])
    await _sent(env, realm_id, user_id, "execute-actions-email", response)
    [sent] = mail.received
    assert _lifespan(sent.link())[1] == "_system"
    assert [c["clientId"] for c in await get(env, "/clients", clientId="_system")] == ["_system"]
    assert UPDATED in await _update_password(env, sent.link(), "new-pass", client_id="_system")
    await ok(env, "PUT", f"/clients/{account['id']}", account)
    await assert_event(env, realm_id, "UPDATE", f"clients/{account['id']}", "CLIENT", account)


async def test_send_reset_password_email_with_custom_lifespan(env: Env, realm_id: str, mail: Sink) -> None:
    user_id = await _enabled_user(env, realm_id)
    lifespan = 5 * 3600
    response = await _send(env, user_id, "execute-actions-email", ["UPDATE_PASSWORD"], lifespan=lifespan)
    await _sent(env, realm_id, user_id, "execute-actions-email", response)
    [sent] = mail.received
    _body_says(sent, "Update Password", "your Admin-client-test account", "This link will expire within 5 hours")
    seconds, azp = _lifespan(sent.link())
    assert lifespan - 1 <= seconds <= lifespan + 1 and azp == "account"
    assert UPDATED in await _update_password(env, sent.link(), "new-pass")
    await _spent(env, sent.link())


@pytest.mark.parametrize("reverse", [False, True], ids=["two_links", "two_links_reverse"])
async def test_send_reset_password_email_success_two_links(env: Env, realm_id: str, mail: Sink, reverse: bool) -> None:
    """sendResetPasswordEmailSuccessTwoLinks and …TwoLinksReverse: each link sets a password once, in either
    order, and both are spent afterwards."""
    user_id = await _enabled_user(env, realm_id)
    for _ in range(2):
        assert (await _send(env, user_id, "execute-actions-email", ["UPDATE_PASSWORD"])).status_code == 204
    found = [(e["operationType"], e["resourceType"], e["resourcePath"]) for e in await poll_events(env)]
    assert found == [("ACTION", "USER", f"users/{user_id}/execute-actions-email")] * 2
    assert len(mail.received) == 2
    links = [m.link() for m in mail.received]
    for i, link in enumerate(reversed(links) if reverse else links, start=1):
        assert UPDATED in await _update_password(env, link, f"new-pass{i}")
    for link in links:
        await _spent(env, link)


async def test_send_reset_password_email_success_link_open_does_not_expire_when_opened_only(
    env: Env, realm_id: str, mail: Sink
) -> None:
    user_id = await _enabled_user(env, realm_id)
    response = await _send(env, user_id, "execute-actions-email", ["UPDATE_PASSWORD"])
    await _sent(env, realm_id, user_id, "execute-actions-email", response)
    link = mail.received[0].link()
    assert 'name="password-new"' in await _open(env, link, "Update Password")
    env.http.cookies.clear()
    assert UPDATED in await _update_password(env, link, "new-pass")


async def test_send_reset_password_email_success_token_short_lifespan(env: Env, realm_id: str, mail: Sink) -> None:
    user_id = await _enabled_user(env, realm_id)
    await ok(env, "PUT", "", {"actionTokenGeneratedByAdminLifespan": 60})
    assert (await _send(env, user_id, "execute-actions-email", ["UPDATE_PASSWORD"])).status_code == 204
    env.clock.advance(70)
    expired = await env.http.get(mail.received[0].link())
    assert expired.status_code == 400 and "Action expired." in expired.text


async def test_send_reset_password_email_success_with_recycled_auth_session(
    env: Env, realm_id: str, mail: Sink
) -> None:
    """A link for ``myclient2`` opened (a fresh authentication session), then a second link without a client
    is the one completed."""
    user_id = await _enabled_user(env, realm_id)
    client = {**MYCLIENT, "clientId": "myclient2", "name": "myclient2"}
    client_uuid = await create(env, "/clients", client)
    await assert_event(env, realm_id, "CREATE", f"clients/{client_uuid}", "CLIENT", client)
    params = {"client_id": "myclient2", "redirect_uri": "http://myclient.com/home.html"}
    response = await _send(env, user_id, "execute-actions-email", ["UPDATE_PASSWORD"], **params)
    await _sent(env, realm_id, user_id, "execute-actions-email", response)
    assert (await env.http.get(mail.received[0].link())).status_code == 200

    response = await _send(env, user_id, "execute-actions-email", ["UPDATE_PASSWORD"])
    await _sent(env, realm_id, user_id, "execute-actions-email", response)
    assert len(mail.received) == 2
    link = mail.received[-1].link()
    assert UPDATED in await _update_password(env, link, "new-pass")
    await _spent(env, link)


@pytest.mark.parametrize(("lifespan", "expiry"), [(None, "12 hours"), (128 * 86400, "128 days")])
async def test_send_reset_password_email_with_redirect(
    env: Env, realm_id: str, mail: Sink, lifespan: int | None, expiry: str
) -> None:
    """sendResetPasswordEmailWithRedirect and …AndCustomLifespan: an unregistered redirect is refused; the
    page the link ends on links back to the registered one."""
    user_id = await _enabled_user(env, realm_id)
    client_uuid = await create(env, "/clients", MYCLIENT)
    await assert_event(env, realm_id, "CREATE", f"clients/{client_uuid}", "CLIENT", MYCLIENT)
    extra = {} if lifespan is None else {"lifespan": lifespan}
    bad = {"client_id": "myclient", "redirect_uri": "http://unregistered-uri.com/", **extra}
    response = await _send(env, user_id, "execute-actions-email", ["UPDATE_PASSWORD"], **bad)
    await _refused(env, response, "Invalid redirect uri.")

    good = {**bad, "redirect_uri": "http://myclient.com/home.html"}
    response = await _send(env, user_id, "execute-actions-email", ["UPDATE_PASSWORD"], **good)
    await _sent(env, realm_id, user_id, "execute-actions-email", response)
    [sent] = mail.received
    _body_says(sent, f"This link will expire within {expiry}")
    if lifespan is not None:
        assert _lifespan(sent.link())[0] == lifespan
    page = await _update_password(env, sent.link(), "new-pass")
    assert UPDATED in page and "http://myclient.com/home.html" in page
    await _spent(env, sent.link())


# --- send-verify-email --------------------------------------------------------------------------------------
async def test_send_verify_email(env: Env, realm_id: str, mail: Sink) -> None:
    user_id = await _user(env, realm_id)
    await _refused(env, await _send(env, user_id, "send-verify-email"), "User email missing")

    rep = {**await get(env, f"/users/{user_id}"), "email": "user1@localhost", "enabled": False}
    await ok(env, "PUT", f"/users/{user_id}", rep)
    await assert_event(env, realm_id, "UPDATE", f"users/{user_id}", "USER", rep)
    await _refused(env, await _send(env, user_id, "send-verify-email"), "User is disabled")

    rep["enabled"] = True
    await ok(env, "PUT", f"/users/{user_id}", rep)
    await assert_event(env, realm_id, "UPDATE", f"users/{user_id}", "USER", rep)
    response = await _send(env, user_id, "send-verify-email", client_id="invalidClientId")
    await _refused(env, response, "Client doesn't exist")

    await _sent(env, realm_id, user_id, "send-verify-email", await _send(env, user_id, "send-verify-email"))
    [sent] = mail.received
    assert UPDATED in await _open(env, sent.link(), "Confirm validity of e-mail address")
    assert (await get(env, f"/users/{user_id}"))["emailVerified"] is True
    again = await env.http.get(sent.link())
    assert again.status_code == 200 and "Your email address has been verified already." in again.text


@pytest.mark.parametrize(("lifespan", "expiry"), [(None, "12 hours"), (86400, "1 day")])
async def test_send_verify_email_with_redirect(
    env: Env, realm_id: str, mail: Sink, lifespan: int | None, expiry: str
) -> None:
    """sendVerifyEmailWithRedirect and …AndCustomLifespan."""
    user_id = await _enabled_user(env, realm_id)
    extra: dict[str, Any] = {} if lifespan is None else {"lifespan": lifespan}
    bad: dict[str, Any] = {"client_id": "test-app", "redirect_uri": "http://unregistered-uri.com/", **extra}
    await _refused(env, await _send(env, user_id, "send-verify-email", **bad), "Invalid redirect uri.")

    response = await _send(env, user_id, "send-verify-email", **{**bad, "redirect_uri": SOME_PAGE})
    await _sent(env, realm_id, user_id, "send-verify-email", response)
    [sent] = mail.received
    _body_says(sent, f"This link will expire within {expiry}")
    if lifespan is not None:
        assert _lifespan(sent.link())[0] == lifespan
    page = await _open(env, sent.link(), "Confirm validity of e-mail address")
    assert UPDATED in page and SOME_PAGE in page
