"""Required actions' configuration over the wire (tests/wire/test_required_action_configs.py and the s47 security
sweep): realm ``test`` imported with the password tests' user and app, the config sub-resource read and written as
master's admin, and an application-initiated action asked for some time after signing in."""

from __future__ import annotations

from typing import Any

import httpx

from browser_flow import start
from flow_builder import ADMIN, admin
from group_port import fresh_realm
from otp_port import APP, USER, fresh_users, login, open_login, user_rep
from reset_password_port import realm_rep as password_realm
from wire_env import Env

BASE = f"{ADMIN}/authentication/required-actions"
AGE = "max_auth_age"


async def action_realm(env: Env) -> Env:
    """Realm ``test`` with admin events on and the user the password tests sign in as."""
    await fresh_realm(env, {**password_realm(), "adminEventsEnabled": True, "adminEventsDetailsEnabled": True})
    await fresh_users(env, user_rep(USER, firstName="Tom", lastName="Brady"))
    return env


async def put_config(env: Env, alias: str, config: dict[str, Any], status: int) -> Any:
    response = await admin(env, "PUT", f"{BASE}/{alias}/config", {"config": config}, status)
    return response.json() if response.content else None


async def stored(env: Env, alias: str) -> dict[str, str]:
    found: dict[str, str] = (await admin(env, "GET", f"{BASE}/{alias}/config", status=200)).json()["config"]
    return found


async def aia(env: Env, action: str, after: int) -> httpx.Response:
    """Sign in, let ``after`` seconds pass, then ask for ``kc_action=action``."""
    assert (await login(env, await open_login(env))).status_code in (302, 303)
    env.clock.advance(after)
    return await start(env.http, "test", APP, kc_action=action)


def reauthentication(page: httpx.Response) -> bool:
    """The login page with the attempted username: the credentials asked for again."""
    return f'id="kc-attempted-username">{USER}<' in page.text
