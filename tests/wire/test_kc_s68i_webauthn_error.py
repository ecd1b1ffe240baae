"""Keycloak's webauthn/account/WebAuthnErrorTest: the WebAuthn login step's error page when the browser's request
times out."""

from __future__ import annotations

import html
import re

import pytest

from browser_flow import code_from, submit
from support import update_user
from webauthn_flow import admin, events, password_page, seed, webauthn_flow
from webauthn_port import SoftKey, page_options
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"


async def test_error_page_with_timeout(env: Env) -> None:
    """errorPageWithTimeout: with a 3 second create timeout (in the representation, and on the login page in
    milliseconds) the login page lists the user's one key by its label; the browser gives up (the key is gone
    from the authenticator) and the page it posts is the error page, its text exactly "Failed to authenticate by
    the Passkey." (the browser's message goes to the event only)."""
    await seed(env)
    await webauthn_flow(env)
    await update_user(env.db, "test", "user1", required_actions=("webauthn-register",))
    page = await password_page(env)
    created = SoftKey().create(page_options(page.text)["challenge"], label="authenticator")
    assert "code" in code_from(await submit(env.http, page, **created))
    env.http.cookies.clear()
    await admin(env, "PUT", ADMIN, {"webAuthnPolicyRpEntityName": "keycloak", "webAuthnPolicyCreateTimeout": 3}, 204)
    assert (await admin(env, "GET", ADMIN, status=200)).json()["webAuthnPolicyCreateTimeout"] == 3

    login = await password_page(env)
    assert page_options(login.text)["timeout"] == 3000
    labels = re.findall(r'class="kc-webauthn-authenticator-label">(.*?)<', login.text)
    assert labels == ["authenticator"]
    refused = await submit(env.http, login, error="NotAllowedError: The operation either timed out or was not allowed.")
    shown = re.search(r'<div id="input-error" class="error">(.*?)</div>', refused.text, re.S)
    assert shown and html.unescape(shown.group(1)) == "Failed to authenticate by the Passkey."
    (failed,) = await events(env, "LOGIN_ERROR")
    assert failed.error == "not_allowed"
    assert failed.details["web_authn_authentication_error_detail"].startswith("NotAllowedError")
