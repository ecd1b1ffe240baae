"""Keycloak's new-framework i18n EmailTest (tests/base/.../tests/i18n/EmailTest.java), the methods HTTP shows.

Realm ``test`` as RealmWithInternationalization has it (internationalization on, ``en`` and ``de`` supported, reset
allowed) with the SMTP sink, and BasicUserConfig's ``basic-user`` with an e-mail. The reset-password mail is asked
for as the login page's "Forgot Password?" link and form do; its subject and text follow the user's ``locale``
attribute, else the request's Accept-Language; the realm's own localization texts override the theme's.

Not ported, with the reason: ``changeLocaleOnInfoPage`` and ``resetPasswordOriginalUiLocalePreservedAfterForgetPassword``
drive the theme's language drop-down (``selectLanguage``) in a browser; Doorkeep's pages are covered for locales by
the older LoginPageTest/locale ports.
"""

from __future__ import annotations

import asyncio
import html
import re

import pytest

from browser_flow import form_action, form_fields, start
from mail_sink import Received, Sink
from support import seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

USERNAME = "basic-user"


@pytest.fixture
async def kc(env: Env, mail: Sink) -> Env:
    await seed_realm(
        env.db,
        env.clock,
        reset_password_allowed=True,
        internationalization_enabled=True,
        supported_locales=("en", "de"),
        default_locale="en",
        smtp_server=mail.settings(),
    )
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", USERNAME, email="basic-user@localhost")
    return env


async def user_url(kc: Env) -> str:
    found = await kc.http.get(
        "/admin/realms/test/users", params={"username": USERNAME}, headers=await kc.admin_headers()
    )
    return f"/admin/realms/test/users/{found.json()[0]['id']}"


async def change_user_locale(kc: Env, locale: str | None) -> None:
    """EmailTest.changeUserLocale: the user's ``locale`` attribute set (or removed)."""
    url, headers = await user_url(kc), await kc.admin_headers()
    rep = (await kc.http.get(url, headers=headers)).json()
    attributes = {k: v for k, v in (rep.get("attributes") or {}).items() if k != "locale"}
    if locale is not None:
        attributes["locale"] = [locale]
    rep["attributes"] = attributes
    updated = await kc.http.put(url, json=rep, headers=headers)
    assert updated.status_code == 204, updated.text


async def send_reset_password_email(kc: Env, **headers: str) -> None:
    """EmailTest.sendResetPasswordEmail: the login page's reset link, then the username posted."""
    login_page = await start(kc.http, "test", "app")
    found = re.search(r'id="kc-forgot-password" href="([^"]+)"', login_page.text)
    assert found, login_page.text[:800]
    page = await kc.http.get(html.unescape(found[1]))
    assert page.status_code == 200 and 'name="username"' in page.text, page.text[:800]
    form = {**form_fields(page.text), "username": USERNAME}
    answer = await kc.http.post(form_action(page.text), data=form, headers=headers)
    assert answer.status_code == 200, answer.text[:800]


async def received(mail: Sink, count: int) -> Received:
    """MailServer.waitForIncomingEmail: the mail goes out after the answer."""
    for _ in range(200):
        if len(mail.received) >= count:
            break
        await asyncio.sleep(0.05)
    assert len(mail.received) == count
    return mail.received[count - 1]


async def verify_reset_password(mail: Sink, subject: str, text: str, html_part: str | None, count: int) -> None:
    """EmailTest.verifyResetPassword."""
    message = await received(mail, count)
    assert message.subject == subject
    body = message.part("plain")
    assert text in body
    assert "{" not in body and "}" not in body  # every placeholder replaced
    if html_part is not None:
        assert html_part in message.part("html")


async def test_rest_password_email(kc: Env, mail: Sink) -> None:
    """EmailTest#restPasswordEmail."""
    await send_reset_password_email(kc)
    await verify_reset_password(mail, "Reset password", "Someone just requested to change", None, 1)
    await change_user_locale(kc, "en")
    await send_reset_password_email(kc)
    await verify_reset_password(mail, "Reset password", "Someone just requested to change", None, 2)


async def test_realm_localization_messages_are_applied(kc: Env, mail: Sink) -> None:
    """EmailTest#realmLocalizationMessagesAreApplied."""
    headers = await kc.admin_headers()
    texts = {
        "en": {"passwordResetSubject": "Subject EN", "passwordResetBody": "Body EN{0} {1} {2}"},
        "de": {"passwordResetSubject": "Subject DE", "passwordResetBody": "Body DE{0} {1} {2}"},
    }
    for locale, entries in texts.items():
        for key, text in entries.items():
            saved = await kc.http.put(
                f"/admin/realms/test/localization/{locale}/{key}",
                content=text.encode(),
                headers={**headers, "Content-Type": "text/plain"},
            )
            assert saved.status_code == 204, saved.text
    await send_reset_password_email(kc)
    await verify_reset_password(mail, "Subject EN", "Body EN", '<html lang="en" dir="ltr">', 1)
    await change_user_locale(kc, "de")
    await send_reset_password_email(kc)
    await verify_reset_password(mail, "Subject DE", "Body DE", '<html lang="de" dir="ltr">', 2)


async def test_rest_password_email_german(kc: Env, mail: Sink) -> None:
    """EmailTest#restPasswordEmailGerman."""
    await change_user_locale(kc, "de")
    await send_reset_password_email(kc)
    await verify_reset_password(mail, "Passwort zurücksetzen", "Es wurde eine Änderung", None, 1)


async def test_update_password_from_admin(kc: Env, mail: Sink) -> None:
    """EmailTest#updatePasswordFromAdmin: no user locale; the admin's Accept-Language does not pick the mail's."""
    await change_user_locale(kc, None)
    headers = {**await kc.admin_headers(), "Accept-Language": "de"}
    sent = await kc.http.put(f"{await user_url(kc)}/execute-actions-email", json=["UPDATE_PASSWORD"], headers=headers)
    assert sent.status_code == 204, sent.text
    message = await received(mail, 1)
    assert "Your administrator has just requested" in message.part("plain")


async def test_rest_password_email_with_accept_language_header(kc: Env, mail: Sink) -> None:
    """EmailTest#restPasswordEmailWithAcceptLanguageHeader: no user locale; the form's Accept-Language picks."""
    await change_user_locale(kc, None)
    await send_reset_password_email(kc, **{"Accept-Language": "de"})
    await verify_reset_password(mail, "Passwort zurücksetzen", "Es wurde eine Änderung", None, 1)
