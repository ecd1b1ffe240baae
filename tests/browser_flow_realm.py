"""The slice of Keycloak's ``testrealm.json`` that BrowserFlowTest reads, and the OTP page's reading helpers, shared
by the ports of its methods (tests/wire/test_keycloak_browser_flow_test.py, test_kc_port5_browser_flows.py).

``test-app``, ``test-user@localhost`` (no OTP), ``user-with-one-configured-otp`` (one TOTP credential) and
``user-with-two-configured-otp`` (the realm role ``user``; a TOTP labelled ``first``, the password, then an
unlabelled TOTP, in that order), every password ``password``. The OTP secrets are used as their ASCII bytes, as
Keycloak's TimeBasedOTP uses them."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from keycloak_port import forget, import_realm, poll
from login_test_realm import APP, INVALID_USER, SECRET, error, is_login_page, login, open_login_form
from totp_codes import totp
from wire_env import Env

INVALID_AUTH_CODE = "Invalid authenticator code."  # Messages.INVALID_TOTP
FIRST_KEY = "DJmQfC73VGFhw7D4QJ8A"
SECOND_KEY = "ABCQfC73VGFhw7D4QJ8A"
UNNAMED = "unnamed"  # OTPFormAuthenticator.UNNAMED: the label of an OTP credential without userLabel
PASSWORD = {"type": "password", "value": "password", "temporary": False}


def otp_credential(secret: str, label: str | None = None) -> dict[str, Any]:
    data = '{"subType":"totp","digits":6,"counter":0,"period":30,"algorithm":"HmacSHA1"}'
    cred = {"type": "otp", "secretData": '{"value":"' + secret + '"}', "credentialData": data}
    return cred | ({"userLabel": label} if label else {})


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """The realm imported for the test, its events so far read; the admin token forgotten after it."""
    await import_realm(env, realm_rep())
    await poll(env)
    yield env
    forget(env)


def realm_rep(two_otp_credentials: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """testrealm.json's slice; ``two_otp_credentials`` replaces the credentials of user-with-two-configured-otp."""
    two = two_otp_credentials or [otp_credential(FIRST_KEY, "first"), PASSWORD, otp_credential(SECOND_KEY)]
    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "roles": {"realm": [{"name": "user"}]},
        "clients": [{"clientId": APP, "secret": SECRET, "redirectUris": ["http://127.0.0.1:9999/*"]}],
        "users": [
            {"username": "test-user@localhost", "email": "test-user@localhost", "enabled": True,
             "credentials": [PASSWORD]},
            {"username": "user-with-one-configured-otp", "email": "otp1@redhat.com", "enabled": True,
             "credentials": [PASSWORD, otp_credential(FIRST_KEY)]},
            {"username": "user-with-two-configured-otp", "email": "otp2@redhat.com", "enabled": True,
             "realmRoles": ["user"], "credentials": two},
        ],
    }  # fmt: skip


async def provide_username_password(env: Env, user: str) -> httpx.Response:
    """The login form with a wrong password (the form again), then the right one: the page that follows."""
    env.http.cookies.clear()  # a new browser: no SSO session of an earlier login answers the form
    page = await login(env, await open_login_form(env), user, "invalid")
    assert is_login_page(page) and error(page) == INVALID_USER, error(page)
    return await login(env, page, user)


def is_otp_page(page: httpx.Response) -> bool:
    """``loginTotpPage.assertCurrent`` / ``oneTimeCodePage.isOtpLabelPresent``: login-otp.ftl's form."""
    return page.status_code == 200 and 'id="kc-otp-login-form"' in page.text and 'name="otp"' in page.text


def offered(page: httpx.Response) -> list[tuple[str, str, bool]]:
    """The OTP credentials the selector offers, in order: (credential id, label, checked)."""
    found = re.findall(r'name="selectedCredentialId" value="([^"]+)"( checked)?> ([^<]*)</label>', page.text)
    return [(cid, html.unescape(label), bool(checked)) for cid, checked, label in found]


def selected_label(page: httpx.Response) -> str:
    """``loginTotpPage.getSelectedOtpCredential()``."""
    (label,) = [label for _, label, checked in offered(page) if checked]
    return label


def credential_id(page: httpx.Response, label: str) -> str:
    """``loginTotpPage.selectOtpCredential(label)``: the radio button's value."""
    (cid,) = [cid for cid, shown, _ in offered(page) if shown == label]
    return cid


def code(env: Env, key: str) -> str:
    return totp(key.encode(), now=env.clock.now())
