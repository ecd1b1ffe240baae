"""Keycloak's new-framework TotpQrCodeContentTest (tests/base/.../tests/actions/) over HTTP: the Configure OTP page's
QR code carries the ``otpauth://`` URI whose label is ``issuer:account``. The Java class decodes the image with
ZXing; here the page's ``src`` is compared with the same QR drawn from the URI Keycloak's OTPPolicy.getKeyURI
writes for the expected issuer and account (the page's hidden ``totpSecret`` gives the secret), which says the
same: the code carries exactly that URI.

Not ported: ``qrCodeIssuerUsesDisplayNameShortWhenSet`` and ``qrCodeIssuerResolvesLocalizationKeyInDisplayNameShort``
(the realm's ``displayNameShort``, which Doorkeep's realms do not have)."""

from __future__ import annotations

import base64
import html
import re
from typing import Any
from urllib.parse import quote_plus

import pytest
import segno

import group_port
from browser_flow import start, submit
from group_port import fresh_realm
from keycloak_port import update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

PASSWORD = "Qr-Password-1"


def user(username: str, email: str | None) -> dict[str, Any]:
    return {
        "username": username,
        "enabled": True,
        "firstName": "Qr",
        "lastName": "Totp",
        **({"email": email, "emailVerified": True} if email else {}),
        "credentials": [{"type": "password", "value": PASSWORD}],
        "requiredActions": ["CONFIGURE_TOTP"],
    }


REALM = {
    "realm": "test",
    "enabled": True,
    "clients": [{"clientId": "app", "secret": "secret", "redirectUris": ["http://127.0.0.1:9999/*"]}],
    "users": [
        user("qr-totp-user", "qr-totp-user@localhost"),
        user("qr-totp-diff-user", "qr-totp-diff-user@example.com"),
        user("qr-totp-no-email-user", None),
    ],
}


@pytest.fixture
async def kc(env: Env) -> Env:
    env.http.cookies.clear()
    await fresh_realm(env, REALM)
    return env


def key_uri(issuer: str, account: str, secret: str) -> str:
    """OTPPolicy.getKeyURI for Keycloak's default policy (TOTP, 6 digits, SHA1, 30 s)."""
    issuer_name = quote_plus(issuer.replace(":", " ")).replace("+", "%20")
    encoded = base64.b32encode(secret.encode()).decode().rstrip("=")
    label = f"{issuer_name}:{quote_plus(account)}"
    return f"otpauth://totp/{label}?secret={encoded}&digits=6&algorithm=SHA1&issuer={issuer_name}&period=30"


async def login_and_read_qr_code(env: Env, username: str) -> tuple[str, str]:
    """``loginAndDecodeQrCode``: the login, the Configure OTP page; its QR ``src`` and its secret."""
    page = await start(env.http, "test", "app")
    setup = await submit(env.http, page, username=username, password=PASSWORD)
    assert setup.status_code == 200 and 'id="kc-totp-settings-form"' in setup.text, setup.text[:500]
    qr = re.search(r'<img id="kc-totp-secret-qr-code" src="([^"]+)"', setup.text)
    secret = re.search(r'name="totpSecret" value="([^"]+)"', setup.text)
    assert qr and secret, setup.text[:800]
    return html.unescape(qr[1]), html.unescape(secret[1])


def assert_carries(qr: str, issuer: str, account: str, secret: str) -> None:
    expected = segno.make(key_uri(issuer, account, secret), error="m").svg_data_uri(scale=4, border=2)
    assert qr == expected, (issuer, account)


async def test_qr_code_issuer_falls_back_to_display_name_when_no_display_name_short(kc: Env) -> None:
    """TotpQrCodeContentTest#qrCodeIssuerFallsBackToDisplayNameWhenNoDisplayNameShort."""
    await update_realm(kc, displayName="Full Display Name")
    qr, secret = await login_and_read_qr_code(kc, "qr-totp-user")
    assert_carries(qr, "Full Display Name", "qr-totp-user", secret)


async def test_qr_code_account_name_uses_email_when_registration_email_as_username_enabled(kc: Env) -> None:
    """TotpQrCodeContentTest#qrCodeAccountNameUsesEmailWhenRegistrationEmailAsUsernameEnabled."""
    await update_realm(kc, registrationEmailAsUsername=True)
    qr, secret = await login_and_read_qr_code(kc, "qr-totp-diff-user")
    assert_carries(qr, "test", "qr-totp-diff-user@example.com", secret)


async def test_qr_code_account_name_falls_back_to_username_when_email_missing(kc: Env) -> None:
    """TotpQrCodeContentTest#qrCodeAccountNameFallsBackToUsernameWhenEmailMissingAndRegistrationEmailAsUsernameEnabled."""
    await update_realm(kc, registrationEmailAsUsername=True)
    qr, secret = await login_and_read_qr_code(kc, "qr-totp-no-email-user")
    assert_carries(qr, "test", "qr-totp-no-email-user", secret)


async def test_without_email_as_username_the_account_is_the_username(kc: Env) -> None:
    """The default the other methods change: the username, even when the user has an e-mail."""
    qr, secret = await login_and_read_qr_code(kc, "qr-totp-diff-user")
    assert_carries(qr, "test", "qr-totp-diff-user", secret)


def test_the_comparison_tells_uris_apart() -> None:
    """The check itself: two URIs that differ only in the account draw different codes."""
    one = segno.make(key_uri("test", "a@example.com", "s3cr3t"), error="m").svg_data_uri(scale=4, border=2)
    two = segno.make(key_uri("test", "a", "s3cr3t"), error="m").svg_data_uri(scale=4, border=2)
    assert one != two
