"""Review H3 for session 68's Conditional OTP Form (``auth-conditional-otp-form``): its wrong codes count toward
Brute Force Detection as the OTP Form's do (ConditionalOtpFormAuthenticator extends OTPFormAuthenticator, whose
validateOTP reports INVALID_USER_CREDENTIALS; the BruteForceProtector counts it), and a user locked by them is
refused even the right code, with the form's own "Invalid authenticator code." and a LOGIN_ERROR
``user_temporarily_disabled``; the password-then-code attacker gets no unlimited guesses."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from browser_flow import start, submit
from doorkeep.model import Credential
from flow_builder import AUTH, REQ, add, admin
from otp_port import totp
from support import seed_login_realm, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
SECRET = "abcdefghijABCDEFGHIJ"
FLOW = "conditional-otp-flow"
INVALID = "Invalid authenticator code."


async def _realm(env: Env) -> None:
    await seed_login_realm(env.db, env.clock, events=True)
    await update_realm(env.db, "test", brute_force_protected=True, failure_factor=2, quick_login_check_milli_seconds=0)
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, "user1")
        assert user is not None
        data = {"subType": "totp", "digits": 6, "counter": 0, "period": 30, "algorithm": "HmacSHA1"}
        await tx.users.add_credential(Credential("otp-1", user.id, "otp", {"value": SECRET}, data, 1, None))
    body = {"alias": FLOW, "description": "", "providerId": "basic-flow", "topLevel": True, "builtIn": False}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, FLOW, "auth-username-password-form", REQ)
    await add(env, FLOW, "auth-conditional-otp-form", REQ, {"defaultOtpOutcome": "force"})
    bound = await env.http.put("/admin/realms/test", json={"browserFlow": FLOW}, headers=await env.admin_headers())
    assert bound.status_code == 204, bound.text


def _error(page: httpx.Response) -> str:
    found = re.search(r'<div id="input-error" class="error">([^<]*)</div>', page.text)
    return found.group(1) if found else ""


async def _errors(env: Env) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return [e.error for e in await tx.events.find(test.id, types=["LOGIN_ERROR"])]


async def test_wrong_codes_lock_the_user_out_of_the_conditional_otp_form(env: Env) -> None:
    await _realm(env)
    page = await submit(env.http, await start(env.http, "test", "app"), username="user1", password="password")
    assert 'name="otp"' in page.text, page.text[:500]
    for _ in range(2):
        page = await submit(env.http, page, otp="000000")
        assert _error(page) == INVALID
    locked = await submit(env.http, page, otp=totp(SECRET.encode(), env.clock.now()))
    assert locked.status_code == 200 and _error(locked) == INVALID
    assert (await _errors(env))[0] == "user_temporarily_disabled"  # newest first
