"""Shared set-up of the WebAuthn wire tests: realm ``test`` (events on) with ``app`` and ``user1``, a browser flow
an admin builds with the WebAuthn authenticator after the password, and the login driven over HTTP with a
software key (webauthn_port)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from browser_flow import start, submit
from support import seed_login_realm
from wire_env import Env

ADMIN = "/admin/realms/test"
AUTH = ADMIN + "/authentication"
REQ, ALT, DIS, COND = "REQUIRED", "ALTERNATIVE", "DISABLED", "CONDITIONAL"


async def seed(env: Env) -> None:
    await seed_login_realm(env.db, env.clock, events=True)


async def admin(env: Env, method: str, path: str, body: Any = None, status: int | None = None) -> httpx.Response:
    response = await env.http.request(method, path, json=body, headers=await env.admin_headers())
    if status is not None:
        assert response.status_code == status, (method, path, response.status_code, response.text)
    return response


async def executions(env: Env, flow: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await admin(env, "GET", f"{AUTH}/flows/{quote(flow)}/executions", status=200)).json()
    return found


async def add(env: Env, flow: str, provider: str, requirement: str) -> None:
    """An execution added to ``flow`` (the console's "Add step" / "Add condition") with ``requirement``."""
    await admin(env, "POST", f"{AUTH}/flows/{quote(flow)}/executions/execution", {"provider": provider}, 201)
    added = [e for e in await executions(env, flow) if e.get("providerId") == provider][-1]
    await admin(env, "PUT", f"{AUTH}/flows/{quote(flow)}/executions", {**added, "requirement": requirement}, 202)


async def add_flow(env: Env, parent: str, alias: str, requirement: str) -> None:
    body = {"alias": alias, "type": "basic-flow", "provider": "registration-page-form", "description": alias}
    await admin(env, "POST", f"{AUTH}/flows/{quote(parent)}/executions/flow", body, 201)
    added = next(e for e in await executions(env, parent) if e.get("displayName") == alias)
    await admin(env, "PUT", f"{AUTH}/flows/{quote(parent)}/executions", {**added, "requirement": requirement}, 202)


async def webauthn_flow(env: Env, *, conditional: bool = False) -> None:
    """A browser flow: the Cookie, then the password form and the WebAuthn authenticator, REQUIRED (or in a
    CONDITIONAL sub-flow under conditional-user-configured, as Keycloak's "browser" has its OTP), bound."""
    body = {"alias": "wa", "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": "wa"}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, "wa", "auth-cookie", ALT)
    await add_flow(env, "wa", "wa forms", ALT)
    await add(env, "wa forms", "auth-username-password-form", REQ)
    if conditional:
        await add_flow(env, "wa forms", "wa 2fa", COND)
        await add(env, "wa 2fa", "conditional-user-configured", REQ)
        await add(env, "wa 2fa", "webauthn-authenticator", REQ)
    else:
        await add(env, "wa forms", "webauthn-authenticator", REQ)
    await admin(env, "PUT", ADMIN, {"browserFlow": "wa"}, 204)


async def password_page(env: Env, **params: str) -> httpx.Response:
    """The login started, the password given: the page that follows."""
    page = await start(env.http, "test", "app", **params)
    assert page.status_code == 200, page.text[:300]
    return await submit(env.http, page, username="user1", password="password")


async def user_id(env: Env, username: str = "user1") -> str:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, username)
        assert user is not None
        return user.id


async def events(env: Env, *types: str) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        found = await tx.events.find(test.id, types=list(types))
        return sorted(found, key=lambda e: e.time)
