"""Keycloak's new-framework HiddenProviderTest (tests/base/.../tests/forms/): of two OpenID Connect identity
providers, the login page offers a button for the visible one and none for the one with ``hideOnLogin``. Doorkeep
already answers as Keycloak (web/broker_links.py)."""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import start
from keycloak_port import import_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


def provider(alias: str, display_name: str, **extra: Any) -> dict[str, Any]:
    """IdentityProviderBuilder.create().providerId("oidc"): an enabled provider, as the builder leaves it."""
    return {"alias": alias, "providerId": "oidc", "displayName": display_name, "enabled": True, **extra}


@pytest.fixture
async def realm(env: Env) -> Env:
    """HiddenProviderRealmConfig: realm ``realm-with-broker``, its providers, and the test's client."""
    client = {"clientId": "app", "secret": "secret", "redirectUris": ["http://127.0.0.1:9999/*"]}
    providers = [provider("visible-oidc", "VisibleOIDC"), provider("hidden-oidc", "HiddenOIDC", hideOnLogin=True)]
    rep = {"realm": "realm-with-broker", "enabled": True, "clients": [client], "identityProviders": providers}
    await import_realm(env, rep)
    return env


async def test_visible_provider_button(realm: Env) -> None:
    """HiddenProviderTest#testVisibleProviderButton."""
    page = await start(realm.http, "realm-with-broker", "app")
    assert page.status_code == 200 and 'id="social-visible-oidc"' in page.text


async def test_hidden_provider_button(realm: Env) -> None:
    """HiddenProviderTest#testHiddenProviderButton: no button, though kc_idp_hint would still reach it."""
    page = await start(realm.http, "realm-with-broker", "app")
    assert page.status_code == 200 and 'id="social-hidden-oidc"' not in page.text
