"""The realm and helpers of the wire ports of Keycloak's standard token exchange tests
(``StandardBaseTokenExchangeV2Test``, ``ClientTokenExchangeAudienceAndScopesTest``) and of
``tests/wire/test_token_exchange.py``.

``realm_rep`` is Keycloak's ``BaseAbstractTokenExchangeTest.TokenExchangeRealm`` (tests/base, the newest copy
of ``testrealm-token-exchange-v2.json``) imported in one ``POST /admin/realms``: the clients subject-client
(audience mappers for itself and requester-client, full scope off), requester-client and requester-client-2
(default scope default-scope1, optional optional-scope2 / optional-requester-scope / offline_access / profile /
email), requester-client-public, target-client1..3, invalid-requester-client and disabled-requester-client;
the scopes default-scope1 (target-client1-role), optional-scope2 (target-client2-role and the realm role
all-target), optional-scope3 (target-client3-role) and optional-requester-scope (the two requester roles); the
users john, mike and alice. Keycloak's ``@BeforeEach`` gives subject-client's service account
target-client1-role; the file does it through ``serviceAccountClientId``. The ``service_account`` default
scope of Keycloak 26.3+ is left out: Doorkeep's service account claims come from ``basic``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from access_token_realm import set_client_attributes
from support import token_url
from wire_env import Env

ADMIN = "/admin/realms/test"
GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS = "urn:ietf:params:oauth:token-type:access_token"
REFRESH = "urn:ietf:params:oauth:token-type:refresh_token"
ID = "urn:ietf:params:oauth:token-type:id_token"
SAML2 = "urn:ietf:params:oauth:token-type:saml2"
JWT = "urn:ietf:params:oauth:token-type:jwt"
ENABLED = {"standard.token.exchange.enabled": "true"}
SAME_SESSION = "standard.token.exchange.enableRefreshRequestedTokenType"
EVENT_TYPES = [
    "LOGIN",
    "LOGIN_ERROR",
    "CLIENT_LOGIN",
    "CODE_TO_TOKEN",
    "REFRESH_TOKEN",
    "REFRESH_TOKEN_ERROR",
    "INTROSPECT_TOKEN",
    "REVOKE_GRANT",
    "TOKEN_EXCHANGE",
    "TOKEN_EXCHANGE_ERROR",
    "USER_INFO_REQUEST_ERROR",
]


def _scope(name: str) -> dict[str, Any]:
    attributes = {"include.in.token.scope": "true", "display.on.consent.screen": "true"}
    return {"name": name, "protocol": "openid-connect", "attributes": attributes}


def _audience_mapper(audience: str) -> dict[str, Any]:
    config = {
        "included.client.audience": audience,
        "id.token.claim": "false",
        "lightweight.claim": "false",
        "access.token.claim": "true",
        "introspection.token.claim": "true",
    }
    return {"name": audience, "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper", "config": config}


def _client(client_id: str, *, exchange: bool | None = None, **extra: Any) -> dict[str, Any]:
    rep: dict[str, Any] = {
        "clientId": client_id,
        "enabled": True,
        "redirectUris": ["http://127.0.0.1:9999/*"],
        "webOrigins": ["*"],
        "standardFlowEnabled": True,
        **extra,
    }
    if not rep.get("publicClient"):
        rep["secret"] = "secret"
    if exchange is not None:
        rep["attributes"] = {"standard.token.exchange.enabled": str(exchange).lower()}
    return rep


def _confidential(client_id: str, *, exchange: bool, full_scope: bool, **extra: Any) -> dict[str, Any]:
    return _client(
        client_id,
        exchange=exchange,
        directAccessGrantsEnabled=True,
        serviceAccountsEnabled=True,
        fullScopeAllowed=full_scope,
        **extra,
    )


def _requester(client_id: str) -> dict[str, Any]:
    return _confidential(
        client_id,
        exchange=True,
        full_scope=False,
        defaultClientScopes=["acr", "default-scope1", "roles", "basic"],
        optionalClientScopes=["optional-scope2", "optional-requester-scope", "offline_access", "profile", "email"],
    )


def _user(
    username: str, first: str, last: str, realm_roles: list[str], client_roles: dict[str, list[str]]
) -> dict[str, Any]:
    credentials = [{"type": "password", "value": "password", "temporary": False}]
    return {
        "username": username,
        "enabled": True,
        "firstName": first,
        "lastName": last,
        "email": f"{username}@email.cz",
        "credentials": credentials,
        "realmRoles": ["default-roles-test", *realm_roles],
        "clientRoles": client_roles,
    }


def realm_rep() -> dict[str, Any]:
    target: dict[str, Any] = {
        "publicClient": True,
        "fullScopeAllowed": True,
        "defaultClientScopes": ["acr", "roles", "basic"],
    }
    clients = [
        _confidential(
            "subject-client",
            exchange=True,
            full_scope=False,
            defaultClientScopes=["acr", "roles", "profile", "basic", "email"],
            optionalClientScopes=["optional-scope2", "optional-requester-scope", "offline_access"],
            protocolMappers=[_audience_mapper("subject-client"), _audience_mapper("requester-client")],
        ),
        _requester("requester-client"),
        _requester("requester-client-2"),
        _client(
            "requester-client-public",
            exchange=True,
            publicClient=True,
            directAccessGrantsEnabled=True,
            fullScopeAllowed=True,
            defaultClientScopes=["acr", "roles", "basic"],
            optionalClientScopes=["optional-scope2", "optional-requester-scope"],
        ),
        *(_client(f"target-client{n}", **target) for n in (1, 2, 3)),
        _confidential(
            "invalid-requester-client", exchange=True, full_scope=True, defaultClientScopes=["acr", "roles", "basic"]
        ),
        _confidential(
            "disabled-requester-client", exchange=False, full_scope=True, defaultClientScopes=["acr", "roles", "basic"]
        ),
    ]
    users = [
        _user(
            "alice",
            "Alice",
            "Doe",
            [],
            {"requester-client": ["requester-client-role"], "requester-client-2": ["requester-client-2-role"]},
        ),
        _user(
            "john",
            "John",
            "Bar",
            [],
            {"target-client1": ["target-client1-role"], "target-client2": ["target-client2-role"]},
        ),
        _user("mike", "Mike", "Bar", ["all-target"], {"target-client1": ["target-client1-role"]}),
        {
            "username": "service-account-subject-client",
            "enabled": True,
            "serviceAccountClientId": "subject-client",
            "realmRoles": ["default-roles-test"],
            "clientRoles": {"target-client1": ["target-client1-role"]},
        },
    ]
    client_roles = {
        owner: [{"name": f"{owner}-role"}]
        for owner in ("requester-client", "requester-client-2", "target-client1", "target-client2", "target-client3")
    }
    return {
        "realm": "test",
        "enabled": True,
        "sslRequired": "external",
        "eventsEnabled": True,
        "enabledEventTypes": EVENT_TYPES,
        "clientScopes": [
            _scope(n) for n in ("default-scope1", "optional-scope2", "optional-scope3", "optional-requester-scope")
        ],
        "roles": {"realm": [{"name": "all-target"}], "client": client_roles},
        "clients": clients,
        "users": users,
        "scopeMappings": [{"clientScope": "optional-scope2", "roles": ["all-target"]}],
        "clientScopeMappings": {
            "target-client1": [{"clientScope": "default-scope1", "roles": ["target-client1-role"]}],
            "target-client2": [{"clientScope": "optional-scope2", "roles": ["target-client2-role"]}],
            "target-client3": [{"clientScope": "optional-scope3", "roles": ["target-client3-role"]}],
            "requester-client": [{"clientScope": "optional-requester-scope", "roles": ["requester-client-role"]}],
            "requester-client-2": [{"clientScope": "optional-requester-scope", "roles": ["requester-client-2-role"]}],
        },
    }


async def import_realm(env: Env) -> Env:
    response = await env.http.post("/admin/realms", json=realm_rep(), headers=await env.admin_headers())
    assert response.status_code == 201, response.text
    return env


async def subject(env: Env, client: str = "subject-client", username: str = "john", **kw: str) -> dict[str, Any]:
    """``resourceOwnerLogin``: a password grant that must succeed."""
    form = {"grant_type": "password", "client_id": client, "username": username, "password": "password", **kw}
    form.setdefault("client_secret", "secret")
    response = await env.http.post(token_url("test"), data={k: v for k, v in form.items() if v})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def exchange(
    env: Env,
    subject_token: str,
    client: str = "requester-client",
    *,
    secret: str | None = "secret",
    audience: list[str] | None = None,
    **params: str,
) -> httpx.Response:
    """``oauth.tokenExchangeRequest(...).send()``: repeated ``audience`` parameters, any other as given."""
    form: list[tuple[str, str]] = [
        ("grant_type", GRANT),
        ("client_id", client),
        ("subject_token", subject_token),
        ("subject_token_type", params.pop("subject_token_type", ACCESS)),
    ]
    if secret is not None:
        form.append(("client_secret", secret))
    form += [("audience", a) for a in audience or []]
    form += list(params.items())
    return await post(env, form)


async def post(env: Env, form: list[tuple[str, str]]) -> httpx.Response:
    """A form with repeated parameters, as the client libraries send it."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return await env.http.post(token_url("test"), content=urlencode(form), headers=headers)


async def events(env: Env, kind: str) -> list[dict[str, Any]]:
    """The stored events of one type, newest first."""
    found = await env.http.get(f"{ADMIN}/events", params={"type": kind}, headers=await env.admin_headers())
    assert found.status_code == 200, found.text
    stored: list[dict[str, Any]] = found.json()
    return stored


async def clear_events(env: Env) -> None:
    cleared = await env.http.delete(f"{ADMIN}/events", headers=await env.admin_headers())
    assert cleared.status_code == 204, cleared.text


def aud(token: dict[str, Any]) -> set[str]:
    value = token.get("aud", [])
    return {value} if isinstance(value, str) else set(value)


SAME_SESSION_REFRESH = {"standard_token_exchange_enableRefreshRequestedTokenType": "SAME_SESSION"}
NEW_SESSION_NEEDED = "Refresh token not valid as requested_token_type because creating a new session is needed"


@pytest.fixture
async def te(env: Env) -> Env:
    """The realm imported, ``requester-client`` allowed a refresh token as requested type (SAME_SESSION)."""
    await import_realm(env)
    await set_client_attributes(env, "requester-client", **SAME_SESSION_REFRESH)
    return env
