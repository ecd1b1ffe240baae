"""Keycloak's offline-token test realm (``OfflineTokenRealmConfig`` of tests/base OfflineTokenTest and its split
files) and the requests its ports share: imported through ``POST /admin/realms``, driven over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

import keycloak_port as port
from browser_flow import REDIRECT, exchange, login
from keycloak_port import client_uuid, forget, get, post
from support import refresh, token_url
from wire_env import Env

OFFLINE = "offline-client"
SECRET = "secret1"
TEST_USER = "test-user@localhost"
NOT_GRANTED = "Offline session invalid because offline access not granted anymore"
EVENT_TYPES = [
    "LOGIN",
    "LOGIN_ERROR",
    "LOGOUT",
    "CODE_TO_TOKEN",
    "CODE_TO_TOKEN_ERROR",
    "REFRESH_TOKEN",
    "REFRESH_TOKEN_ERROR",
    "CLIENT_LOGIN",
    "CLIENT_LOGIN_ERROR",
    "INTROSPECT_TOKEN",
    "INTROSPECT_TOKEN_ERROR",
]


def user_rep(username: str, first: str, last: str, roles: list[str]) -> dict[str, Any]:
    return {
        "username": username,
        "enabled": True,
        "email": username,
        "emailVerified": True,
        "firstName": first,
        "lastName": last,
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
        "realmRoles": roles,
    }


def realm_rep() -> dict[str, Any]:
    """Keycloak's OfflineTokenRealmConfig (with test-app from OfflineAuthClientConfig)."""
    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "enabledEventTypes": EVENT_TYPES,
        "ssoSessionIdleTimeout": 30,
        "accessTokenLifespan": 10,
        "roles": {"realm": [{"name": "user"}]},
        "clients": [
            {
                "clientId": OFFLINE,
                "secret": SECRET,
                "redirectUris": [REDIRECT],
                "directAccessGrantsEnabled": True,
                "serviceAccountsEnabled": True,
                "attributes": {"client_credentials.use_refresh_token": "true"},
            },
            {
                "clientId": "test-app",
                "secret": "password",
                "redirectUris": [REDIRECT],
                "directAccessGrantsEnabled": True,
                "serviceAccountsEnabled": True,
            },
        ],
        "users": [
            user_rep(TEST_USER, "Tom", "Brady", ["user", "offline_access"]),
            user_rep("keycloak-user@localhost", "Keycloak", "User", ["user"]),
        ],
    }


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """The imported ``test`` realm; the service account of offline-client holds ``user`` and ``offline_access``."""
    headers = await env.admin_headers()
    response = await env.http.post("/admin/realms", json=realm_rep(), headers=headers)
    assert response.status_code == 201, response.text
    account = await get(env, f"/clients/{await client_uuid(env, OFFLINE)}/service-account-user")
    await post(env, f"/users/{account['id']}/role-mappings/realm", [await get(env, "/roles/offline_access")])
    await post(env, f"/users/{account['id']}/role-mappings/realm", [await get(env, "/roles/user")])
    yield env
    forget(env)


async def user_id(env: Env, username: str = TEST_USER) -> str:
    return await port.user_id(env, username)


async def offline_scope_id(env: Env) -> str:
    (scope,) = [s for s in await get(env, "/client-scopes") if s["name"] == "offline_access"]
    return str(scope["id"])


async def browser_login(env: Env, client: str = OFFLINE, scope: str = "openid offline_access", **kw: str) -> Any:
    """oauth.doLogin (or openLoginForm over an SSO session): the redirect's parameters."""
    return await login(env.http, "test", client, kw.pop("username", TEST_USER), scope=scope, **kw)


async def code_to_token(env: Env, code: str, client: str = OFFLINE) -> Any:
    response = await exchange(env.http, "test", client, code, secret=SECRET if client == OFFLINE else "password")
    return response


async def refresh_with(env: Env, token: str, client: str = OFFLINE, **kw: str) -> Any:
    return await refresh(env.http, "test", client, token, secret=SECRET if client == OFFLINE else "password", **kw)


async def introspect(env: Env, token: str, hint: str | None = None) -> dict[str, Any]:
    """The offline client introspects ``token``; ``hint``: the token_type_hint Keycloak's OAuthClient sends
    (doIntrospectionAccessTokenRequest: access_token, doIntrospectionRefreshTokenRequest: refresh_token)."""
    form = {"client_id": OFFLINE, "client_secret": SECRET, "token": token}
    if hint is not None:
        form["token_type_hint"] = hint
    response = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    return dict(response.json())
