"""Security sweep s52: the User Session Count Limiter (oauth/session_limits.py, Keycloak's
UserSessionLimitsAuthenticator) attacked as the security review attacks older code: parallel logins racing past the
count (several app instances at once, both engines), and the ways around it Keycloak leaves open too (offline
sessions, impersonation, another client, a login parked on a required action), pinned so that a change to them is
seen."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from browser_flow import start, submit
from flow_builder import ADMIN, AUTH, add, admin, bind
from support import update_client, update_user
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio

LIMITER = "user-session-limits"
DIRECT, BROWSER = "direct grant limited", "browser limited"
DENY, TERMINATE = "Deny new session", "Terminate oldest session"
TOKEN = "/realms/test/protocol/openid-connect/token"
PARALLEL = 6


async def _limited(env: Env, **config: str) -> None:
    """A copy of ``direct grant`` with the limiter REQUIRED after the password, bound to the realm."""
    await admin(env, "POST", f"{AUTH}/flows/direct grant/copy", {"newName": DIRECT}, 201)
    await add(env, DIRECT, LIMITER, "REQUIRED", {"userClientLimit": "0", "userRealmLimit": "0", **config})
    await bind(env, "directGrantFlow", DIRECT)


def _grant(scope: str = "") -> dict[str, str]:
    data = {"grant_type": "password", "client_id": "app", "client_secret": "secret"}
    data |= {"username": "user1", "password": "password"}
    return data | ({"scope": scope} if scope else {})


async def _sessions(env: Env, kind: str = "sessions") -> list[dict[str, Any]]:
    found = await env.http.get(f"{ADMIN}/users", params={"username": "user1", "exact": "true"},
                               headers=await env.admin_headers())  # fmt: skip
    [user] = found.json()
    if kind == "offline":
        path = f"{ADMIN}/users/{user['id']}/offline-sessions/{await _app_uuid(env)}"
    else:
        path = f"{ADMIN}/users/{user['id']}/sessions"
    listed = await env.http.get(path, headers=await env.admin_headers())
    assert listed.status_code == 200, listed.text
    body: list[dict[str, Any]] = listed.json()
    return body


async def _app_uuid(env: Env) -> str:
    found = await env.http.get(f"{ADMIN}/clients", params={"clientId": "app"}, headers=await env.admin_headers())
    return str(found.json()[0]["id"])


async def _at_once(env: Env, count: int) -> list[httpx.Response]:
    """``count`` direct grants for user1 sent together, each through its own app instance (as many workers)."""
    browsers = [client_at(env, f"10.1.0.{n}") for n in range(1, count + 1)]
    headers = {"Accept": "application/json"}
    try:
        return list(await asyncio.gather(*(b.post(TOKEN, data=_grant(), headers=headers) for b in browsers)))
    finally:
        for browser in browsers:
            await browser.aclose()


async def test_parallel_logins_do_not_race_past_a_deny_limit(realm: Env) -> None:
    """Realm limit 1, Deny new session: of six logins at once exactly one gets tokens and one session exists; the
    others are the limiter's 403 (the count and the new session are one step per user on both engines)."""
    await _limited(realm, userRealmLimit="1", behavior=DENY)
    answers = await _at_once(realm, PARALLEL)
    assert sorted(a.status_code for a in answers) == [200] + [403] * (PARALLEL - 1), [a.text for a in answers]
    assert len(await _sessions(realm)) == 1


async def test_parallel_logins_do_not_race_past_a_terminate_limit(realm: Env) -> None:
    """Realm limit 1, Terminate oldest session: six logins at once all get tokens, and one session is left."""
    await _limited(realm, userRealmLimit="1", behavior=TERMINATE)
    answers = await _at_once(realm, PARALLEL)
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    assert len(await _sessions(realm)) == 1


async def test_parallel_logins_do_not_race_past_a_client_limit(realm: Env) -> None:
    """Client limit 2, Deny new session: of six logins at once exactly two get tokens."""
    await _limited(realm, userClientLimit="2", behavior=DENY)
    answers = await _at_once(realm, PARALLEL)
    assert sorted(a.status_code for a in answers) == [200, 200] + [403] * (PARALLEL - 2), [a.text for a in answers]
    assert len(await _sessions(realm)) == 2


async def test_offline_sessions_are_not_counted_as_in_keycloak(realm: Env) -> None:
    """Keycloak counts online sessions only (getUserSessionsStream): offline tokens from direct grants are not
    limited, and their online sessions are gone at once (S7), so the limit is still free for a normal login."""
    await _limited(realm, userRealmLimit="1", behavior=DENY)
    for _ in range(3):
        answer = await realm.http.post(TOKEN, data=_grant("offline_access"))
        assert answer.status_code == 200, answer.text
    assert len(await _sessions(realm, "offline")) == 3
    assert (await realm.http.post(TOKEN, data=_grant())).status_code == 200
    refused = await realm.http.post(TOKEN, data=_grant(), headers={"Accept": "application/json"})
    assert refused.status_code == 403, refused.text


async def test_an_impersonation_is_no_login_and_not_limited_as_in_keycloak(realm: Env) -> None:
    """UserResource.impersonate makes its session without a flow: the limiter does not run (Keycloak the same), but
    the impersonation's session counts against the user's next login."""
    await _limited(realm, userRealmLimit="1", behavior=DENY)
    assert (await realm.http.post(TOKEN, data=_grant())).status_code == 200
    [session] = await _sessions(realm)
    made = await realm.http.post(
        f"{ADMIN}/users/{session['userId']}/impersonation", headers=await realm.admin_headers()
    )
    assert made.status_code == 200, made.text
    assert len(await _sessions(realm)) == 2
    refused = await realm.http.post(TOKEN, data=_grant(), headers={"Accept": "application/json"})
    assert refused.status_code == 403, refused.text


async def test_a_wrong_password_is_not_told_the_limit(realm: Env) -> None:
    """The limiter runs after the password: a caller without it learns nothing of the user's sessions (the usual
    'Invalid user credentials' whether or not the limit is reached)."""
    await _limited(realm, userRealmLimit="1", behavior=DENY)
    assert (await realm.http.post(TOKEN, data=_grant())).status_code == 200
    wrong = await realm.http.post(TOKEN, data=_grant() | {"password": "nope"}, headers={"Accept": "application/json"})
    assert wrong.status_code == 400 and wrong.json()["error_description"] == "Invalid user credentials"


async def test_parallel_browser_logins_do_not_race_past_a_deny_limit(realm: Env) -> None:
    """The same race through the login form: six browsers each on the form post the password at once; one signs in,
    the others get the limiter's 403 page, and one session exists."""
    await update_client(realm.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    body = {"alias": BROWSER, "providerId": "basic-flow", "topLevel": True, "builtIn": False}
    await admin(realm, "POST", f"{AUTH}/flows", body, 201)
    await add(realm, BROWSER, "auth-username-password-form", "REQUIRED")
    await add(realm, BROWSER, LIMITER, "REQUIRED", {"userRealmLimit": "1", "userClientLimit": "0", "behavior": DENY})
    await bind(realm, "browserFlow", BROWSER)
    browsers = [client_at(realm, f"10.2.0.{n}") for n in range(1, PARALLEL + 1)]
    try:
        pages = [await start(b, "test", "app") for b in browsers]
        posted = await asyncio.gather(
            *(submit(b, p, username="user1", password="password") for b, p in zip(browsers, pages, strict=True))
        )
    finally:
        for browser in browsers:
            await browser.aclose()
    assert sorted(p.status_code for p in posted) == [302] + [403] * (PARALLEL - 1), [p.status_code for p in posted]
    assert len(await _sessions(realm)) == 1


async def test_a_login_parked_on_a_required_action_is_not_counted_as_in_keycloak(realm: Env) -> None:
    """Keycloak's AuthenticationProcessor.authenticationComplete does not attach the user session ("Session will be
    attached after requiredActions + consents are finished"): AuthenticationManager.finishedRequiredActions makes
    it, and runs no authenticator. So a login parked on UPDATE_PASSWORD holds no session the limiter of a second
    browser could count, the second signs in, and the first, finishing its action, signs in too: two sessions under
    a realm limit of 1, as in Keycloak (pinned: a change to where the session is made shows here)."""
    await update_client(realm.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    body = {"alias": BROWSER, "providerId": "basic-flow", "topLevel": True, "builtIn": False}
    await admin(realm, "POST", f"{AUTH}/flows", body, 201)
    await add(realm, BROWSER, "auth-username-password-form", "REQUIRED")
    await add(realm, BROWSER, LIMITER, "REQUIRED", {"userRealmLimit": "1", "userClientLimit": "0", "behavior": DENY})
    await bind(realm, "browserFlow", BROWSER)
    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PASSWORD",))
    first, second = client_at(realm, "10.5.0.1"), client_at(realm, "10.5.0.2")
    try:
        parked = await submit(first, await start(first, "test", "app"), username="user1", password="password")
        assert 'name="password-new"' in parked.text, parked.text[:300]
        assert await _sessions(realm) == []  # no session while the login waits on its required action
        other = await submit(second, await start(second, "test", "app"), username="user1", password="password")
        assert 'name="password-new"' in other.text, other.text[:300]  # the limiter passed: nothing to count
        signed = await submit(second, other, **{"password-new": "n3w-pass", "password-confirm": "n3w-pass"})
        assert signed.status_code == 302, signed.text[:300]
        assert len(await _sessions(realm)) == 1
        late = await submit(first, parked, **{"password-new": "n3w-pass2", "password-confirm": "n3w-pass2"})
        assert late.status_code == 302, late.text[:300]  # finishedRequiredActions: no limiter runs
        assert len(await _sessions(realm)) == 2
    finally:
        await first.aclose()
        await second.aclose()
