"""Fuzzing the admin and account REST APIs: every route of the URL map, every method, generated path
segments, query parameters and JSON bodies; no answer is a 5xx (security review L1).

The routes come from ``doorkeep.web.routes.routes()``, so a route added later is fuzzed too.
Bounded and derandomised (see fuzz_support.py).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import strategies as st
from starlette.routing import Route

from doorkeep.web.routes import routes
from fuzz_support import assert_no_server_error, fuzz, json_body, params, segment
from support import password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
QUERY_KEYS = [
    "first",
    "max",
    "search",
    "briefRepresentation",
    "q",
    "username",
    "email",
    "firstName",
    "lastName",
    "exact",
    "enabled",
    "emailVerified",
    "idpAlias",
    "clientId",
    "viewableOnly",
    "type",
    "client",
    "user",
    "dateFrom",
    "dateTo",
    "ipAddress",
    "isOffline",
    "current",
    "name",
    "global",
    "populateHierarchy",
]
PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")


def _endpoints(prefix: str) -> list[tuple[str, str]]:
    """(method, path template) for every route under ``prefix``, HEAD left out."""
    out: list[tuple[str, str]] = []
    for route in routes():
        if isinstance(route, Route) and route.path.startswith(prefix):
            out.extend((method, route.path) for method in sorted((route.methods or set()) - {"HEAD"}))
    return out


async def _ids(env: Env) -> dict[str, list[str]]:
    """Real values for each path parameter, so that the fuzzer also reaches past the 404s."""
    await seed_realm(env.db, env.clock)
    app = await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",), service_accounts=True)
    user = await seed_user(env.db, env.clock, "test", "user1")
    await password_grant(env.http, "test", "app", "user1", scope="offline_access")
    async with env.db.transaction() as tx:
        role = await tx.roles.get_realm_role(app.realm_id, "offline_access")
        scopes = await tx.scopes.list(app.realm_id)
        sessions = await tx.sessions.sessions_with_client(app.id, True, 0, 10)
    assert role is not None
    scope_ids = [s.id for s in scopes][:3] or ["none"]
    session_ids = [us.id for us, _ in sessions] or ["none"]
    return {
        "realm": ["test"],
        "users": [user.id],
        "clients": [app.id],
        "client-scopes": scope_ids,
        "default-default-client-scopes": scope_ids,
        "default-optional-client-scopes": scope_ids,
        "uuid": [app.id],
        "client": [app.id],
        "client_id": ["app"],
        "role_name": ["offline_access", "uma_authorization"],
        "role_id": [role.id],
        "scope_id": scope_ids,
        "session": session_ids,
        "credential": ["none"],
    }


def _request(endpoints: list[tuple[str, str]], ids: dict[str, list[str]]) -> st.SearchStrategy[Any]:
    @st.composite
    def build(draw: st.DrawFn) -> tuple[str, str, dict[str, str], bytes]:
        method, template = draw(st.sampled_from(endpoints))

        def fill(match: re.Match[str]) -> str:  # {id} takes its values from the collection before it
            before = template[: match.start()].rstrip("/").rsplit("/", 1)[-1]
            return draw(segment(ids.get(match.group(1)) or ids.get(before) or ["x"]))

        path = PARAM.sub(fill, template)
        query = draw(params(QUERY_KEYS))
        body = draw(json_body()) if method in ("POST", "PUT", "DELETE") else b""
        return method, path, query, body

    return build()


def _harmless(method: str, path: str, body: bytes) -> bytes | None:
    """The body to send, or None to skip: deleting or renaming the realm under test (or master) would
    end the run early (every later request a 404), not find bugs."""
    if not re.fullmatch(r"/admin/realms/(test|master)", path):
        return body
    if method == "DELETE":
        return None
    try:
        rep = json.loads(body)
    except (ValueError, RecursionError):  # the fuzz sends JSON nested past the recursion limit too
        return body
    return json.dumps({**rep, "realm": path.rsplit("/", 1)[1]}).encode() if isinstance(rep, dict) else body


async def _run(env: Env, endpoints: list[tuple[str, str]], headers: dict[str, str], examples: int) -> None:
    ids = await _ids(env)

    async def check(case: tuple[str, str, dict[str, str], bytes]) -> None:
        method, path, query, raw = case
        body = _harmless(method, path, raw)
        if body is None:
            return
        response = await env.http.request(
            method, path, params=query, content=body, headers={**headers, "Content-Type": "application/json"}
        )
        assert_no_server_error(response, case)

    await fuzz(_request(endpoints, ids), check, examples=examples)


async def test_admin_reads_never_answer_5xx(env: Env) -> None:
    headers = await env.admin_headers()
    endpoints = [e for e in _endpoints("/admin/realms") if e[0] == "GET"]
    await _run(env, endpoints, headers, examples=150)


async def test_admin_writes_never_answer_5xx(env: Env) -> None:
    headers = await env.admin_headers()
    endpoints = [e for e in _endpoints("/admin/realms") if e[0] != "GET"]
    await _run(env, endpoints, headers, examples=200)


async def test_admin_routes_without_a_valid_token_never_answer_5xx(env: Env) -> None:
    await _run(env, _endpoints("/admin/realms"), {"Authorization": "Bearer x.y.z"}, examples=60)


async def test_account_api_never_answers_5xx(env: Env) -> None:
    ids = await _ids(env)
    tokens = (await password_grant(env.http, "test", "app", "user1")).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}", "Content-Type": "application/json"}
    endpoints = [e for e in _endpoints("/realms/{realm}/account")]

    async def check(case: tuple[str, str, dict[str, str], bytes]) -> None:
        method, path, query, body = case
        response = await env.http.request(method, path, params=query, content=body, headers=headers)
        assert_no_server_error(response, case)

    await fuzz(_request(endpoints, ids), check, examples=120)
