"""Authentication → Flows of the Admin Console against administrators who may not use it (beyond
test_admin_console_flows_hostile.py's view-only administrator): one holding manage-users alone, and a realm
administrator of another realm reaching this realm's flows through its own console's URL. Neither sees the flows
nor changes them; every POST carries a valid CSRF token and the right Origin, so the refusal is the rights check."""

from __future__ import annotations

import httpx
import pytest

from admin_support import make_admin
from console_support import HTML, ORIGIN, csrf, sign_in
from support import seed_realm
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio


@pytest.fixture
async def two_realms(realm: Env) -> Env:
    await seed_realm(realm.db, realm.clock, "other")
    return realm


async def _aliases(env: Env) -> set[str]:
    found = await env.http.get("/admin/realms/test/authentication/flows", headers=await env.admin_headers())
    return {f["alias"] for f in found.json()}


async def _attempts(http: httpx.AsyncClient, console: str, token: str, browser_id: str) -> None:
    flows = f"{console}/test/authentication/flows"
    listing = await http.get(flows, headers=HTML)
    assert listing.status_code in (403, 404), listing.text[:300]
    assert "browser" not in listing.text or "flows" not in listing.text.lower()
    for path, fields in [
        (
            f"{console}/test/authentication/create-flow",
            {"alias": "planted", "description": "", "providerId": "basic-flow"},
        ),
        (f"{flows}/{browser_id}/duplicate", {"name": "planted-copy", "description": ""}),
        (f"{flows}/{browser_id}/edit", {"alias": "renamed", "description": ""}),
        (f"{flows}/{browser_id}/delete", {"confirmed": "yes"}),
        (f"{flows}/{browser_id}/add", {"kind": "execution", "provider": "auth-cookie"}),
    ]:
        answer = await http.post(path, data={"csrf_token": token, **fields}, headers=ORIGIN)
        assert answer.status_code in (403, 404), (path, answer.status_code, answer.text[:300])


async def _browser_id(env: Env) -> str:
    found = await env.http.get("/admin/realms/test/authentication/flows", headers=await env.admin_headers())
    return str(next(f["id"] for f in found.json() if f["alias"] == "browser"))


async def test_manage_users_alone_neither_sees_nor_changes_flows(two_realms: Env) -> None:
    env = two_realms
    before = await _aliases(env)
    await make_admin(env, "test", "helpdesk", "manage-users", "view-users")
    async with client_at(env, "127.0.0.4") as http:
        await sign_in(http, "/admin/test/console/", "helpdesk")
        found = await env.http.get(
            "/admin/realms/test/users", params={"username": "user1"}, headers=await env.admin_headers()
        )
        credentials = await http.get(
            f"/admin/test/console/test/users/{found.json()[0]['id']}/credentials", headers=HTML
        )
        token = csrf(credentials)  # a page of the users it may manage, with its session's CSRF token
        await _attempts(http, "/admin/test/console", token, await _browser_id(env))
    assert await _aliases(env) == before


async def test_another_realm_s_admin_cannot_reach_this_realm_s_flows(two_realms: Env) -> None:
    env = two_realms
    before = await _aliases(env)
    await make_admin(env, "other", "foreign", "realm-admin")
    async with client_at(env, "127.0.0.5") as http:
        await sign_in(http, "/admin/other/console/", "foreign")
        token = csrf(await http.get("/admin/other/console/other/authentication/flows", headers=HTML))
        await _attempts(http, "/admin/other/console", token, await _browser_id(env))
    assert await _aliases(env) == before


async def test_every_flows_console_post_needs_the_csrf_token_and_this_origin(two_realms: Env) -> None:
    """Each of the Flows pages' twelve actions (ADMIN.action) refuses a realm admin's POST without the session's
    CSRF token, with another token, and with the right token from another Origin; nothing changes."""
    env = two_realms
    headers = await env.admin_headers()
    copied = await env.http.post(
        "/admin/realms/test/authentication/flows/browser/copy", json={"newName": "mine"}, headers=headers
    )
    assert copied.status_code == 201, copied.text
    found = await env.http.get("/admin/realms/test/authentication/flows", headers=headers)
    mine = next(f["id"] for f in found.json() if f["alias"] == "mine")
    steps = await env.http.get("/admin/realms/test/authentication/flows/mine/executions", headers=headers)
    before = steps.json()
    step = before[0]["id"]
    aliases = await _aliases(env)
    await make_admin(env, "test", "boss", "realm-admin")
    flow = f"/admin/test/console/test/authentication/flows/{mine}"
    actions = [
        ("/admin/test/console/test/authentication/create-flow", {"alias": "new", "providerId": "basic-flow"}),
        (f"{flow}/duplicate", {"name": "copied"}),
        (f"{flow}/edit", {"alias": "renamed", "description": ""}),
        (f"{flow}/bind", {"bindingType": "browserFlow"}),
        (f"{flow}/delete", {"confirmed": "yes"}),
        (f"{flow}/add", {"kind": "execution", "provider": "auth-cookie"}),
        (f"{flow}/executions/{step}/requirement", {"requirement": "DISABLED"}),
        (f"{flow}/executions/{step}/raise-priority", {}),
        (f"{flow}/executions/{step}/lower-priority", {}),
        (f"{flow}/executions/{step}/delete", {"confirmed": "yes"}),
        (f"{flow}/executions/{step}/config", {"alias": "x"}),
        (f"{flow}/executions/{step}/config/clear", {}),
    ]
    async with client_at(env, "127.0.0.6") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        token = csrf(await http.get("/admin/test/console/test/authentication/flows", headers=HTML))
        for path, fields in actions:
            for data, origin in (
                (fields, ORIGIN),
                ({**fields, "csrf_token": "x" * len(token)}, ORIGIN),
                ({**fields, "csrf_token": token}, {"Origin": "https://evil.example"}),
            ):
                answer = await http.post(path, data=data, headers=origin)
                assert answer.status_code == 403, (path, answer.status_code, answer.text[:200])
    steps = await env.http.get("/admin/realms/test/authentication/flows/mine/executions", headers=headers)
    assert steps.json() == before and await _aliases(env) == aliases
    realm = await env.http.get("/admin/realms/test", headers=headers)
    assert realm.json()["browserFlow"] == "browser"
