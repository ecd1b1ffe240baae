"""Keycloak's new-framework ResetPasswordTest (tests/base/.../tests/forms/ResetPasswordTest.java; not the old
testsuite's class of that name, ported in test_keycloak_reset_password_test.py) over HTTP: the browser's Back
button after the reset e-mail was asked for. A Back is the earlier page's URL fetched again (Keycloak's pages
are never cached): the login page it lands on forgets the user the reset form chose (UsernamePasswordForm), so
the identity provider buttons and the registration form are offered again, and the e-mailed link still sets
the password. The consumer realm of the Java test (``testuser`` / ``spam@vnagy.eu``, reset and registration
allowed, the public ``broker-app``) imported anew for each test; the provider realm is only named by the
identity provider's URLs, as the Java test never logs in through it.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import group_port
from browser_flow import REDIRECT, form_action, form_fields, start
from group_port import fresh_realm
from keycloak_port import ADMIN, admin_headers, poll, user_id
from mail_sink import Sink
from register_port import is_register_page
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

APP = "broker-app"
USER, EMAIL = "testuser", "spam@vnagy.eu"
IDP = "test-idp"
BASE = "http://localhost:8080"
CHANGE = "You need to change your password."


@pytest.fixture
async def kc(env: Env, mail: Sink) -> AsyncIterator[Env]:
    user = {
        "username": USER,
        "firstName": "Vilmos",
        "lastName": "Szabó-Nagy",
        "email": EMAIL,
        "emailVerified": True,
        "enabled": True,
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
    }
    rep: dict[str, Any] = {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "resetPasswordAllowed": True,
        "registrationAllowed": True,
        "smtpServer": mail.settings(),
        "clients": [{"clientId": APP, "publicClient": True, "redirectUris": ["http://127.0.0.1:9999/*"]}],
        "users": [user],
    }
    env.http.cookies.clear()
    await fresh_realm(env, rep)
    await poll(env)
    yield env
    env.http.cookies.clear()


def link(page: httpx.Response, pattern: str) -> str:
    found = re.search(pattern, page.text)
    assert found, (pattern, page.text[:800])
    return html.unescape(found[1])


def forgot(page: httpx.Response) -> str:
    """``loginPage.resetPassword()``'s target."""
    return link(page, r'id="kc-forgot-password" href="([^"]+)"')


def back_to_login(page: httpx.Response) -> str:
    """``resetPasswordPage.backToLogin()`` / ``registerPage.clickBackToLogin()``'s target."""
    return link(page, r'<div id="kc-form-options"><a href="([^"]+)"')


def is_login_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'id="kc-form-login"' in page.text


def is_reset_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'id="kc-reset-password-form"' in page.text


async def ask_reset(kc: Env, page: httpx.Response) -> httpx.Response:
    """``resetPasswordPage.changePassword(username)``."""
    assert is_reset_page(page), page.text[:800]
    return await kc.http.post(form_action(page.text), data={**form_fields(page.text), "username": USER})


async def test_should_offer_all_oidc_option_on_login_page_user_tries_to_reset_their_password_and_goes_back(
    kc: Env,
) -> None:
    """ResetPasswordTest#shouldOfferAllOidcOptionOnLoginPageUserTriesToResetTheirPasswordAndGoesBack: the
    provider's button is on the login page reached back from the reset page, and on the one two Backs after the
    e-mail was asked for, which is the same URL."""
    idp = {
        "alias": IDP,
        "providerId": "oidc",
        "enabled": True,
        "config": {
            "clientId": "test-idp-client",
            "clientSecret": "test-idp-secret",
            "syncMode": "IMPORT",
            "authorizationUrl": f"{BASE}/realms/provider/protocol/openid-connect/auth",
            "tokenUrl": f"{BASE}/realms/provider/protocol/openid-connect/token",
            "jwksUrl": f"{BASE}/realms/provider/protocol/openid-connect/certs",
            "logoutUrl": f"{BASE}/realms/provider/protocol/openid-connect/logout",
        },
    }
    made = await kc.http.post(f"{ADMIN}/identity-provider/instances", json=idp, headers=await admin_headers(kc))
    assert made.status_code == 201, made.text
    page = await start(kc.http, "test", APP)
    reset = await kc.http.get(forgot(page))
    assert is_reset_page(reset), reset.text[:800]
    back_url = back_to_login(reset)
    login = await kc.http.get(back_url)
    assert is_login_page(login) and f'id="social-{IDP}"' in login.text, login.text[:800]
    sent = await ask_reset(kc, await kc.http.get(forgot(login)))
    assert sent.status_code == 200, sent.text[:800]
    again = await kc.http.get(back_url)  # Back twice: the reset page, then the login page before it
    assert is_login_page(again) and f'id="social-{IDP}"' in again.text, again.text[:800]


async def test_login_page_clears_user_from_context_if_user_navigates_back_from_reset_password(kc: Env) -> None:
    """ResetPasswordTest#testLoginPageClearsUserFromContextIfUserNavigatesBackFromResetPassword: register, back
    to login, the reset e-mail asked for; three Backs (the reset page, the login page, the registration page):
    the registration form, not "Action expired" for a user already chosen."""
    page = await start(kc.http, "test", APP)
    register_url = link(page, r'<div id="kc-registration"><span>[^<]*<a href="([^"]+)"')
    register = await kc.http.get(register_url)
    assert is_register_page(register), register.text[:800]
    login_url = back_to_login(register)
    login = await kc.http.get(login_url)
    assert is_login_page(login), login.text[:800]
    reset_url = forgot(login)
    await ask_reset(kc, await kc.http.get(reset_url))
    assert is_reset_page(await kc.http.get(reset_url))
    assert is_login_page(await kc.http.get(login_url))
    again = await kc.http.get(register_url)
    assert is_register_page(again), again.text[:800]


async def test_reset_password_email_link_works_after_navigating_back_to_login_page(kc: Env, mail: Sink) -> None:
    """ResetPasswordTest#resetPasswordEmailLinkWorksAfterNavigatingBackToLoginPage: SEND_RESET_PASSWORD; two
    Backs to the login page (which forgets the chosen user); the e-mailed link still asks for the new password
    ("You need to change your password."), UPDATE_PASSWORD and UPDATE_CREDENTIAL follow and the login ends at the
    client."""
    uid = await user_id(kc, USER)
    page = await start(kc.http, "test", APP)
    back_url = back_to_login(await kc.http.get(forgot(page)))
    login = await kc.http.get(back_url)
    assert is_login_page(login), login.text[:800]
    await ask_reset(kc, await kc.http.get(forgot(login)))
    [sent] = await poll(kc)
    assert (sent["type"], sent["userId"], sent["details"]["username"], sent["details"]["email"]) == (
        "SEND_RESET_PASSWORD",
        uid,
        USER,
        EMAIL,
    ), sent
    assert is_login_page(await kc.http.get(back_url))
    await poll(kc)  # events.clear()
    update = await kc.http.get(mail.received[0].link())
    assert update.status_code == 200 and 'id="kc-passwd-update-form"' in update.text, update.text[:800]
    assert CHANGE in update.text, update.text[:800]
    data = {**form_fields(update.text), "password-new": "resetPassword", "password-confirm": "resetPassword"}
    done = await kc.http.post(form_action(update.text), data=data)
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]
    assert "code=" in done.headers["location"], done.headers["location"]
    updated, credential, *_ = await poll(kc)
    for event, type in ((updated, "UPDATE_PASSWORD"), (credential, "UPDATE_CREDENTIAL")):
        assert (event["type"], event["userId"], event["details"]["username"]) == (type, uid, USER), event
        assert event["details"]["credential_type"] == "password", event
