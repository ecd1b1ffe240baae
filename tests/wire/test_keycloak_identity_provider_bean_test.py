"""Keycloak's IdentityProviderBeanTest (testsuite/integration-arquillian/tests/base/.../testsuite/login/
IdentityProviderBeanTest.java @a296784c), one test per Java method, on the login page the bean feeds.

The Java class is a ``@ModelTest`` of the login theme's IdentityProviderBean: it builds the bean from two enabled
providers (``hideOnLoginPage`` set on none, both or one) and reads ``getProviders``, ``getVisibleProvidersCount``
and ``isDisplaySocial``. Here the realm has those providers and the login page shows what the bean decides: a
button per visible provider (web/broker_links.py), and the social section (``kc-social-providers``) only when one
is visible. ``isDisplayInfo``, always true there, is the login template's info block, not the providers'; the page
asserts nothing of it. Keycloak 26 keeps the flag as the representation's ``hideOnLogin``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from browser_flow import REDIRECT, start
from keycloak_port import forget, import_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "idp-bean"


def _provider(alias: str, display_name: str, hidden: bool) -> dict[str, Any]:
    """buildIdpModel: enabled, not link-only, its hide-on-login flag as given."""
    return {
        "alias": alias,
        "displayName": display_name,
        "providerId": "oidc",
        "enabled": True,
        "linkOnly": False,
        "hideOnLogin": hidden,
        "config": {"clientId": "c", "clientSecret": "s", "authorizationUrl": "https://idp.example/auth"},
    }


@pytest.fixture
async def make(env: Env) -> AsyncIterator[Any]:
    async def realm(hidden: tuple[bool, bool]) -> str:
        providers = [_provider("alias1", "displayName1", hidden[0]), _provider("alias2", "displayName2", hidden[1])]
        client = {"clientId": "app", "secret": "secret", "redirectUris": [REDIRECT]}
        await import_realm(env, {"realm": REALM, "enabled": True, "clients": [client], "identityProviders": providers})
        page = await start(env.http, REALM, "app")
        assert page.status_code == 200, page.text
        return page.text

    yield realm
    forget(env)


async def test_identity_provider_all_visible(make: Any) -> None:
    """IdentityProviderBeanTest.testIdentityProviderAllVisible"""
    page = await make((False, False))
    assert 'id="kc-social-providers"' in page
    assert 'id="social-alias1"' in page and 'id="social-alias2"' in page


async def test_identity_provider_none_visible(make: Any) -> None:
    """IdentityProviderBeanTest.testIdentityProviderNoneVisible"""
    page = await make((True, True))
    assert 'id="kc-social-providers"' not in page
    assert 'id="social-alias1"' not in page and 'id="social-alias2"' not in page


async def test_identity_provider_only_one_visible(make: Any) -> None:
    """IdentityProviderBeanTest.testIdentityProviderOnlyOneVisible"""
    page = await make((False, True))
    assert 'id="kc-social-providers"' in page
    assert 'id="social-alias1"' in page and 'id="social-alias2"' not in page
