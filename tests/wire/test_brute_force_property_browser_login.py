"""Brute force lockout by user property through the browser's login form (users/brute_force_keys.py): the form's
failure counts the identifier the user typed, as the password grant's does (Keycloak's
DefaultBruteForceProtector takes the attempted username from the authentication session). A wrong password typed
with the e-mail moves the e-mail counter, not the username one; typed with the username, the username counter."""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import REDIRECT, start, submit
from flow_builder import AUTH, REQ, add, admin, bind
from support import password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
CONFIG: dict[str, Any] = {
    "bruteForceProtected": True,
    "failureFactor": 5,
    "bruteForcePropertyFailureFactor": 5,
    "waitIncrementSeconds": 60,
    "quickLoginCheckMilliSeconds": 0,
    "loginWithEmailAllowed": True,
    "bruteForceLockPolicy": "PROPERTIES",
    "bruteForceProtectedUserProperties": ["username", "email"],
}


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=(REDIRECT,))
    await seed_user(env.db, env.clock, "test", "alice", email_verified=True)
    response = await env.http.put(REALM, json=CONFIG, headers=await env.admin_headers())
    assert response.status_code == 204, response.text
    return env


async def _fail_in_browser(env: Env, typed: str) -> None:
    env.http.cookies.clear()
    page = await start(env.http, "test", "app")
    assert page.status_code == 200, page.text[:300]
    answer = await submit(env.http, page, username=typed, password="wrong")
    assert answer.status_code == 200 and "Invalid username or password." in answer.text


async def _counters(env: Env) -> dict[str, int]:
    headers = await env.admin_headers()
    [user] = (await env.http.get(f"{REALM}/users", params={"username": "alice"}, headers=headers)).json()
    status = (await env.http.get(f"{REALM}/attack-detection/brute-force/users/{user['id']}", headers=headers)).json()
    return {name: value["numFailures"] for name, value in status["properties"].items()}


async def test_a_wrong_password_typed_with_the_email_counts_the_email(realm: Env) -> None:
    for _ in range(2):
        realm.clock.advance(5)
        await _fail_in_browser(realm, "alice@example.com")
    assert await _counters(realm) == {"username": 0, "email": 2}


async def test_a_wrong_password_typed_with_the_username_counts_the_username(realm: Env) -> None:
    realm.clock.advance(5)
    await _fail_in_browser(realm, "alice")
    assert await _counters(realm) == {"username": 1, "email": 0}


async def test_deny_access_in_the_direct_grant_counts_what_the_grant_typed(realm: Env) -> None:
    """Deny Access after the password in the direct grant is a failure Brute Force Detection counts
    (AuthenticationProcessor.logFailure): typed with the e-mail, the e-mail counter moves."""
    alias = "direct grant - deny"
    body = {"alias": alias, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": alias}
    await admin(realm, "POST", f"{AUTH}/flows", body, 201)
    await add(realm, alias, "direct-grant-validate-username", REQ)
    await add(realm, alias, "direct-grant-validate-password", REQ)
    await add(realm, alias, "deny-access-authenticator", REQ)
    await bind(realm, "directGrantFlow", alias)
    realm.clock.advance(5)
    response = await password_grant(realm.http, "test", "app", "alice@example.com", "password")
    assert response.status_code == 401, response.text
    assert await _counters(realm) == {"username": 0, "email": 1}
