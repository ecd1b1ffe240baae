"""ConditionalUserAttributeValue with ``regex`` on: the administrator's pattern is matched against attribute
values a user may set themselves. Keycloak matches with ``String.matches`` and no limit; Doorkeep runs the
pattern on the ``regex`` engine with a time limit (flow_gates), so a catastrophic-backtracking pattern and a
crafted value cannot hold the server: the value does not match and the login goes on. The login carries a
generous client timeout only so that a regression fails instead of hanging the suite."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest

from browser_flow import code_from, form_action, start
from support import seed_login_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
AUTH = "/admin/realms/test/authentication"
REQ, ALT, COND = "REQUIRED", "ALTERNATIVE", "CONDITIONAL"
GUARD = httpx.Timeout(60.0)


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock, events=True)
    return env


async def admin(env: Env, method: str, path: str, body: Any = None) -> httpx.Response:
    response = await env.http.request(method, path, json=body, headers=await env.admin_headers())
    assert response.status_code < 300, (method, path, response.status_code, response.text)
    return response


async def add(env: Env, flow: str, provider: str, requirement: str, config: dict[str, str] | None = None) -> None:
    await admin(env, "POST", f"{AUTH}/flows/{quote(flow)}/executions/execution", {"provider": provider})
    rows = (await admin(env, "GET", f"{AUTH}/flows/{quote(flow)}/executions")).json()
    added = [e for e in rows if e.get("providerId") == provider][-1]
    await admin(env, "PUT", f"{AUTH}/flows/{quote(flow)}/executions", {**added, "requirement": requirement})
    if config is not None:
        body = {"alias": f"{flow}-{provider}", "config": config}
        await admin(env, "POST", f"{AUTH}/executions/{added['id']}/config", body)


async def add_flow(env: Env, parent: str, alias: str, requirement: str) -> None:
    body = {"alias": alias, "type": "basic-flow", "provider": "registration-page-form", "description": alias}
    await admin(env, "POST", f"{AUTH}/flows/{quote(parent)}/executions/flow", body)
    rows = (await admin(env, "GET", f"{AUTH}/flows/{quote(parent)}/executions")).json()
    added = next(e for e in rows if e.get("displayName") == alias)
    await admin(env, "PUT", f"{AUTH}/flows/{quote(parent)}/executions", {**added, "requirement": requirement})


async def deny_by_pattern(env: Env, pattern: str) -> None:
    """A browser flow that denies a user whose ``nick`` matches ``pattern``, bound to the realm."""
    body = {"alias": "deny-nick", "providerId": "basic-flow", "topLevel": True, "builtIn": False}
    await admin(env, "POST", f"{AUTH}/flows", {**body, "description": "deny-nick"})
    await add(env, "deny-nick", "auth-cookie", ALT)
    await add_flow(env, "deny-nick", "deny forms", ALT)
    await add(env, "deny forms", "auth-username-password-form", REQ)
    await add_flow(env, "deny forms", "by nick", COND)
    config = {"attribute_name": "nick", "attribute_expected_value": pattern, "regex": "true", "not": "false"}
    await add(env, "by nick", "conditional-user-attribute", REQ, config)
    await add(env, "by nick", "deny-access-authenticator", REQ, {"denyErrorMessage": "Nick denied."})
    await admin(env, "PUT", "/admin/realms/test", {"browserFlow": "deny-nick"})


async def login(env: Env, username: str) -> httpx.Response:
    env.http.cookies.clear()
    page = await start(env.http, "test", "app")
    return await env.http.post(
        form_action(page.text),
        data={"username": username, "password": "password"},
        timeout=GUARD,
    )


async def test_a_backtracking_pattern_and_a_crafted_value_do_not_hold_the_login(realm: Env) -> None:
    await seed_user(realm.db, realm.clock, "test", "user2", attributes={"nick": ["a" * 64 + "!"]})
    await seed_user(realm.db, realm.clock, "test", "user3", attributes={"nick": ["aaaa"]})
    await deny_by_pattern(realm, "(a+)+")
    assert "code" in code_from(await login(realm, "user2"))  # the crafted value: no match, no hang
    denied = await login(realm, "user3")
    assert denied.status_code == 401 and "Nick denied." in denied.text


async def test_a_pattern_the_engine_would_unroll_for_hours_matches_nothing(realm: Env) -> None:
    await seed_user(realm.db, realm.clock, "test", "user2", attributes={"nick": ["x"]})
    await deny_by_pattern(realm, "(?:x{65535}){65535}")
    assert "code" in code_from(await login(realm, "user2"))
