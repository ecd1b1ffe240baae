"""Keycloak's new-framework AuthorizationPreferErrorOnRedirectTest (@4a990d57): with the realm attribute
``authorization.preferErrorOnRedirect`` set, an authorization error that cannot go back to the client is a JSON
OAuth error rather than the HTML error page (PR 48553, for headless conformance runs). One test per method."""

from __future__ import annotations

import pytest

import keycloak_port as port
from browser_flow import REDIRECT, login, start
from wire_env import Env

pytestmark = pytest.mark.anyio

APP = "test-app"


@pytest.fixture
async def kc(env: Env) -> Env:
    """BasicRealmWithUserConfig with the attribute (its @TestSetup)."""
    user = {
        "username": "basic-user",
        "enabled": True,
        "email": "basic@localhost",
        "firstName": "Basic",
        "lastName": "User",
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
    }
    app = {"clientId": APP, "secret": "test-secret", "redirectUris": [REDIRECT]}
    realm = {"realm": "test", "enabled": True, "attributes": {"authorization.preferErrorOnRedirect": "true"}}
    await port.import_realm(env, {**realm, "clients": [app], "users": [user]})
    return env


async def test_code_flow_happy_path(kc: Env) -> None:
    """AuthorizationPreferErrorOnRedirectTest.testCodeFlowHappyPath."""
    assert (await login(kc.http, "test", APP, "basic-user", redirect_uri=REDIRECT))["code"]


async def test_code_flow_invalid_redirect_uri(kc: Env) -> None:
    """AuthorizationPreferErrorOnRedirectTest.testCodeFlowInvalidRedirectUri: the page is the JSON error."""
    response = await start(kc.http, "test", APP, redirect_uri="http://invalid")
    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["error"], body["error_description"]) == ("invalid_request", "Invalid parameter: redirect_uri"), body
