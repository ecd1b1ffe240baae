"""Keycloak's authSessionsLimit (RootAuthenticationSessionAdapter.createAuthenticationSession): a browser's root
authentication session keeps at most that many tabs (``--spi-authentication-sessions-infinispan-auth-sessions-
limit``, 300 by default); a new tab beyond it drops the oldest, whose login form then restarts from KC_RESTART
(SessionCodeChecks): "Your login attempt timed out", the tab's own redirect kept from its ``client_data``. The realm is
SSOTest's (``tests/sso_port.py``); a second app on the same database runs with a limit of 3."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

import sso_port
from browser_flow import code_from, followed, start, submit
from doorkeep.settings import Settings
from login_test_realm import APP, LOGIN_TIMEOUT, error, is_login_page
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env, kc = sso_port.anyio_backend, sso_port.shared_env, sso_port.env, sso_port.kc


async def open_tabs(kc: Env, http: httpx.AsyncClient, count: int) -> list[httpx.Response]:
    """``count`` tabs of one browser, a second apart (Keycloak orders them by their timestamp)."""
    tabs = []
    for n in range(count):
        kc.clock.advance(1)
        tabs.append(await start(http, "test", APP, state=f"tab{n}"))
    return tabs


async def login(http: httpx.AsyncClient, page: httpx.Response) -> httpx.Response:
    assert is_login_page(page), page.text[:1500]
    return await submit(http, page, username="test-user@localhost", password="password")


def test_the_default_limit_is_keycloaks_300() -> None:
    assert Settings().auth_sessions_limit == 300


async def test_a_tab_beyond_the_limit_drops_the_oldest_tab_of_the_browser(kc: Env) -> None:
    limited = dataclasses.replace(kc, settings=dataclasses.replace(kc.settings, auth_sessions_limit=3))
    async with another_worker(limited) as http:
        tabs = await open_tabs(kc, http, 4)
        roots = {http.cookies.get("AUTH_SESSION_ID", path="/realms/test/")}
        assert len(roots) == 1 and None not in roots, http.cookies  # one browser: one root for every tab
        dropped = await followed(
            http, await login(http, tabs[0])
        )  # tab 0 was the oldest: its login is gone, started again
        assert is_login_page(dropped) and error(dropped) == LOGIN_TIMEOUT, dropped.text[:1500]
        assert code_from(await login(http, dropped))["state"] == "tab0"  # (its new tab dropped tab 1)
        assert code_from(await login(http, tabs[2]))["state"] == "tab2"  # the others still log in


async def test_within_the_limit_every_tab_keeps_its_login(kc: Env) -> None:
    limited = dataclasses.replace(kc, settings=dataclasses.replace(kc.settings, auth_sessions_limit=4))
    async with another_worker(limited) as http:
        tabs = await open_tabs(kc, http, 4)
        assert code_from(await login(http, tabs[0]))["state"] == "tab0"
