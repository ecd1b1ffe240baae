"""The forced password change (``forceExpiredPasswordChange``) is decided when the browser flow completes, as
Keycloak's AuthenticationProcessor evaluates required-action triggers only then (UpdatePassword.evaluateTriggers,
AuthenticatorUtil.isPasswordValidated): a user who gets past the password form but not the OTP form has no
UPDATE_PASSWORD stored; the user who gets past both is asked for a new password."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from browser_flow import start, submit
from doorkeep.model import UPDATE_PASSWORD, Credential
from support import seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

SECRET = "abcdefghijABCDEFGHIJ"
DAY = 86_400


def totp(now: int) -> str:
    mac = hmac.new(SECRET.encode(), (now // 30).to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return str((int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**6).zfill(6)


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await update_realm(env.db, "test", password_policy="forceExpiredPasswordChange(1)")
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    user = await seed_user(env.db, env.clock, "test", "user1")
    data = {"subType": "totp", "digits": 6, "counter": 0, "period": 30, "algorithm": "HmacSHA1"}
    async with env.db.transaction() as tx:
        await tx.users.add_credential(Credential("otp-1", user.id, "otp", {"value": SECRET}, data, 1, None))
    env.clock.advance(DAY + 5)  # the password is now older than the policy's one day
    return env


async def stored_actions(env: Env) -> tuple[str, ...]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, "user1")
        assert user is not None
        return user.required_actions


async def test_a_login_left_on_the_otp_form_stores_no_forced_password_change(realm: Env) -> None:
    page = await submit(realm.http, await start(realm.http, "test", "app"), username="user1", password="password")
    assert page.status_code == 200 and 'name="otp"' in page.text, page.text[:500]
    assert UPDATE_PASSWORD not in await stored_actions(realm)  # the flow is not through: no trigger yet


async def test_a_wrong_code_on_the_otp_form_stores_no_forced_password_change(realm: Env) -> None:
    page = await submit(realm.http, await start(realm.http, "test", "app"), username="user1", password="password")
    wrong = "000000" if totp(realm.clock.now()) != "000000" else "111111"
    again = await submit(realm.http, page, otp=wrong)
    assert again.status_code == 200 and 'name="otp"' in again.text, again.text[:500]
    assert UPDATE_PASSWORD not in await stored_actions(realm)


async def test_the_otp_form_passed_asks_for_a_new_password(realm: Env) -> None:
    page = await submit(realm.http, await start(realm.http, "test", "app"), username="user1", password="password")
    done = await submit(realm.http, page, otp=totp(realm.clock.now()))
    assert done.status_code == 200 and 'name="password-new"' in done.text, (done.status_code, done.text[:500])
    assert UPDATE_PASSWORD in await stored_actions(realm)
