"""Keycloak's AccountConsoleDisabledTest (tests/base, account): with ``--features-disabled=account`` (Profile.Feature
.ACCOUNT_V3) no AccountResourceProvider is supported, so AccountLoader answers a browser at the account URL with
NotFoundException. The Account REST API is AccountLoader's other branch (a JSON Accept or body) and still answers;
serverinfo lists the feature disabled."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest

from keycloak_port import admin_headers
from support import password_grant
from wire_env import Env, another_worker

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("realm")]
HTML = {"Accept": "text/html"}


@pytest.fixture
async def off(env: Env) -> AsyncIterator[httpx.AsyncClient]:
    """A server started with ``--features-disabled=account``, on the test realm's database."""
    disabled = dataclasses.replace(env, settings=dataclasses.replace(env.settings, features_disabled="account"))
    async with another_worker(disabled) as http:
        yield http


async def test_account_console_returns_404_when_disabled(off: httpx.AsyncClient) -> None:
    """accountConsoleReturns404WhenDisabled: ``GET {realm}/account/`` (Apache HttpClient sends no Accept)."""
    response = await off.get("/realms/test/account/")
    assert response.status_code == 404
    assert (await off.get("/realms/test/account/", headers=HTML)).status_code == 404


async def test_every_console_page_and_its_sign_in_are_404_but_the_rest_api_answers(
    env: Env, off: httpx.AsyncClient
) -> None:
    """The console's other pages and its sign-in callback are the same missing resource; the realm is looked up
    first, so an unknown realm is still its own 404."""
    for path in ("/realms/test/account", "/realms/test/account/applications", "/realms/test/account/callback"):
        response = await off.get(path, headers=HTML)
        assert response.status_code == 404, (path, response.status_code)
        assert "location" not in response.headers
    assert (await off.get("/realms/nope/account/", headers=HTML)).status_code == 404
    granted = await password_grant(off, "test", "app", "user1")
    assert granted.status_code == 200, granted.text
    bearer = {"Authorization": f"Bearer {granted.json()['access_token']}", "Accept": "application/json"}
    account = await off.get("/realms/test/account", headers=bearer)
    assert account.status_code == 200, account.text
    assert account.json()["username"] == "user1"
    assert (await off.get("/realms/test/account/sessions", headers=bearer)).status_code == 200
    # The same server with the feature on sends the browser to sign in.
    assert (await env.http.get("/realms/test/account/", headers=HTML)).status_code in (302, 303)


async def test_serverinfo_lists_account_v3_disabled_with_its_dependency(env: Env, off: httpx.AsyncClient) -> None:
    response = await off.get("/admin/serverinfo", headers=await admin_headers(env))
    assert response.status_code == 200, response.text
    info = response.json()
    assert info["profileInfo"]["disabledFeatures"] == ["ACCOUNT_V3"]
    account = next(f for f in info["features"] if f["name"] == "ACCOUNT_V3")
    assert account == {
        "name": "ACCOUNT_V3",
        "label": "Account Console version 3",
        "type": "DEFAULT",
        "enabled": False,
        "dependencies": ["ACCOUNT_API"],
    }
