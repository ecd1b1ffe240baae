"""Shared set-up of the recovery code and "Try Another Way" wire tests: realm ``test`` (events on) with ``app`` and
``user1``, a browser flow whose 2FA sub-flow holds ALTERNATIVE steps (Keycloak's "Conditional 2FA" shape), the
user's OTP credential and recovery codes stored directly, and the pages those tests meet."""

from __future__ import annotations

import re
from typing import Any

import httpx

from browser_flow import start, submit
from doorkeep.users import recovery_codes
from flow_builder import ADMIN, ALT, COND, REQ, add, add_flow, admin, bind, executions, new_browser_flow
from support import seed_login_realm
from wire_env import Env

OTP_FORM, WEBAUTHN, RECOVERY = "auth-otp-form", "webauthn-authenticator", recovery_codes.AUTHENTICATOR
TWO_FA = "rc 2fa"


async def seed(env: Env) -> None:
    await seed_login_realm(env.db, env.clock, events=True)


async def two_factor_flow(env: Env, *steps: str, requirement: str = ALT) -> dict[str, str]:
    """Browser flow ``rc``: the Cookie, the password form, then a CONDITIONAL sub-flow under
    conditional-user-configured holding ``steps`` ALTERNATIVE (REQUIRED ones: right after the password form),
    bound; their execution ids by provider."""
    forms = await new_browser_flow(env, "rc")
    holder = TWO_FA if requirement == ALT else forms
    if requirement == ALT:
        await add_flow(env, forms, TWO_FA, COND)
        await add(env, TWO_FA, "conditional-user-configured", REQ)
    for step in steps:
        await add(env, holder, step, requirement)
    await bind(env, "browserFlow", "rc")
    return {e["providerId"]: e["id"] for e in await executions(env, holder) if e.get("providerId") in steps}


async def give_codes(env: Env, username: str = "user1", label: str | None = None) -> list[str]:
    """Twelve new recovery codes stored for the user (as Keycloak's tests do through the credential manager)."""
    codes = recovery_codes.generate()
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, username)
        assert user is not None
        await recovery_codes.store(tx, user.id, codes, env.clock.now() * 1000, label)
    return codes


async def password_page(env: Env, username: str = "user1", **params: str) -> httpx.Response:
    """The login started, the password given: the page that follows."""
    page = await start(env.http, "test", "app", **params)
    assert page.status_code == 200, page.text[:300]
    return await submit(env.http, page, username=username, password="password")


def asked_number(page: httpx.Response) -> int | None:
    """The number of the code the recovery code page asks for (None: not that page)."""
    found = re.search(r'<label for="recoveryCodeInput">Recovery code #(\d+)</label>', page.text)
    return int(found.group(1)) if found else None


def try_another_way_action(page: httpx.Response) -> str | None:
    found = re.search(r'<form id="kc-select-try-another-way-form" action="([^"]+)"', page.text)
    return found.group(1).replace("&amp;", "&") if found else None


async def try_another_way(env: Env, page: httpx.Response) -> httpx.Response:
    """The page's "Try Another Way" clicked."""
    action = try_another_way_action(page)
    assert action is not None, page.text[:500]
    code = re.search(r'name="session_code" value="([^"]*)"', page.text)
    assert code is not None
    return await env.http.post(action, data={"session_code": code.group(1), "tryAnotherWay": "on"})


def listed(page: httpx.Response) -> list[tuple[str, str, str]]:
    """The selection page's buttons: execution id, display name, help text."""
    pattern = (
        r'name="authenticationExecution" value="([^"]*)"><div class="select-auth-item-heading">([^<]*)</div>'
        r'<div class="select-auth-item-description">([^<]*)</div>'
    )
    return re.findall(pattern, page.text)


async def choose(env: Env, page: httpx.Response, execution: str) -> httpx.Response:
    return await submit(env.http, page, authenticationExecution=execution)


async def user_rep(env: Env, username: str = "user1") -> dict[str, Any]:
    [user] = (await admin(env, "GET", f"{ADMIN}/users?username={username}&exact=true", status=200)).json()
    found: dict[str, Any] = user
    return found


async def credentials(env: Env, username: str = "user1") -> list[dict[str, Any]]:
    user = await user_rep(env, username)
    found: list[dict[str, Any]] = (
        await admin(env, "GET", f"{ADMIN}/users/{user['id']}/credentials", status=200)
    ).json()
    return found
