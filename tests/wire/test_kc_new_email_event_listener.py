"""Keycloak's EmailEventListenerTest, the new framework's (tests/base/.../tests/admin/event/) and the old one's
(testsuite/.../admin/event/), and the rules of the listener they exercise (EmailEventListenerProvider and its
factory), over HTTP against the SMTP sink (mail_sink.py). Also the mail parts of the test framework's EmailTest,
AppInitiatedActionDeleteCredentialTest#removeOtpSuccess, AppInitiatedActionResetPasswordTest#resetPassword and
BruteForceTest#testTemporaryLockout / #testPermanentLockout, whose other parts are ported elsewhere.

Realm ``test`` (client ``app``, ``user1`` with a verified e-mail address) lists ``email`` among its event listeners
and sends through the sink. The mail goes out after the answer, so each test waits for it (``received``).
"""

from __future__ import annotations

import dataclasses
import html
import logging
import re

import pytest

from browser_flow import start, submit
from doorkeep.app import create_app
from doorkeep.email import event_mail
from doorkeep.email.event_mail import java_date
from doorkeep.model import Credential
from mail_sink import DOWN_PORT, Received, Sink
from support import password_grant, update_client, update_realm, update_user
from totp_codes import totp
from wire_env import Env

pytestmark = pytest.mark.anyio

ADDRESS = "user1@example.com"
DATE = r"\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} \S+ \d{4}"  # java.util.Date.toString()


@pytest.fixture
async def kc(realm: Env, mail: Sink) -> Env:
    """EmailSenderRealmConfig and UserWithEmail: the listener on, the realm's SMTP settings, a verified address."""
    await update_realm(realm.db, "test", events_listeners=("email",), smtp_server=mail.settings())
    await update_user(realm.db, "test", "user1", email_verified=True)
    await update_client(realm.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    return realm


async def received(kc: Env, mail: Sink, count: int) -> list[Received]:
    """MailServer.waitForIncomingEmail(count): the sends under way finished, then exactly ``count`` mails."""
    await kc.drain()
    assert len(mail.received) == count, [m.subject for m in mail.received]
    return mail.received


async def failed_login(kc: Env) -> None:
    refused = await password_grant(kc.http, "test", "app", "user1", "invalid")
    assert refused.status_code == 400, refused.text


async def test_failed_login_email_event(kc: Env, mail: Sink) -> None:
    """EmailEventListenerTest#testFailedLoginEmailEvent (new framework): a refused direct grant mails "Login error"
    to the user, with the event's date and IP address (event-login_error.ftl)."""
    await failed_login(kc)
    [message] = await received(kc, mail, 1)
    assert message.subject == "Login error"
    assert message.recipients == [ADDRESS] and message.message["To"] == ADDRESS
    assert message.part("plain").strip() == (
        f"A failed login attempt was detected to your account on {java_date(kc.clock.now())} from 127.0.0.1. "
        "If this was not you, please contact an administrator."
    )
    assert re.fullmatch(DATE, java_date(kc.clock.now()))
    assert "A failed login attempt was detected to your account on" in message.part("html")


async def test_event_attributes(kc: Env, mail: Sink) -> None:
    """EmailEventListenerTest#eventAttributesTest (old suite): a wrong password on the login form mails the user too,
    with events enabled, and the page still answers the login form."""
    await update_realm(kc.db, "test", events_enabled=True)
    page = await start(kc.http, "test", "app")
    answer = await submit(kc.http, page, username="user1", password="invalid")
    assert answer.status_code == 200 and 'name="password"' in answer.text
    [message] = await received(kc, mail, 1)
    assert message.subject == "Login error"


async def test_the_listener_hears_events_the_store_does_not_keep(kc: Env, mail: Sink) -> None:
    """EventBuilder.send hands every event to the realm's listeners; ``eventsEnabled`` governs the JPA store only."""
    await update_realm(kc.db, "test", events_enabled=False)
    await failed_login(kc)
    await received(kc, mail, 1)
    events = await kc.http.get("/admin/realms/test/events", headers=await kc.admin_headers())
    assert events.json() == []


async def test_an_unverified_or_missing_address_gets_no_mail(kc: Env, mail: Sink) -> None:
    """EmailEventListenerProvider.sendEmail: only a user with an e-mail address that is verified."""
    await update_user(kc.db, "test", "user1", email_verified=False)
    await failed_login(kc)
    await update_user(kc.db, "test", "user1", email=None, email_verified=True)
    await failed_login(kc)
    await received(kc, mail, 0)


async def test_no_mail_without_the_listener_or_without_smtp_settings(kc: Env, mail: Sink) -> None:
    """A realm whose listeners do not name ``email`` mails nothing; nor one without SMTP settings."""
    await update_realm(kc.db, "test", events_listeners=("jboss-logging",))
    await failed_login(kc)
    await update_realm(kc.db, "test", events_listeners=("jboss-logging", "email"), smtp_server={})
    await failed_login(kc)
    await received(kc, mail, 0)


async def test_an_event_without_a_user_or_not_included_sends_nothing(kc: Env, mail: Sink) -> None:
    """onEvent: the event must name a user (an unknown username does not) and be an included type (LOGIN is not)."""
    refused = await password_grant(kc.http, "test", "app", "nobody", "invalid")
    assert refused.status_code == 400, refused.text
    granted = await password_grant(kc.http, "test", "app")
    assert granted.status_code == 200, granted.text
    await received(kc, mail, 0)


async def test_an_updated_password_mails_update_password_and_update_credential(kc: Env, mail: Sink) -> None:
    """The UPDATE_PASSWORD required action raises UPDATE_PASSWORD and UPDATE_CREDENTIAL, both mailed by default:
    event-update_password.ftl, and event-update_credential.ftl naming the credential type."""
    await update_user(kc.db, "test", "user1", required_actions=("UPDATE_PASSWORD",))
    page = await submit(kc.http, await start(kc.http, "test", "app"), username="user1", password="password")
    assert 'id="kc-passwd-update-form"' in page.text
    done = await submit(kc.http, page, **{"password-new": "N3w-pass!", "password-confirm": "N3w-pass!"})
    assert done.status_code == 302, done.text[:500]
    messages = await received(kc, mail, 2)
    date = java_date(kc.clock.now())
    assert [(m.subject, m.part("plain").strip()) for m in messages] == [
        (
            "Update password",
            f"Your password was changed on {date} from 127.0.0.1. If this was not you, please contact an "
            "administrator.",
        ),
        (
            "Update credential",
            f"Your password credential was changed on {date} from 127.0.0.1. If this was not you, please contact an "
            "administrator.",
        ),
    ]


async def test_reset_password(kc: Env, mail: Sink) -> None:
    """AppInitiatedActionResetPasswordTest#resetPassword's mails (old suite): the application-initiated UPDATE_PASSWORD
    (``kc_action``) mails "Update password" then "Update credential", whose text starts and HTML holds "Your password
    credential was changed"."""
    page = await submit(kc.http, await start(kc.http, "test", "app"), username="user1", password="password")
    assert page.status_code == 302, page.text[:500]
    page = await start(kc.http, "test", "app", kc_action="UPDATE_PASSWORD")
    assert 'id="kc-passwd-update-form"' in page.text, page.text[:500]
    done = await submit(kc.http, page, **{"password-new": "new-password", "password-confirm": "new-password"})
    assert done.status_code == 302, done.text[:500]
    update_password, update_credential = await received(kc, mail, 2)
    assert (update_password.subject, update_credential.subject) == ("Update password", "Update credential")
    assert update_credential.part("plain").startswith("Your password credential was changed")
    assert "Your password credential was changed" in update_credential.part("html")


async def with_listener_options(kc: Env, include: tuple[str, ...] | None = None, exclude: tuple[str, ...] = ()) -> None:
    """The server started again with ``--spi-events-listener-email-…-events``: a new app on the same database (its
    listener is the database's from now on)."""
    settings = dataclasses.replace(kc.settings, email_include_events=include, email_exclude_events=exclude)
    kc.apps.append(create_app(settings, db=kc.db, clock=kc.clock))


async def test_include_events_replaces_the_default_set(kc: Env, mail: Sink) -> None:
    """EmailEventListenerProviderFactory.init: ``include-events`` (any case) replaces SUPPORTED_EVENTS."""
    await with_listener_options(kc, include=("update_password",))
    await failed_login(kc)
    await received(kc, mail, 0)
    await with_listener_options(kc, include=("LOGIN_ERROR",))
    await failed_login(kc)
    await received(kc, mail, 1)


async def test_exclude_events_takes_types_out(kc: Env, mail: Sink) -> None:
    """EmailEventListenerProviderFactory.init: ``exclude-events`` removes types from the included ones."""
    await with_listener_options(kc, exclude=("login_error",))
    await failed_login(kc)
    await received(kc, mail, 0)


async def test_an_included_type_without_a_template_sends_nothing(kc: Env, mail: Sink) -> None:
    """A LOGIN included by ``include-events``: the email theme has no event-login.ftl, so nothing is sent."""
    await with_listener_options(kc, include=("LOGIN", "LOGIN_ERROR"))
    granted = await password_grant(kc.http, "test", "app")
    assert granted.status_code == 200, granted.text
    await failed_login(kc)
    [message] = await received(kc, mail, 1)
    assert message.subject == "Login error"


async def test_a_mail_server_that_fails_neither_fails_nor_delays_the_request(
    kc: Env, mail: Sink, caplog: pytest.LogCaptureFixture
) -> None:
    """sendEmail's EmailException is logged ("Failed to send type mail"); the request already answered. The log
    names neither the SMTP password nor the message."""
    settings = mail.settings(port=str(DOWN_PORT), auth="true", user="smtp-user", password="smtp-secret-pw")
    await update_realm(kc.db, "test", smtp_server=settings)
    with caplog.at_level(logging.DEBUG):
        await failed_login(kc)
        await received(kc, mail, 0)
    assert "failed to send the LOGIN_ERROR event's e-mail" in caplog.text
    assert "smtp-secret-pw" not in caplog.text and "failed login attempt" not in caplog.text


async def test_past_the_pending_limit_the_mail_is_sent_before_the_answer(
    kc: Env, mail: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FreeMarkerEmailTemplateProvider's MAX_PENDING_ASYNC_DELIVERIES: with that many mails waiting (none allowed
    here), the next one is sent right away, before the request answers, so a flood cannot queue without bound."""
    monkeypatch.setattr(event_mail, "MAX_PENDING", 0)
    await failed_login(kc)
    assert [m.subject for m in mail.received] == ["Login error"]  # no drain: it was sent before the answer


async def test_email(kc: Env, mail: Sink) -> None:
    """The test framework's EmailTest#testEmail (test-framework/examples): the mail of a refused direct grant, with
    a Message-ID in the sender's domain (MimeMessage.saveChanges) and a Date."""
    await update_realm(kc.db, "test", smtp_server=mail.settings(**{"from": "auto@keycloak.org"}))
    await failed_login(kc)
    [message] = await received(kc, mail, 1)
    assert message.subject == "Login error"
    assert str(message.message["Message-ID"]).endswith("@keycloak.org>")
    assert message.message["Date"] is not None


async def test_removing_the_otp_device_mails_remove_otp_then_remove_credential(kc: Env, mail: Sink) -> None:
    """AppInitiatedActionDeleteCredentialTest#removeOtpSuccess's mails (the events are in
    test_credential_and_account_actions.py): the ``email`` listener sends "Remove OTP" then "Remove credential",
    whose text and HTML name the credential type (event-remove_credential.ftl)."""
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    async with kc.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, "user1")
        assert user is not None
        data = {"subType": "totp", "digits": 6, "counter": 0, "period": 30, "algorithm": "HmacSHA1"}
        await tx.users.add_credential(Credential("otp-user1", user.id, "otp", {"value": secret}, data, 1, None))
    page = await start(kc.http, "test", "app", kc_action="delete_credential:otp-user1")
    page = await submit(kc.http, page, username="user1", password="password")
    assert 'name="otp"' in page.text, page.text[:500]
    page = await submit(kc.http, page, otp=totp(secret.encode(), kc.clock.now()))
    assert "Do you want to delete otp?" in page.text, page.text[:500]
    done = await submit(kc.http, page, accept="Confirm deletion")
    assert done.status_code == 302, done.text[:500]
    remove_otp, remove_credential = await received(kc, mail, 2)
    assert (remove_otp.subject, remove_credential.subject) == ("Remove OTP", "Remove credential")
    assert remove_credential.part("plain").startswith("Credential otp was removed from your account")
    assert "Credential otp was removed from your account" in remove_credential.part("html")


@pytest.mark.parametrize(
    ("permanent", "type", "subject"),
    [
        (False, "USER_DISABLED_BY_TEMPORARY_LOCKOUT", "User disabled by temporary lockout"),
        (True, "USER_DISABLED_BY_PERMANENT_LOCKOUT", "User disabled by permanent lockout"),
    ],
)
async def test_a_lockout_mails_the_user_when_its_type_is_included(
    kc: Env, mail: Sink, permanent: bool, type: str, subject: str
) -> None:
    """BruteForceTest#testTemporaryLockout / #testPermanentLockout's mails (the lockouts themselves are ported in
    test_keycloak_brute_force_test.py): with the lockout's type added to the listener's events
    (``addEventsToEmailEventListenerProvider``), the second failure of ``failureFactor`` 2 mails the lockout too
    (event-user_disabled_by_*.ftl, the date alone), besides the "Login error"s."""
    await with_listener_options(kc, include=(*event_mail.DEFAULT_EVENTS, type))
    await update_realm(
        kc.db,
        "test",
        brute_force_protected=True,
        failure_factor=2,
        permanent_lockout=permanent,
        quick_login_check_milli_seconds=0,
    )
    await failed_login(kc)
    await failed_login(kc)
    messages = await received(kc, mail, 3)
    assert sorted(m.subject for m in messages) == sorted(["Login error", "Login error", subject])
    [lockout] = [m for m in messages if m.subject == subject]
    assert f"multiple failed attempts on {java_date(kc.clock.now())}." in lockout.part("plain")


async def test_a_template_that_fails_neither_fails_the_request_nor_sends(
    kc: Env, mail: Sink, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """sendEmail catches the template provider's EmailException ("Failed to template email"): logged, nothing sent,
    and the request that raised the event answers as it would."""

    def broken(*args: object) -> None:
        raise RuntimeError("template broke")

    monkeypatch.setattr(event_mail, "event_message", broken)
    await failed_login(kc)
    await received(kc, mail, 0)
    assert "failed to template the LOGIN_ERROR event's e-mail" in caplog.text


async def test_a_configured_otp_mails_update_otp_and_update_credential(kc: Env, mail: Sink) -> None:
    """The CONFIGURE_TOTP required action raises UPDATE_TOTP then UPDATE_CREDENTIAL, both mailed by default:
    event-update_totp.ftl ("Update OTP") and event-update_credential.ftl naming ``otp``."""
    await update_user(kc.db, "test", "user1", required_actions=("CONFIGURE_TOTP",))
    page = await submit(kc.http, await start(kc.http, "test", "app"), username="user1", password="password")
    assert 'id="kc-totp-settings-form"' in page.text, page.text[:500]
    found = re.search(r'name="totpSecret" value="([^"]+)"', page.text)
    assert found, page.text[:800]
    done = await submit(kc.http, page, totp=totp(html.unescape(found[1]).encode(), kc.clock.now()))
    assert done.status_code == 302, done.text[:500]
    update_otp, update_credential = await received(kc, mail, 2)
    assert (update_otp.subject, update_credential.subject) == ("Update OTP", "Update credential")
    date = java_date(kc.clock.now())
    assert update_otp.part("plain").strip() == (
        f"OTP was updated for your account on {date} from 127.0.0.1. If this was not you, please contact an "
        "administrator."
    )
    assert update_credential.part("plain").startswith("Your otp credential was changed on")
