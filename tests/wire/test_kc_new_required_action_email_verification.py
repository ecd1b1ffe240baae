"""Keycloak's RequiredActionEmailVerificationTest (the new framework's tests/base/.../tests/actions/ and the old
testsuite's) over HTTP: testVerifyEmailWithNoEmailAndVerifyProfile, which the port of the rest of the class
(test_keycloak_required_action_email_verification_test.py) left for when VERIFY_PROFILE ran. The realm verifies
e-mails (``verifyEmail``) and is imported with VERIFY_PROFILE on; the user's address is removed: VERIFY_EMAIL is
passed over without an address (VerifyEmail.requiredActionChallenge ignores it), VERIFY_PROFILE asks for it (the
event names ``email``), and once given the verification mail goes out; its link ends the login at the app with the
address verified and no required action left.

Not ported: verifyEmailRegisterSetLocale's Portuguese page (Doorkeep's login pages speak English and German)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

import group_port
from group_port import fresh_realm
from keycloak_port import get, poll, put, user_id
from login_test_realm import APP, APP_BASE, SECRET, auth_response, login, open_login_form
from mail_sink import Sink
from update_profile_port import is_update_profile_page, update
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
USER = "test-user@localhost"
SENT_TEXT = "An email with instructions to verify your email address has been sent to your address"


@pytest.fixture
async def kc(env: Env, mail: Sink) -> AsyncIterator[Env]:
    user = {
        "username": USER,
        "email": USER,
        "firstName": "test-user",
        "lastName": "test-user",
        "enabled": True,
        "emailVerified": False,
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
    }
    rep = {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "verifyEmail": True,
        "smtpServer": mail.settings(),
        "clients": [
            {"clientId": APP, "secret": SECRET, "baseUrl": APP_BASE, "redirectUris": ["http://127.0.0.1:9999/*"]}
        ],
        "users": [user],
    }
    env.http.cookies.clear()
    await fresh_realm(env, rep, verify_profile=True)
    yield env
    env.http.cookies.clear()


def one(events: list[dict[str, Any]], type: str) -> dict[str, Any]:
    [found] = [e for e in events if e["type"] == type]
    return found


async def test_verify_email_with_no_email_and_verify_profile(kc: Env, mail: Sink) -> None:
    """RequiredActionEmailVerificationTest#testVerifyEmailWithNoEmailAndVerifyProfile."""
    uid = await user_id(kc, USER)
    await put(kc, f"/users/{uid}", {**await get(kc, f"/users/{uid}"), "email": ""})
    page = await login(kc, await open_login_form(kc), USER, "password")
    assert is_update_profile_page(page), page.text[:800]  # the profile first: no address to verify
    event = one(await poll(kc), "VERIFY_PROFILE")
    assert (event["userId"], event["details"]["fields_to_update"]) == (uid, "email")
    assert mail.received == []
    page = await update(kc, page, email=USER, firstName="test-user", lastName="test-user")
    assert page.status_code == 200 and SENT_TEXT in page.text, page.text[:800]
    updated = one(await poll(kc), "UPDATE_PROFILE")
    assert (updated["userId"], updated["details"]["updated_email"]) == (uid, USER)
    assert len(mail.received) == 1
    confirmed = await kc.http.get(mail.received[-1].link())
    assert "code" in auth_response(confirmed)  # back to the app, logged in
    rep = await get(kc, f"/users/{uid}")
    assert rep["emailVerified"] is True and rep.get("requiredActions", []) == []
