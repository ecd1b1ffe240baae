"""The realm of Keycloak's ResourceIndicatorsTest and OfflineTokenRefreshTest's resource tests (tests/base), imported
through the admin API, and the requests those tests send (Keycloak's OAuthClient with ``.resource(...)``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from browser_flow import REDIRECT
from keycloak_port import import_realm
from support import audience_rep, claims, token_url
from wire_env import Env

REALM = "test"
APP, APP_SECRET = "test-app", "password"  # DefaultOAuthClientConfiguration's client, full scope
OFFLINE, OFFLINE_SECRET = "offline-client", "secret1"
OFFLINE_RESOURCE = f"urn:client:{OFFLINE}"
MYROLE = {"theservice": ["myrole"], "otherservice": ["myrole"], "serviceWithoutResource": ["myrole"]}


def _user(name: str, password: str, **extra: Any) -> dict[str, Any]:
    rep = {"username": name, "enabled": True, "email": f"{name}@email.localhost", "firstName": name, "lastName": name}
    return {**rep, "credentials": [{"type": "password", "value": password}], **extra}


def realm_rep() -> dict[str, Any]:
    """ResourceIndicatorsRealm: theservice and otherservice with a ``resource_url``, serviceWithoutResource without,
    each with ``myrole``, which ``user`` holds (so the audience resolve mapper names all three); the ``bare`` client
    ``no-audience`` and ``user-without-roles`` (no audience at all); ``no-refresh-tokens``; and
    OfflineTokenRefreshTest's offline-client with an audience mapper naming itself. test-app maps itself into its
    audience too, as a service account's token in Keycloak's managed realm names test-app
    (testClientCredentialsWithoutRefreshTokenSetsAudience)."""
    confidential = {"publicClient": False, "directAccessGrantsEnabled": True, "fullScopeAllowed": True}
    clients = [
        {
            "clientId": APP,
            "secret": APP_SECRET,
            **confidential,
            "serviceAccountsEnabled": True,
            "redirectUris": [REDIRECT],
            "protocolMappers": [audience_rep(APP)],
        },
        {"clientId": "theservice", "attributes": {"resource_url": "https://theservice"}},
        {"clientId": "otherservice", "attributes": {"resource_url": "https://otherservice"}},
        {"clientId": "serviceWithoutResource"},
        {"clientId": "no-audience", "secret": "password", **confidential},
        {
            "clientId": "no-refresh-tokens",
            "secret": APP_SECRET,
            **confidential,
            "attributes": {"use.refresh.tokens": "false"},
        },
        {"clientId": OFFLINE, "secret": OFFLINE_SECRET, **confidential, "protocolMappers": [audience_rep(OFFLINE)]},
    ]
    roles = {"client": {name: [{"name": "myrole"}] for name in MYROLE}}
    users = [
        _user("user", "pass", clientRoles=MYROLE),
        _user("user-without-roles", "pass"),
        _user("test-user@localhost", "password", realmRoles=["offline_access"]),
    ]
    return {"realm": REALM, "enabled": True, "eventsEnabled": True, "clients": clients, "roles": roles, "users": users}


@pytest.fixture
async def kc(env: Env) -> Env:
    await import_realm(env, realm_rep())
    return env


async def password(
    http: httpx.AsyncClient,
    resource: str | list[str] | None = None,
    *,
    client: str = APP,
    secret: str = APP_SECRET,
    username: str = "user",
    pw: str = "pass",
    scope: str | None = None,
) -> httpx.Response:
    """``oauth.passwordGrantRequest(username, password).resource(resource).send()``; a list sends it repeated."""
    form: list[tuple[str, str]] = [
        ("grant_type", "password"),
        ("client_id", client),
        ("client_secret", secret),
        ("username", username),
        ("password", pw),
    ]
    form += [("scope", scope)] if scope else []
    form += [("resource", r) for r in ([resource] if isinstance(resource, str) else resource or [])]
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return await http.post(token_url(REALM), content=urlencode(form), headers=headers)


async def refresh(
    http: httpx.AsyncClient, token: str, resource: str | None = None, *, client: str = APP, secret: str = APP_SECRET
) -> httpx.Response:
    """``oauth.refreshRequest(token).resource(resource).send()``."""
    form = {"grant_type": "refresh_token", "refresh_token": token, "client_id": client, "client_secret": secret}
    return await http.post(token_url(REALM), data={**form, **({"resource": resource} if resource is not None else {})})


async def offline_token(http: httpx.AsyncClient, resource: str | None = OFFLINE_RESOURCE) -> dict[str, Any]:
    """OfflineTokenRefreshTest.createOfflineToken: offline-client's password grant for ``openid offline_access``."""
    response = await password(
        http, resource, client=OFFLINE, secret=OFFLINE_SECRET, username="test-user@localhost", pw="password",
        scope="openid offline_access",
    )  # fmt: skip
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert claims(body["refresh_token"])["typ"] == "Offline"
    return body


def audience(response: httpx.Response) -> list[str]:
    """assertValidResponse: a 200 whose access token's ``aud`` (one string or a list) as a list."""
    assert response.status_code == 200, response.text
    aud = claims(response.json()["access_token"]).get("aud")
    return [aud] if isinstance(aud, str) else list(aud or [])


def assert_target(response: httpx.Response, description: str) -> None:
    """assertErrorResponse(response, INVALID_TARGET, description): a 400."""
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_target", "error_description": description}
