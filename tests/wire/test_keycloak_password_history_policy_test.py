"""Keycloak's PasswordHistoryPolicyTest (testsuite/integration-arquillian/tests/base/.../policy/
PasswordHistoryPolicyTest.java) over HTTP: ``passwordHistory(N)`` set through PUT of the realm, the password
reset through ``PUT users/{id}/reset-password`` and labelled through ``PUT credentials/{id}/userLabel`` as its
``resetUserPassword`` does, a reused password refused with 400 and Keycloak's ``invalidPasswordHistoryMessage``.
One app for the module (``group_port.shared_env``), realm ``test`` imported once; ``test_user`` made before each
test and removed after it, as the Java class's ``@Before`` / ``@After``.

Beside the port: the previous passwords are not listed by GET ``users/{id}/credentials`` (Keycloak shows
``password-history`` credentials nowhere in the admin API) and go with their user.

Not ported: testInvalidPasswordHistoryPolicyValue_zero and testInvalidPasswordHistoryPolicyValue_negative are
``@Ignore("KEYCLOAK-12673")`` in Keycloak, which accepts ``passwordHistory(0)`` and ``passwordHistory(-1)``; so
does Doorkeep (0 refuses the current password only, -1 nothing).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

import group_port
from doorkeep.store.tables import password_history
from keycloak_port import import_realm, update_realm
from role_port import call, create, ok
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env


@pytest.fixture(scope="module")
async def test_realm(shared_env: Env) -> Env:
    await import_realm(shared_env, {"realm": "test", "enabled": True})
    return shared_env


@pytest.fixture
async def user(test_realm: Env) -> AsyncIterator[str]:
    """``createUser(createUserRepresentation("test_user"))``; removed after the test."""
    rep = {"username": "test_user", "email": "test_user@email.test", "emailVerified": True}
    user_id = await create(test_realm, "/users", rep)
    yield user_id
    await ok(test_realm, "DELETE", f"/users/{user_id}")


async def set_password_history(env: Env, policy: str) -> None:
    await update_realm(env, passwordPolicy=policy)


async def reset_user_password(env: Env, user_id: str, password: str) -> None:
    """``resetUserPassword``: the password reset, then its credential labelled "My Password"."""
    body = {"type": "password", "value": password, "temporary": False}
    await ok(env, "PUT", f"/users/{user_id}/reset-password", body)
    credentials = await ok(env, "GET", f"/users/{user_id}/credentials")
    password_id = next(c["id"] for c in credentials if c["type"] == "password")
    await ok(env, "PUT", f"/users/{user_id}/credentials/{password_id}/userLabel", "My Password")


async def refused(env: Env, user_id: str, password: str, count: int) -> None:
    """``expectBadRequestException``: 400 with the policy's message; the password stays as it was."""
    body = {"type": "password", "value": password, "temporary": False}
    response = await call(env, "PUT", f"/users/{user_id}/reset-password", body)
    assert response.status_code == 400, (password, response.text)
    assert response.json() == {
        "error": "invalidPasswordHistoryMessage",
        "error_description": f"Invalid password: must not be equal to any of last {count} passwords.",
    }, password


async def test_password_history_no_history(env: Env, user: str) -> None:
    await set_password_history(env, "")
    await reset_user_password(env, user, "secret")
    await reset_user_password(env, user, "secret")


async def test_password_history_length1(env: Env, user: str) -> None:
    await set_password_history(env, "passwordHistory(1)")
    await reset_user_password(env, user, "secret")
    await refused(env, user, "secret", 1)
    await reset_user_password(env, user, "secret_2")


async def test_password_history_length2(env: Env, user: str) -> None:
    await set_password_history(env, "passwordHistory(2)")
    await reset_user_password(env, user, "secret")
    await reset_user_password(env, user, "secret_2")  # history: secret_2, secret
    await refused(env, user, "secret_2", 2)
    await refused(env, user, "secret", 2)
    await reset_user_password(env, user, "secret_3")  # history: secret_3, secret_2
    await refused(env, user, "secret_3", 2)
    await refused(env, user, "secret_2", 2)
    await reset_user_password(env, user, "secret")  # history: secret, secret_3


async def _length3(env: Env, user: str) -> None:
    await set_password_history(env, "passwordHistory(3)")
    for password in ("secret", "secret_2", "secret_3"):  # history: secret_3, secret_2, secret
        await reset_user_password(env, user, password)
    for password in ("secret_3", "secret_2", "secret"):
        await refused(env, user, password, 3)
    await reset_user_password(env, user, "secret_4")  # history: secret_4, secret_3, secret_2
    for password in ("secret_4", "secret_3", "secret_2"):
        await refused(env, user, password, 3)
    await reset_user_password(env, user, "secret")  # history: secret, secret_4, secret_3


async def test_password_history_length3(env: Env, user: str) -> None:
    await _length3(env, user)


async def test_password_history_length_change(env: Env, user: str) -> None:
    await _length3(env, user)  # history: secret, secret_4, secret_3
    await set_password_history(env, "passwordHistory(2)")  # history: secret, secret_4
    await refused(env, user, "secret", 2)
    await refused(env, user, "secret_4", 2)
    await reset_user_password(env, user, "secret_2")  # history: secret_2, secret
    await set_password_history(env, "passwordHistory(1)")  # history: secret_2
    await refused(env, user, "secret_2", 1)
    await reset_user_password(env, user, "secret")  # history: secret
    await set_password_history(env, "")  # history:
    await reset_user_password(env, user, "secret")


async def test_invalid_password_history_policy_value_not_a_number(env: Env, user: str) -> None:
    for value in ("abc", "2-", "-2-"):
        response = await call(env, "PUT", "", {"passwordPolicy": f"passwordHistory({value})"})
        assert response.status_code == 400, (value, response.text)
        assert response.json() == {"errorMessage": "Invalid config for passwordHistory: Not a valid number"}, value


async def _history_rows(env: Env, user_id: str) -> int:
    async with env.db.engine.connect() as conn:
        query = select(func.count()).select_from(password_history).where(password_history.c.user_id == user_id)
        return int((await conn.execute(query)).scalar_one())


async def test_previous_passwords_are_kept_unlisted_trimmed_and_deleted_with_the_user(env: Env) -> None:
    await set_password_history(env, "passwordHistory(3)")
    user_id = await create(env, "/users", {"username": "history_user", "credentials": [{"value": "first"}]})
    for password in ("second", "third", "fourth"):
        await reset_user_password(env, user_id, password)
    credentials = await ok(env, "GET", f"/users/{user_id}/credentials")
    assert [c["type"] for c in credentials] == ["password"]  # no password-history entry, as Keycloak
    assert await _history_rows(env, user_id) == 2  # N-1: third and second; first trimmed
    await reset_user_password(env, user_id, "first")
    await set_password_history(env, "")
    await reset_user_password(env, user_id, "fifth")  # without the policy the history goes
    assert await _history_rows(env, user_id) == 0
    await set_password_history(env, "passwordHistory(3)")
    await reset_user_password(env, user_id, "sixth")
    assert await _history_rows(env, user_id) == 1
    await ok(env, "DELETE", f"/users/{user_id}")
    assert await _history_rows(env, user_id) == 0


async def test_put_user_with_a_previous_password_is_refused_and_a_new_one_moves_the_old(env: Env, user: str) -> None:
    """UserResource.updateUser with ``credentials`` goes through the same credential manager: a reused password is
    refused with the policy's message, a new one keeps the old hash in the history."""
    await set_password_history(env, "passwordHistory(2)")
    await reset_user_password(env, user, "secret")
    rep = await ok(env, "GET", f"/users/{user}")
    response = await call(env, "PUT", f"/users/{user}", {**rep, "credentials": [{"value": "secret"}]})
    assert response.status_code == 400, response.text
    assert response.json()["error_description"] == "Invalid password: must not be equal to any of last 2 passwords."
    await ok(env, "PUT", f"/users/{user}", {**rep, "credentials": [{"value": "secret_2"}]})
    assert await _history_rows(env, user) == 1
    await refused(env, user, "secret", 2)
