"""Security sweep s53: identity-first login with the Username Password Form second, and Keycloak 26.7's
required-action ranks (session 52), attacked as the security review attacks older code.

- The password page of an identity-first flow (UsernameForm, then UsernamePasswordForm with the user set before
  it) ignores a ``username`` smuggled into its POST (AbstractUsernameFormAuthenticator.validateUserAndPassword
  takes the user the first page set, USER_SET_BEFORE_USERNAME_PASSWORD_AUTH): the second user's password signs
  nobody in, the first user's password signs in the first user whatever name was posted, and a brute force
  lockout of the first user holds.
- The ranks are written only by whoever holds manage-realm (RequiredActionsResource: ``auth.realm().requireManageRealm``):
  view-realm, manage-users and a realm admin of another realm get 403 on update, raise and lower, nothing moved;
  a priority that is no Java int is 400 "Cannot parse the JSON", never a 500."""

from __future__ import annotations

import httpx
import pytest

from admin_support import make_admin
from browser_flow import code_from, exchange, start, submit
from flow_builder import AUTH, REQ, add, admin, bind, executions
from support import claims, seed_login_realm, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
FLOW = "identity-first-browser"
FORMS = f"{FLOW} forms"
RA = "/admin/realms/test/authentication/required-actions"


@pytest.fixture
async def identity_first(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock, events=True)
    await seed_user(env.db, env.clock, "test", "victim", password="Victim-pass-1")
    await seed_user(env.db, env.clock, "test", "attacker", password="Attacker-pass-1")
    await admin(env, "POST", f"{AUTH}/flows/browser/copy", {"newName": FLOW}, 201)
    for execution in await executions(env, FORMS):
        if execution["level"] == 0:
            await admin(env, "DELETE", f"{AUTH}/executions/{execution['id']}", status=204)
    await add(env, FORMS, "auth-username-form", REQ)
    await add(env, FORMS, "auth-username-password-form", REQ)
    await bind(env, "browserFlow", FLOW)
    return env


async def _password_page(env: Env, username: str) -> httpx.Response:
    page = await start(env.http, "test", "app")
    second = await submit(env.http, page, username=username)
    assert second.status_code == 200 and 'name="password"' in second.text, second.text[:600]
    return second


async def _subject(env: Env, answer: httpx.Response) -> str:
    token = await exchange(env.http, "test", "app", code_from(answer)["code"])
    assert token.status_code == 200, token.text
    return str(claims(token.json()["access_token"])["preferred_username"])


async def test_a_username_smuggled_into_the_password_page_is_ignored(identity_first: Env) -> None:
    env = identity_first
    page = await _password_page(env, "victim")
    other = await submit(env.http, page, username="attacker", password="Attacker-pass-1")
    assert other.status_code == 200 and "code=" not in other.headers.get("location", ""), other.text[:600]
    assert "Invalid username or password." in other.text
    own = await submit(env.http, other, username="attacker", password="Victim-pass-1")
    assert await _subject(env, own) == "victim"


async def test_the_smuggled_username_does_not_escape_a_lockout(identity_first: Env) -> None:
    env = identity_first
    changes = {"bruteForceProtected": True, "failureFactor": 1, "quickLoginCheckMilliSeconds": 0}
    updated = await env.http.put("/admin/realms/test", json=changes, headers=await env.admin_headers())
    assert updated.status_code == 204, updated.text
    page = await _password_page(env, "victim")
    wrong = await submit(env.http, page, password="wrong")
    assert wrong.status_code == 200, wrong.text[:600]
    env.clock.advance(2)
    locked = await submit(env.http, wrong, username="attacker", password="Victim-pass-1")
    assert locked.status_code == 200 and "code=" not in locked.headers.get("location", ""), locked.text[:600]


@pytest.fixture
async def ranks(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    await seed_realm(env.db, env.clock, "other")
    return env


async def _order(env: Env) -> list[tuple[str, int]]:
    listed = await env.http.get(RA, headers=await env.admin_headers())
    return [(a["alias"], a["priority"]) for a in listed.json()]


@pytest.mark.parametrize(
    ("realm", "roles"),
    [("test", ("view-realm",)), ("test", ("manage-users", "view-users")), ("other", ("realm-admin",))],
)
async def test_only_manage_realm_moves_the_ranks(ranks: Env, realm: str, roles: tuple[str, ...]) -> None:
    env = ranks
    _, headers = await make_admin(env, realm, "ranker", *roles)
    before = await _order(env)
    current = (await env.http.get(f"{RA}/UPDATE_PASSWORD", headers=await env.admin_headers())).json()
    for method, path, body in [
        ("PUT", f"{RA}/UPDATE_PASSWORD", {**current, "priority": 1}),
        ("POST", f"{RA}/UPDATE_PASSWORD/raise-priority", None),
        ("POST", f"{RA}/VERIFY_EMAIL/lower-priority", None),
        ("PUT", f"{RA}/VERIFY_PROFILE", {"alias": "VERIFY_PROFILE", "enabled": False, "priority": 0}),
        ("DELETE", f"{RA}/TERMS_AND_CONDITIONS", None),
    ]:
        answer = await env.http.request(method, path, json=body, headers=headers)
        assert answer.status_code == 403, (method, path, answer.status_code, answer.text)
    assert await _order(env) == before


@pytest.mark.parametrize("priority", ["abc", 2**31, -(2**31) - 1, True, [1], {"a": 1}, "1e3", "١"])
async def test_a_priority_that_is_no_java_int_is_refused(ranks: Env, priority: object) -> None:
    env = ranks
    before = await _order(env)
    current = (await env.http.get(f"{RA}/UPDATE_PASSWORD", headers=await env.admin_headers())).json()
    answer = await env.http.put(
        f"{RA}/UPDATE_PASSWORD", json={**current, "priority": priority}, headers=await env.admin_headers()
    )
    assert answer.status_code == 400, (priority, answer.status_code, answer.text)
    assert await _order(env) == before
