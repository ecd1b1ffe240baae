"""A walk through the pages a browser meets outside the consoles: sign-in (with and without an error), the
identity-first username page, registration, password reset, consent, an authenticator app's setup and its code,
the error page, the logout confirmation, and the device flow's code, consent and status pages.

``DOORS`` is a realm that offers all of them; ``tour`` drives one Chromium page through them and yields a name at
each stop, so that a test can check each page as it stands (axe-core, its width on a phone, a screenshot).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import requests
from console_crawl_support import REALM as CRAWL_REALM
from console_crawl_support import admin_headers
from playwright.sync_api import Page

from totp_codes import key_from_shown, totp

DOORS = "doors"
PASSWORD = "Doors-Pass-1"
CLIENT = "doors-app"
CALLBACK = "http://localhost:9/callback"  # nothing listens: the tour never follows a redirect to it


def person(username: str, *actions: str) -> dict[str, Any]:
    return {
        "username": username,
        "enabled": True,
        "email": f"{username}@example.com",
        "emailVerified": True,
        "firstName": username.capitalize(),
        "lastName": "Doors",
        "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
        "requiredActions": list(actions),
    }


def doors_realm() -> dict[str, Any]:
    """A realm with registration, password reset, remember-me, a consent-requiring client with the device grant,
    and a user."""
    return {
        "realm": DOORS,
        "enabled": True,
        "registrationAllowed": True,
        "resetPasswordAllowed": True,
        "rememberMe": True,
        "clients": [
            {
                "clientId": CLIENT,
                "publicClient": True,
                "consentRequired": True,
                "redirectUris": [CALLBACK],
                "attributes": {"oauth2.device.authorization.grant.enabled": "true"},
            }
        ],
        "users": [person("door-user")],
    }


def authorize_url(server: str, client_id: str = CLIENT) -> str:
    query = {"client_id": client_id, "redirect_uri": CALLBACK, "response_type": "code", "scope": "openid"}
    return f"{server}/realms/{DOORS}/protocol/openid-connect/auth?{urlencode(query)}"


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#kc-login")


def user_code(server: str) -> str:
    """A device authorization of the tour's client (RFC 8628 §3.1): its user code."""
    answer = requests.post(
        f"{server}/realms/{DOORS}/protocol/openid-connect/auth/device", data={"client_id": CLIENT}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["user_code"])


def new_person(server: str, username: str, *actions: str) -> str:
    """A user of the tour's realm made through the Admin REST API (a tour grants consents and sets up an
    authenticator: each tour needs users of its own)."""
    made = requests.post(
        f"{server}/admin/realms/{DOORS}/users",
        json=person(username, *actions),
        headers=admin_headers(server),
        timeout=10,
    )
    assert made.status_code == 201, made.text
    return username


def tour(page: Page, server: str) -> Iterator[str]:
    """Drive ``page`` through the sign-in, registration, reset, consent, OTP, error, logout and device pages,
    yielding a name at each page."""
    run = uuid.uuid4().hex[:8]
    door_user, otp_user = new_person(server, f"door-{run}"), new_person(server, f"otp-{run}", "CONFIGURE_TOTP")
    page.goto(authorize_url(server))
    page.wait_for_selector("#kc-form-login")
    yield "login"
    sign_in(page, door_user, "wrong")
    page.wait_for_selector("#kc-form-login .error, #kc-form-login [aria-invalid=true], .error")
    yield "login-error"
    page.click("#kc-registration a")
    page.wait_for_selector("#kc-register-form")
    yield "register"
    page.click("#kc-register")
    page.wait_for_selector("#kc-register-form [aria-invalid=true]")
    yield "register-errors"
    page.goto(authorize_url(server))
    page.click("#kc-forgot-password")
    page.wait_for_selector("#kc-reset-password-form")
    yield "reset-password"
    page.fill("#username", door_user)
    page.click("#kc-submit")
    page.wait_for_load_state("load")
    yield "reset-password-sent"
    page.goto(authorize_url(server))
    sign_in(page, door_user)
    page.wait_for_selector("#kc-oauth")
    yield "consent"
    page.context.clear_cookies()
    page.goto(authorize_url(server))
    sign_in(page, otp_user)
    page.wait_for_selector("#kc-totp-settings-form")
    yield "otp-setup"
    page.click("#mode-manual")
    page.wait_for_selector("#kc-totp-secret-key")
    key = key_from_shown(page.inner_text("#kc-totp-secret-key"))
    yield "otp-setup-manual"
    page.fill("#totp", "000000" if totp(key) != "000000" else "111111")
    page.click("#saveTOTPBtn")
    page.wait_for_selector("#kc-totp-settings-form [aria-invalid=true], .error")
    yield "otp-setup-error"
    page.fill("#totp", totp(key))
    page.click("#saveTOTPBtn")
    page.wait_for_selector("#kc-oauth")
    page.context.clear_cookies()
    page.goto(authorize_url(server))
    sign_in(page, otp_user)
    page.wait_for_selector("#kc-otp-login-form")
    yield "otp"
    page.fill("#otp", "000000" if totp(key) != "000000" else "111111")
    page.click("#kc-login")
    page.wait_for_selector("#kc-otp-login-form")
    yield "otp-error"
    page.goto(authorize_url(server, "no-such-client"))
    page.wait_for_selector("#kc-error-message")
    yield "error"
    page.goto(f"{server}/realms/{DOORS}/protocol/openid-connect/logout")
    page.wait_for_selector("#kc-logout")
    yield "logout-confirm"
    page.context.clear_cookies()
    page.goto(f"{server}/realms/{DOORS}/device")
    page.wait_for_selector("#device-user-code")
    yield "device-code"
    page.fill("#device-user-code", "WRONG-CODE")
    page.click("#kc-login")
    page.wait_for_selector("#device-user-code")
    yield "device-code-error"
    page.fill("#device-user-code", user_code(server))
    page.click("#kc-login")
    sign_in(page, door_user)
    page.wait_for_selector("#kc-oauth")
    yield "device-consent"
    page.click("#kc-login")
    page.wait_for_url(f"{server}/realms/{DOORS}/device/status*")
    yield "device-status"
    page.context.clear_cookies()
    page.goto(f"{server}/realms/{CRAWL_REALM}/account/")
    page.wait_for_selector("#username")
    yield "identity-first-username"


TERMS_REALM = "doors-terms"


def terms_realm(server: str) -> str:
    """A realm like ``DOORS`` (no consent asked) whose registration form asks for the terms: made through the Admin
    REST API, its registration flow's Terms and conditions set REQUIRED. Its authorization URL."""
    headers = admin_headers(server)
    rep = {**doors_realm(), "realm": TERMS_REALM, "users": []}
    rep["clients"] = [{**rep["clients"][0], "consentRequired": False}]
    made = requests.post(f"{server}/admin/realms", json=rep, headers=headers, timeout=10)
    assert made.status_code == 201, made.text
    executions = f"{server}/admin/realms/{TERMS_REALM}/authentication/flows/registration/executions"
    rows = requests.get(executions, headers=headers, timeout=10).json()
    row = next(r for r in rows if r.get("providerId") == "registration-terms-and-conditions")
    changed = requests.put(executions, json={**row, "requirement": "REQUIRED"}, headers=headers, timeout=10)
    assert changed.status_code == 202, changed.text
    query = {"client_id": CLIENT, "redirect_uri": CALLBACK, "response_type": "code", "scope": "openid"}
    return f"{server}/realms/{TERMS_REALM}/protocol/openid-connect/auth?{urlencode(query)}"
