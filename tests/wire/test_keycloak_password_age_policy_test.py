"""Keycloak's PasswordAgePolicyTest (testsuite/integration-arquillian/tests/base/.../policy/PasswordAgePolicyTest.java)
over HTTP: ``passwordAge(D)`` ("Not Recently Used (In Days)", AgePasswordPolicyProvider) set through PUT of the
realm, the password reset through ``PUT users/{id}/reset-password``, Keycloak's ``setTimeOffset`` the fake clock. A
refused password is 400 with ``invalidPasswordGenericMessage``. One app for the module (``group_port.shared_env``),
realm ``test`` (with ``test-app``) imported once; ``test_user`` made before each test and removed after it, as the
Java class's ``@Before`` / ``@After``.

testBothPasswordHistoryPoliciesPasswordHistoryPolicyTakesOver and ...PasswordAgePolicyTakesOver are ported as
written: their last step sets the policy ``passwordAge(secret)`` (not the password ``secret``), refused as a bad
config; ``setPasswordHistoryValue`` replaces the whole policy, so neither combines the two policies. Beside the
port, test_both_policies_keep_a_hash_while_either_does combines them for real.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import group_port
from browser_flow import REDIRECT, code_from, submit
from keycloak_port import import_realm, update_realm
from role_port import call, create, ok
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

DAY = 24 * 60 * 60
GENERIC = {
    "error": "invalidPasswordGenericMessage",
    "error_description": "Invalid password: new password doesn't match password policies.",
}


@pytest.fixture(scope="module")
async def test_realm(shared_env: Env) -> Env:
    app = {"clientId": "test-app", "secret": "password", "redirectUris": [f"{REDIRECT}*"]}
    await import_realm(shared_env, {"realm": "test", "enabled": True, "clients": [app]})
    return shared_env


@pytest.fixture
async def user(test_realm: Env) -> AsyncIterator[str]:
    """``createUser(createUserRepresentation("test_user"))``; removed after the test, the clock back at its start."""
    start = test_realm.clock.now()
    rep = {"username": "test_user", "email": "test_user@email.test", "emailVerified": True}
    user_id = await create(test_realm, "/users", rep)
    _START[id(test_realm)] = start
    yield user_id
    test_realm.clock.set(start)
    await ok(test_realm, "DELETE", f"/users/{user_id}")
    await update_realm(test_realm, passwordPolicy="")


_START: dict[int, int] = {}


def set_time_offset(env: Env, seconds: int) -> None:
    """``setTimeOffset(seconds)``: the server's time that many seconds from the test's start."""
    env.clock.set(_START[id(env)] + seconds)


async def set_policy(env: Env, policy: str) -> None:
    await update_realm(env, passwordPolicy=policy)


async def reset_user_password(env: Env, user_id: str, password: str) -> None:
    body = {"type": "password", "value": password, "temporary": False}
    await ok(env, "PUT", f"/users/{user_id}/reset-password", body)


async def refused(env: Env, user_id: str, password: str) -> None:
    """``expectBadRequestException(f -> resetUserPassword(user, password))``."""
    body = {"type": "password", "value": password, "temporary": False}
    response = await call(env, "PUT", f"/users/{user_id}/reset-password", body)
    assert response.status_code == 400, (password, response.text)
    assert response.json() == GENERIC, response.text


async def policy_refused(env: Env, policy: str) -> None:
    """``expectBadRequestException(f -> setPasswordAgePolicyValue(..))``: the realm keeps its policy."""
    response = await call(env, "PUT", "", {"passwordPolicy": policy})
    assert response.status_code == 400, (policy, response.text)


async def test_password_history_retry_same_password(env: Env, user: str) -> None:
    await set_policy(env, "passwordAge(1)")
    set_time_offset(env, -12 * 60 * 60)
    await reset_user_password(env, user, "secret")
    set_time_offset(env, 0)
    await refused(env, user, "secret")


async def test_password_history_with_two_passwords_error_thrown(env: Env, user: str) -> None:
    await set_policy(env, "passwordAge(1)")
    set_time_offset(env, -12 * 60 * 60)
    await reset_user_password(env, user, "secret")
    set_time_offset(env, -10 * 60 * 60)
    await reset_user_password(env, user, "secret1")
    set_time_offset(env, 0)
    await refused(env, user, "secret")


async def test_password_history_with_two_passwords(env: Env, user: str) -> None:
    await set_policy(env, "passwordAge(1)")
    set_time_offset(env, -2 * DAY)
    await reset_user_password(env, user, "secret")
    set_time_offset(env, -10 * 60 * 60)
    await reset_user_password(env, user, "secret1")
    set_time_offset(env, 0)
    await reset_user_password(env, user, "secret")


async def test_password_history_with_multiple_passwords_error_thrown(env: Env, user: str) -> None:
    """The first password 30 days less 15 minutes old: still recent."""
    await set_policy(env, "passwordAge(30)")
    for offset, password in ((-30 * DAY + 15 * 60, "secret"), (-25 * DAY, "secret1"), (-20 * DAY, "secret2")):
        set_time_offset(env, offset)
        await reset_user_password(env, user, password)
    set_time_offset(env, -10 * DAY)
    await reset_user_password(env, user, "secret3")
    set_time_offset(env, 0)
    await refused(env, user, "secret")


async def test_password_history_with_multiple_passwords(env: Env, user: str) -> None:
    """The first password 30 days and 5 minutes old: it may be used again."""
    await set_policy(env, "passwordAge(30)")
    for offset, password in ((-30 * DAY - 5 * 60, "secret"), (-25 * DAY, "secret1"), (-20 * DAY, "secret2")):
        set_time_offset(env, offset)
        await reset_user_password(env, user, password)
    set_time_offset(env, -10 * DAY)
    await reset_user_password(env, user, "secret3")
    set_time_offset(env, 0)
    await reset_user_password(env, user, "secret")


async def test_password_age0_days(env: Env, user: str) -> None:
    """``passwordAge(0)``: only the current password is refused."""
    await set_policy(env, "passwordAge(0)")
    await reset_user_password(env, user, "secret")
    await refused(env, user, "secret")
    await reset_user_password(env, user, "secret1")
    await reset_user_password(env, user, "secret")


async def test_password_age_set_to_negative(env: Env, user: str) -> None:
    """-1 checks nothing; another negative value refuses the current password only (not tried here, as in the
    Java test) and keeps no history, so ``secret`` and ``secret1`` set under ``passwordAge(10)`` are free again."""
    await set_policy(env, "passwordAge(-1)")
    await reset_user_password(env, user, "secret")
    await set_policy(env, "passwordAge(10)")
    for password in ("secret1", "secret2", "secret3"):
        await reset_user_password(env, user, password)
    await set_policy(env, "passwordAge(-2)")
    await reset_user_password(env, user, "secret")
    await reset_user_password(env, user, "secret1")
    await set_policy(env, "passwordAge(-3)")


async def test_password_age_set_to_invalid(env: Env, user: str) -> None:
    for value in ("abc", "2a", "asda2", "-/!"):
        await policy_refused(env, f"passwordAge({value})")


async def test_both_password_history_policies_password_history_policy_takes_over(env: Env, user: str) -> None:
    await set_policy(env, "passwordAge(1)")
    await set_policy(env, "passwordHistory(3)")
    set_time_offset(env, -2 * DAY)
    for password in ("secret", "secret1", "secret2"):
        await reset_user_password(env, user, password)
    set_time_offset(env, 0)
    await policy_refused(env, "passwordAge(secret)")


async def test_both_password_history_policies_password_age_policy_takes_over(env: Env, user: str) -> None:
    await set_policy(env, "passwordAge(2)")
    await set_policy(env, "passwordHistory(10)")
    set_time_offset(env, -DAY)
    for password in ("secret", "secret1", "secret2"):
        await reset_user_password(env, user, password)
    set_time_offset(env, 0)
    await policy_refused(env, "passwordAge(secret)")


async def test_both_policies_keep_a_hash_while_either_does(env: Env, user: str) -> None:
    """``passwordAge(2) and passwordHistory(2)``: ``secret``, two passwords back and a day old, is past what the
    history counts but recent; PasswordCredentialProvider keeps its hash ("more restrictive policy wins") and the
    age policy refuses it. Two days later it is free again."""
    await set_policy(env, "passwordAge(2) and passwordHistory(2)")
    set_time_offset(env, -DAY)
    for password in ("secret", "secret1", "secret2"):
        await reset_user_password(env, user, password)
    set_time_offset(env, 0)
    await refused(env, user, "secret")
    set_time_offset(env, 2 * DAY)
    await reset_user_password(env, user, "secret")


async def test_registration(env: Env, user: str) -> None:
    """A user registering under ``passwordAge(2)`` has no password to compare with: the code is issued."""
    await update_realm(env, registrationAllowed=True, passwordPolicy="passwordAge(2)")
    env.http.cookies.clear()
    params = {"client_id": "test-app", "redirect_uri": REDIRECT, "response_type": "code"}
    form = await env.http.get("/realms/test/protocol/openid-connect/registrations", params=params)
    assert 'id="kc-register-form"' in form.text, form.text[:800]
    fields = {"firstName": "firstName", "lastName": "lastName", "email": "registration-user@localhost"}
    page = await submit(
        env.http, form, **fields, username="registration-user", password="password", **{"password-confirm": "password"}
    )
    sent = code_from(page)
    assert "code" in sent and "error" not in sent, sent
    env.http.cookies.clear()
    (registered,) = await ok(env, "GET", "/users", username="registration-user", exact="true")
    await ok(env, "DELETE", f"/users/{registered['id']}")
    await update_realm(env, registrationAllowed=False)
