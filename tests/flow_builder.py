"""Building browser and direct grant flows over the Admin REST API, as an admin does in Keycloak's console (copy
``browser``, or create a flow and add executions and sub-flows, then set requirements and configs), for the tests
of the flows Doorkeep compiles (realms/flow_plan.py); and the OTP credential and pages those tests meet."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import quote

import httpx

from doorkeep.model import Credential
from wire_env import Env

ADMIN = "/admin/realms/test"
AUTH = ADMIN + "/authentication"
REQ, ALT, DIS, COND = "REQUIRED", "ALTERNATIVE", "DISABLED", "CONDITIONAL"
AUTO = "auto link"


SECRET = "abcdefghijABCDEFGHIJ"  # an OTP secret as Keycloak draws them: its bytes are the key


def totp(now: int) -> str:
    mac = hmac.new(SECRET.encode(), (now // 30).to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return str((int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**6).zfill(6)


async def add_otp(env: Env, username: str = "user1") -> None:
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, username)
        assert user is not None
        data = {"subType": "totp", "digits": 6, "counter": 0, "period": 30, "algorithm": "HmacSHA1"}
        await tx.users.add_credential(Credential(f"otp-{username}", user.id, "otp", {"value": SECRET}, data, 1, None))


async def events(env: Env, kind: str) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return await tx.events.find(test.id, types=[kind])


async def admin(env: Env, method: str, path: str, body: Any = None, status: int | None = None) -> httpx.Response:
    response = await env.http.request(method, path, json=body, headers=await env.admin_headers())
    if status is not None:
        assert response.status_code == status, (method, path, response.status_code, response.text)
    return response


async def executions(env: Env, flow: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await admin(env, "GET", f"{AUTH}/flows/{quote(flow)}/executions", status=200)).json()
    return found


async def add(env: Env, flow: str, provider: str, requirement: str, config: dict[str, str] | None = None) -> None:
    """Add an execution to ``flow`` (as the console's "Add step" / "Add condition"), set its requirement."""
    await admin(env, "POST", f"{AUTH}/flows/{quote(flow)}/executions/execution", {"provider": provider}, 201)
    added = [e for e in await executions(env, flow) if e.get("providerId") == provider][-1]
    await set_requirement(env, flow, added, requirement)
    if config is not None:
        body = {"alias": f"{flow}-{provider}", "config": config}
        await admin(env, "POST", f"{AUTH}/executions/{added['id']}/config", body, 201)


async def add_flow(env: Env, parent: str, alias: str, requirement: str) -> None:
    body = {"alias": alias, "type": "basic-flow", "provider": "registration-page-form", "description": alias}
    await admin(env, "POST", f"{AUTH}/flows/{quote(parent)}/executions/flow", body, 201)
    added = next(e for e in await executions(env, parent) if e.get("displayName") == alias)
    await set_requirement(env, parent, added, requirement)


async def set_requirement(env: Env, flow: str, execution: dict[str, Any], requirement: str) -> None:
    body = {**execution, "requirement": requirement}
    await admin(env, "PUT", f"{AUTH}/flows/{quote(flow)}/executions", body, 202)


async def new_browser_flow(env: Env, alias: str, *, cookie: str = ALT) -> str:
    """A top-level flow with the Cookie step and a ``forms`` sub-flow holding the username and password form;
    returns the sub-flow's alias."""
    body = {"alias": alias, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": alias}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, alias, "auth-cookie", cookie)
    forms = f"{alias} forms"
    await add_flow(env, alias, forms, ALT)
    await add(env, forms, "auth-username-password-form", REQ)
    return forms


async def bind(env: Env, binding: str, alias: str, status: int = 204) -> httpx.Response:
    return await admin(env, "PUT", ADMIN, {binding: alias}, status)


async def grant_role(env: Env, username: str, role: str) -> None:
    await admin(env, "POST", f"{ADMIN}/roles", {"name": role}, None)
    [user] = (await admin(env, "GET", f"{ADMIN}/users?username={username}&exact=true", status=200)).json()
    rep = (await admin(env, "GET", f"{ADMIN}/roles/{role}", status=200)).json()
    await admin(env, "POST", f"{ADMIN}/users/{user['id']}/role-mappings/realm", [rep], 204)


def is_otp_form(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'name="otp"' in page.text and 'name="password"' not in page.text


def is_totp_setup(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'name="totpSecret"' in page.text


async def auto_link_flow(env: Env, alias: str = AUTO, *, detect: bool = False) -> None:
    """The Server Administration Guide's automatic linking flow (``detect``: the one that creates no user)."""
    body = {"alias": alias, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": alias}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    if detect:
        await add(env, alias, "idp-detect-existing-broker-user", REQ)
        await add(env, alias, "idp-auto-link", REQ)
    else:
        await add(env, alias, "idp-create-user-if-unique", ALT)
        await add(env, alias, "idp-auto-link", ALT)
