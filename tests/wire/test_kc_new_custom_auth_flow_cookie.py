"""Keycloak's new-framework CustomAuthFlowCookieTest (tests/base/.../tests/account/custom/) over HTTP: with the
browser flow's Cookie step ALTERNATIVE (the default), a second login of the same browser is answered by the SSO
session at once; with it DISABLED (``updateRequirement("browser", "auth-cookie", DISABLED)`` through the admin
API), the same browser gets the login page ("Sign in to test") again."""

from __future__ import annotations

import httpx
import pytest

from browser_flow import code_from, login, start
from flow_builder import DIS, executions, set_requirement
from support import seed_login_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    return env


def is_login_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and "<title>Sign in to test</title>" in page.text and 'name="password"' in page.text


async def test_cookie_alternative(kc: Env) -> None:
    """CustomAuthFlowCookieTest#cookieAlternative."""
    assert "code" in await login(kc.http, "test", "app")
    again = await start(kc.http, "test", "app")
    assert "code" in code_from(again)  # SSO: straight back to the client


async def test_disabled_cookie(kc: Env) -> None:
    """CustomAuthFlowCookieTest#disabledCookie."""
    (cookie,) = [e for e in await executions(kc, "browser") if e.get("providerId") == "auth-cookie"]
    await set_requirement(kc, "browser", cookie, DIS)
    assert "code" in await login(kc.http, "test", "app")
    again = await start(kc.http, "test", "app")
    assert is_login_page(again), (again.status_code, again.text[:300])
