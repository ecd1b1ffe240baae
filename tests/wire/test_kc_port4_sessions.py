"""The method of Keycloak's newest SessionTest (tests/base/.../tests/admin/client/SessionTest.java, keycloak@219684bd)
that test_keycloak_admin_session_test.py, ported from the old testsuite's copy, does not have:
``testGetUserSessionsWithRememberMe``. The realm is that module's (AbstractClientTest's realm ``test`` with the
test user), with remember-me switched on as ``managedRealm.updateWithCleanup(r -> r.setRememberMe(true))`` does;
the sign-in is the Account Console's, as there (the old account page's ``account`` client logs no one in).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from console_support import sign_in
from keycloak_port import ADMIN, admin_headers, client_uuid, forget, get, import_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

ACCOUNT = "/realms/test/account"
CONSOLE_CLIENT = "account-console"
TEST_USER = {"username": "test", "email": "test@email.test", "firstName": "test", "lastName": "user", "enabled": True}


@pytest.fixture
def admin_env(env: Env) -> Iterator[Env]:
    """``env``, its cached admin token forgotten afterwards."""
    yield env
    forget(env)


async def _realm(env: Env, *, remember_me: bool) -> None:
    await import_realm(env, {"realm": "test", "enabled": True, "adminEventsEnabled": True})
    headers = await admin_headers(env)
    created = await env.http.post(f"{ADMIN}/users", json=TEST_USER, headers=headers)
    assert created.status_code == 201, created.text
    user_id = created.headers["location"].rsplit("/", 1)[-1]
    password = {"type": "password", "value": "password", "temporary": False}
    assert (await env.http.put(f"{ADMIN}/users/{user_id}/reset-password", json=password, headers=headers)).is_success
    changed = await env.http.put(ADMIN, json={"rememberMe": remember_me}, headers=headers)
    assert changed.status_code == 204, changed.text


@pytest.mark.parametrize("remember_me", [True, False])
async def test_get_user_sessions_with_remember_me(admin_env: Env, remember_me: bool) -> None:
    """The login page's "Remember me" ticked: the one session the client's ``user-sessions`` lists says
    ``rememberMe: true``; without remember-me on the realm the box is not there, and a ``rememberMe`` posted
    anyway leaves the session an ordinary one."""
    env = admin_env
    await _realm(env, remember_me=remember_me)
    page = await sign_in(env.http, f"{ACCOUNT}/", username="test", password="password", extra={"rememberMe": "on"})
    assert page.status_code == 200, page.text[:300]
    uuid = await client_uuid(env, CONSOLE_CLIENT)
    sessions = await get(env, f"/clients/{uuid}/user-sessions", first=0, max=5)
    assert len(sessions) == 1, sessions
    assert sessions[0]["rememberMe"] is remember_me
    [user] = await get(env, "/users", username="test", exact="true")
    [of_user] = await get(env, f"/users/{user['id']}/sessions")
    assert of_user["rememberMe"] is remember_me
