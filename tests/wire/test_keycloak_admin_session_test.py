"""Keycloak 26's ``org.keycloak.testsuite.admin.client.SessionTest``
(testsuite/integration-arquillian/tests/base/.../admin/client/), one method to one test.

AbstractClientTest's realm ``test`` is imported through ``POST /admin/realms`` with admin events on, and
SessionTest.init's test user is made as ``createTestUserWithAdminClient`` makes it: ``POST users`` then
``PUT users/{id}/reset-password``, a CREATE and an ACTION admin event. The Java test signs in to the account
management page and signs out with its "Sign out" link; that page is the Account Console here, as in Keycloak
26, whose client is ``account-console`` (the old account page's ``account`` client no longer logs anyone in),
so the sessions are counted and listed on that client. The sign-out is the console's own (RP-initiated
logout with the console's ID token). Nothing is left out.

Elsewhere: the newer testGetUserSessionsWithRememberMe in test_kc_port4_sessions.py; paging, offline sessions and the other session endpoints in test_keycloak_admin_user_sessions.py,
test_admin_sessions.py and test_keycloak_consents_test.py."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from console_support import act, sign_in
from keycloak_port import ADMIN, admin_headers, client_uuid, forget, get, import_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

ACCOUNT = "/realms/test/account"
CONSOLE_CLIENT = "account-console"
TEST_USER = {"username": "test", "email": "test@email.test", "firstName": "test", "lastName": "user", "enabled": True}


@pytest.fixture
async def realm(env: Env) -> AsyncIterator[Env]:
    """AbstractClientTest's realm and SessionTest.init: the test user made through the admin API, and the
    two admin events that makes (the representation on the CREATE, none on the password reset)."""
    rep = {"realm": "test", "enabled": True, "adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    await import_realm(env, rep)
    headers = await admin_headers(env)
    created = await env.http.post(f"{ADMIN}/users", json=TEST_USER, headers=headers)
    assert created.status_code == 201, created.text
    user_id = created.headers["location"].rsplit("/", 1)[-1]
    password = {"type": "password", "value": "password", "temporary": False}
    reset = await env.http.put(f"{ADMIN}/users/{user_id}/reset-password", json=password, headers=headers)
    assert reset.status_code == 204, reset.text
    action, create = await get(env, "/admin-events")  # newest first
    assert (create["operationType"], create["resourceType"]) == ("CREATE", "USER")
    assert create["resourcePath"] == f"users/{user_id}"
    assert json.loads(create["representation"])["username"] == "test"
    assert (action["operationType"], action["resourceType"]) == ("ACTION", "USER")
    assert action["resourcePath"] == f"users/{user_id}/reset-password"
    assert "representation" not in action
    yield env
    forget(env)


async def _session_count(env: Env, uuid: str) -> int:
    body: dict[str, int] = await get(env, f"/clients/{uuid}/session-count")
    assert list(body) == ["count"]
    return body["count"]


async def _sign_in(env: Env) -> Any:
    """testRealmAccountManagementPage.navigateTo() and loginPage.form().login(testUser)."""
    page = await sign_in(env.http, f"{ACCOUNT}/", username="test", password="password")
    assert page.status_code == 200, page.text[:300]
    return page


async def _sign_out(env: Env, page: Any) -> None:
    """testRealmAccountManagementPage.signOut(): the console's sign-out, then the logout it redirects to."""
    out = await act(env.http, page, f"{ACCOUNT}/sign-out")
    assert out.status_code == 303, out.text[:300]
    logout = await env.http.get(out.headers["location"])
    assert logout.status_code == 302, logout.text[:300]
    assert logout.headers["location"] == f"http://localhost{ACCOUNT}/"


async def test_get_app_session_count(realm: Env) -> None:
    """SessionTest.testGetAppSessionCount: the console client's session count is 0, then 1 once the test user
    signed in, then 0 again after the sign-out."""
    uuid = await client_uuid(realm, CONSOLE_CLIENT)
    assert await _session_count(realm, uuid) == 0
    page = await _sign_in(realm)
    assert await _session_count(realm, uuid) == 1
    await _sign_out(realm, page)
    assert await _session_count(realm, uuid) == 0


async def test_get_user_sessions(realm: Env) -> None:
    """SessionTest.testGetUserSessions: ``user-sessions?first=0&max=5`` lists the one session, with the test
    user's id and username, the console client in ``clients`` (uuid to clientId), and an IP address, start and
    last access; here also the whole UserSessionRepresentation (times in milliseconds, rememberMe and
    transientUser false). After the sign-out the list is empty."""
    uuid = await client_uuid(realm, CONSOLE_CLIENT)
    page = await _sign_in(realm)
    sessions = await get(realm, f"/clients/{uuid}/user-sessions", first=0, max=5)
    assert len(sessions) == 1
    [rep] = sessions
    [user] = await get(realm, "/users", username="test", exact="true")
    assert rep["userId"] == user["id"] and rep["username"] == user["username"] == "test"
    assert rep["clients"] == {uuid: CONSOLE_CLIENT}
    now_ms = realm.clock.now() * 1000
    assert rep == {
        "id": rep["id"],
        "username": "test",
        "userId": user["id"],
        "ipAddress": "127.0.0.1",
        "start": now_ms,
        "lastAccess": now_ms,
        "rememberMe": False,
        "clients": {uuid: CONSOLE_CLIENT},
        "transientUser": False,
    }
    [of_user] = await get(realm, f"/users/{user['id']}/sessions")
    assert of_user == rep
    await _sign_out(realm, page)
    assert await get(realm, f"/clients/{uuid}/user-sessions", first=0, max=5) == []
