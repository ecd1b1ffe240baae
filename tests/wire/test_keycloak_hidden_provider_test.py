"""Keycloak's old-testsuite HiddenProviderTest (testsuite/.../forms/): of two OIDC identity providers, the login page
shows a button for the visible one and none for the one with ``hideOnLogin``."""

from __future__ import annotations

import pytest

from browser_flow import start
from flow_builder import ADMIN, admin
from support import seed_login_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

CONFIG = {
    "authorizationUrl": "https://idp.example/auth",
    "tokenUrl": "https://idp.example/token",
    "clientId": "broker",
    "clientSecret": "secret",
}


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    for alias, name, hidden in (("visible-oidc", "VisibleOIDC", False), ("hidden-oidc", "HiddenOIDC", True)):
        body = {"alias": alias, "providerId": "oidc", "displayName": name, "hideOnLogin": hidden, "config": CONFIG}
        await admin(env, "POST", f"{ADMIN}/identity-provider/instances", body, 201)
    return env


async def test_visible_provider_button(realm: Env) -> None:
    """HiddenProviderTest#testVisibleProviderButton."""
    page = await start(realm.http, "test", "app")
    assert page.status_code == 200 and 'id="social-visible-oidc"' in page.text and "VisibleOIDC" in page.text


async def test_hidden_provider_button(realm: Env) -> None:
    """HiddenProviderTest#testHiddenProviderButton."""
    page = await start(realm.http, "test", "app")
    assert page.status_code == 200 and 'id="social-hidden-oidc"' not in page.text and "HiddenOIDC" not in page.text
