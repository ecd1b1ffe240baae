"""Security sweep s52: the ``email`` event listener (email/event_mail.py, Keycloak's EmailEventListenerProvider)
attacked as the security review attacks older code: header injection through texts an administrator or a user
controls, mail to an address nobody verified (a changed one included), and what a stranger's failed login tells
the account's owner (nothing of what the stranger typed)."""

from __future__ import annotations

import html
import re

import pytest

from browser_flow import form_action, form_fields, start
from mail_sink import Received, Sink
from org_invitations import create_org, enable, invite
from support import password_grant, update_client, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio

ADDRESS = "user1@example.com"


@pytest.fixture
async def kc(realm: Env, mail: Sink) -> Env:
    await update_realm(realm.db, "test", events_listeners=("email",), smtp_server=mail.settings())
    await update_user(realm.db, "test", "user1", email_verified=True)
    await update_client(realm.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    return realm


async def _mails(env: Env, mail: Sink) -> list[Received]:
    await env.drain()
    return list(mail.received)


@pytest.mark.parametrize("injected", ["\r\nBcc: evil@evil.example", "\nTo: evil@evil.example", "x\u2028Bcc: e@e.x"])
async def test_a_localized_subject_cannot_add_a_header_or_a_recipient(kc: Env, mail: Sink, injected: str) -> None:
    """The realm's localization texts override the subject (eventLoginErrorSubject); a line break in it becomes a
    space on one Subject line, never a Bcc or To header, and the mail goes to the user alone."""
    texts = {"en": {"eventLoginErrorSubject": f"Login error{injected}"}}
    await update_realm(kc.db, "test", localization_texts=texts)
    assert (await password_grant(kc.http, "test", "app", "user1", "wrong")).status_code == 400
    [message] = await _mails(kc, mail)
    assert message.recipients == [ADDRESS]
    assert message.message["Bcc"] is None and message.message.get_all("To") == [ADDRESS]
    assert "\n" not in message.subject and "\r" not in message.subject


async def test_the_mail_holds_nothing_the_stranger_typed(kc: Env, mail: Sink) -> None:
    """A stranger's wrong password, typed with the user's e-mail address: the user is told the date and the IP
    address, never the password tried nor the identifier used."""
    typed = "Secret-Guess-<b>1</b>"
    assert (await password_grant(kc.http, "test", "app", ADDRESS.upper(), typed)).status_code == 400
    [message] = await _mails(kc, mail)
    for part in (message.part("plain"), message.part("html"), message.subject):
        assert "Secret-Guess" not in part and ADDRESS.upper() not in part


async def test_an_unknown_username_mails_nobody(kc: Env, mail: Sink) -> None:
    """LOGIN_ERROR for a name no user holds carries no user: no mail, so the listener is no oracle either."""
    assert (await password_grant(kc.http, "test", "app", "nobody@example.com", "x")).status_code == 400
    assert (await password_grant(kc.http, "test", "app", "user1@example.com ", "x")).status_code == 400
    assert [m.recipients for m in await _mails(kc, mail)] in ([], [[ADDRESS]])


async def test_an_address_changed_through_the_account_api_gets_no_mail_until_verified(kc: Env, mail: Sink) -> None:
    """UserProfileContext.ACCOUNT resets emailVerified when the address changes (DefaultAttributes): a session
    thief who moves the address to their own mailbox receives none of the account's security mails."""
    tokens = (await password_grant(kc.http, "test", "app", "user1", "password")).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/json"}
    profile = (await kc.http.get("/realms/test/account", headers=headers)).json()
    changed = await kc.http.post(
        "/realms/test/account", json=profile | {"email": "thief@evil.example"}, headers=headers
    )
    assert changed.status_code == 204, changed.text
    assert (await password_grant(kc.http, "test", "app", "user1", "wrong")).status_code == 400
    assert await _mails(kc, mail) == []


async def test_a_user_name_with_markup_or_line_breaks_is_not_in_the_mail(kc: Env, mail: Sink) -> None:
    """The event templates print no name: a first name with markup or a header-like line changes nothing."""
    await update_user(kc.db, "test", "user1", first_name="<script>x</script>\r\nBcc: e@e.x", last_name="\nTo: e@e.x")
    assert (await password_grant(kc.http, "test", "app", "user1", "wrong")).status_code == 400
    [message] = await _mails(kc, mail)
    assert message.recipients == [ADDRESS] and message.message["Bcc"] is None
    assert "<script>" not in message.part("html")


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c"])
async def test_a_unicode_line_separator_in_an_organization_name_is_one_subject_line(
    env: Env, mail: Sink, separator: str
) -> None:
    """The s46 fix folded CR and LF only; Python's email package refuses every line boundary ``str.splitlines``
    knows, so an organization named with U+2028 made the invitation a 500 (and an event mail's localized subject
    with one was lost). JavaMail would encode the character; Doorkeep makes it a space on the one Subject line."""
    await enable(env, mail)
    org = await create_org(env, name=f"evil{separator}Bcc: attacker@evil.example", alias="evil")
    sent = await invite(env, org, "invite-user", email="new@neworg.org")
    assert sent.status_code == 204, sent.text
    [message] = mail.received
    assert message.recipients == ["new@neworg.org"] and message.message["Bcc"] is None
    assert message.subject == "Invitation to join the evil Bcc: attacker@evil.example organization"


@pytest.mark.parametrize("field", ["fromDisplayName", "replyToDisplayName"])
async def test_a_line_break_in_a_display_name_is_no_header_and_no_500(kc: Env, mail: Sink, field: str) -> None:
    """A manage-realm admin's display name with CR LF (stored through the admin API) made every mail of the realm
    a 500 (Python's email package refuses the header), the event listener's lost; now it is one line: one From and
    one Reply-To header, no Bcc, the user the one recipient."""
    settings = mail.settings() | {field: "Evil\r\nBcc: x@evil.example", "replyTo": "reply@example.com"}
    put = await kc.http.put("/admin/realms/test", json={"smtpServer": settings}, headers=await kc.admin_headers())
    assert put.status_code == 204, put.text
    users = await kc.http.get(
        "/admin/realms/test/users", params={"username": "user1", "exact": "true"}, headers=await kc.admin_headers()
    )
    sent = await kc.http.put(
        f"/admin/realms/test/users/{users.json()[0]['id']}/execute-actions-email",
        json=["UPDATE_PASSWORD"],
        headers=await kc.admin_headers(),
    )
    assert sent.status_code == 204, sent.text
    assert (await password_grant(kc.http, "test", "app", "user1", "wrong")).status_code == 400
    messages = await _mails(kc, mail)
    assert len(messages) == 2
    for message in messages:
        assert message.recipients == [ADDRESS] and message.message["Bcc"] is None
        assert len(message.message.get_all("From") or []) == 1 and len(message.message.get_all("Reply-To") or []) == 1
        header = "From" if field == "fromDisplayName" else "Reply-To"
        assert "Evil Bcc: x@evil.example" in str(message.message[header])


async def test_a_line_break_in_the_display_name_loses_no_reset_mail(kc: Env, mail: Sink) -> None:
    """The reset-password form with such a display name: before the fix it answered as usual and mailed nothing (the
    message could not be built); now the mail goes, to the user alone."""
    settings = mail.settings() | {"fromDisplayName": "Evil\r\nBcc: x@evil.example"}
    await update_realm(kc.db, "test", reset_password_allowed=True, smtp_server=settings)
    page = await start(kc.http, "test", "app")
    found = re.search(r'href="([^"]*login-actions/reset-credentials[^"]*)"', page.text)
    assert found is not None, page.text[:500]
    form = await kc.http.get(html.unescape(found[1]))
    sent = await kc.http.post(form_action(form.text), data={**form_fields(form.text), "username": "user1"})
    assert sent.status_code == 200, sent.text[:500]
    [message] = await _mails(kc, mail)
    assert message.recipients == [ADDRESS] and message.message["Bcc"] is None
