"""Shared set-up of the wire port of Keycloak's AccountRestServiceTest (tests/base/.../tests/account/
AccountRestServiceTest.java @c402189e, AbstractRestServiceTest @c127743e): one app and database per module
(``group_port.shared_env``), and AbstractRestServiceTest.AccountRestRealmConfig's realm ``test`` imported anew
through ``POST /admin/realms`` for each test, with events on, in place of the Java tests' cleanups."""

from __future__ import annotations

import functools
import json
from typing import Any

import httpx

from doorkeep.users import passwords
from group_port import fresh_realm
from keycloak_port import poll, put
from support import password_grant
from wire_env import Env

ACCOUNT = "/realms/test/account"
APP_ROOT = "http://localhost:8500/app"
ORIGIN = "http://localtest.me:8180"


def _audience(name: str, **config: str) -> dict[str, Any]:
    return {
        "name": name,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {**config, "id.token.claim": "true", "access.token.claim": "true"},
    }


def _role_mapper(name: str, mapper: str, claim: str) -> dict[str, Any]:
    config = {"access.token.claim": "true", "claim.name": claim, "jsonType.label": "String", "multivalued": "true"}
    return {"name": name, "protocol": "openid-connect", "protocolMapper": mapper, "config": config}


@functools.cache
def _password() -> dict[str, str]:
    """The password ``password``, hashed once for every user of every import (hashing it for each user at
    each import would be most of a test's time)."""
    secret, data = passwords.hash_password("password")
    return {"type": "password", "secretData": json.dumps(secret), "credentialData": json.dumps(data)}


def _user(username: str, email: str, first: str | None, last: str | None, **extra: Any) -> dict[str, Any]:
    rep: dict[str, Any] = {"username": username, "email": email, "enabled": True, **extra}
    if first is not None:
        rep.update(firstName=first, lastName=last)
    return rep


def _client(client_id: str, secret: str, **extra: Any) -> dict[str, Any]:
    return {"clientId": client_id, "secret": secret, "directAccessGrantsEnabled": True, **extra}


SECRET1 = ("in-use-client", "offline-client", "offline-client-without-base-url", "always-display-client")
REALM: dict[str, Any] = {
    "realm": "test",
    "enabled": True,
    "eventsEnabled": True,
    "users": [
        _user(
            "test-user@localhost",
            "test-user@localhost",
            "Tom",
            "Brady",
            emailVerified=True,
            realmRoles=["user", "offline_access"],
            clientRoles={"account": ["view-profile", "manage-account"]},
        ),
        _user("john-doh@localhost", "john-doh@localhost", "John", "Doh"),
        _user("no-account-access", "no-account-access@localhost", "No", "Access", emailVerified=True),
        _user(
            "view-account-access",
            "view-account-access@localhost",
            "View",
            "Account",
            emailVerified=True,
            clientRoles={"account": ["view-profile"]},
        ),
        _user(
            "view-applications-access",
            "view-applications-access@localhost",
            "View",
            "Applications",
            emailVerified=True,
            realmRoles=["user", "offline_access"],
            clientRoles={"account": ["view-applications", "manage-consent"]},
        ),
        _user(
            "view-consent-access",
            "view-consent-access@localhost",
            "View",
            "Consent",
            emailVerified=True,
            clientRoles={"account": ["view-consent"]},
        ),
        _user(
            "manage-consent-access",
            "manage-consent-access@localhost",
            "Manage",
            "Consent",
            emailVerified=True,
            clientRoles={"account": ["manage-consent", "view-profile"]},
        ),
        _user(
            "manage-account-access",
            "manage-account-access@localhost",
            "Manage",
            "Account",
            emailVerified=True,
            realmRoles=["user", "offline_access"],
            clientRoles={"account": ["view-profile", "manage-account"]},
        ),
    ],
    "roles": {"realm": [{"name": "user"}]},
    "clients": [
        _client("in-use-client", "secret1", name="In Use Client", baseUrl=f"{APP_ROOT}/in-use-client"),
        _client("offline-client", "secret1", name="Offline Client", baseUrl=f"{APP_ROOT}/offline-client"),
        _client("offline-client-without-base-url", "secret1", name="Offline Client Without Base URL"),
        _client(
            "always-display-client",
            "secret1",
            name="Always Display Client",
            baseUrl=f"{APP_ROOT}/always-display-client",
            alwaysDisplayInConsole=True,
        ),
        _client(
            "direct-grant",
            "password",
            webOrigins=[ORIGIN],
            protocolMappers=[
                _audience("aud-account", **{"included.client.audience": "account"}),
                _audience("aud-admin", **{"included.client.audience": "security-admin-console"}),
            ],
        ),
        _client(
            "root-url-client",
            "password",
            rootUrl="http://localhost:8180/foo/bar",
            adminUrl="http://localhost:8180/foo/bar",
            baseUrl="/baz",
            redirectUris=["http://localhost:8180/foo/bar/*", "https://localhost:8543/foo/bar/*"],
        ),
        {
            "clientId": "third-party",
            "secret": "password",
            "description": "A third party application",
            "baseUrl": "http://localhost:8180/auth/realms/master/app/auth",
            "redirectUris": ["http://localhost:8180/auth/realms/master/app/*"],
            "consentRequired": True,
        },
        _client(
            "custom-audience",
            "password",
            defaultClientScopes=["web-origins", "profile", "email"],
            protocolMappers=[
                _audience("aud", **{"included.custom.audience": "foo-bar"}),
                _role_mapper("client roles", "oidc-usermodel-client-role-mapper", "resource_access.${client_id}.roles"),
                _role_mapper("realm roles", "oidc-usermodel-realm-role-mapper", "realm_access.roles"),
            ],
        ),
    ],
}


async def account_realm(env: Env, **settings: Any) -> str:
    """AccountRestRealmConfig imported anew (its id), the events of the import dropped; ``settings``: what a
    subclass's ``configureTestRealm`` adds to the realm representation."""
    users = [{**user, "credentials": [_password()]} for user in REALM["users"]]
    realm_id = await fresh_realm(env, {**REALM, "users": users, **settings})
    await poll(env)
    return realm_id


async def grant(
    env: Env, username: str = "test-user@localhost", client_id: str = "direct-grant", scope: str = "openid"
) -> dict[str, Any]:
    """``oauth.client(client_id, secret).doPasswordGrantRequest(username, "password")`` (the test framework's
    OAuthClient asks for ``openid``), the token response."""
    secret = "secret1" if client_id in SECRET1 else "password"
    response = await password_grant(env.http, "test", client_id, username, secret=secret, scope=scope)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def token(env: Env, username: str = "test-user@localhost", client_id: str = "direct-grant") -> str:
    """The access token of ``grant``."""
    return str((await grant(env, username, client_id))["access_token"])


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}


async def call(env: Env, method: str, path: str, access_token: str, body: Any = None, **params: str) -> httpx.Response:
    """One account REST request; ``path`` "" is the account itself."""
    url = f"{ACCOUNT}/{path}" if path else ACCOUNT
    return await env.http.request(method, url, headers=bearer(access_token), json=body, params=params or None)


# --- AccountRestServiceCorsTest / AccountCorsTest: the browser's XMLHttpRequest ------------------------------
PREFLIGHT_METHODS = {"GET", "POST", "DELETE", "PUT", "HEAD", "OPTIONS"}  # CorsPreflightService


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items() if k.lower().startswith("access-control-")}


async def xhr(env: Env, url: str, access: str, origin: str, body: Any = None) -> tuple[bool, httpx.Response]:
    """``doXhr``: the browser's preflight, checked as Keycloak answers it (any origin), then the request;
    whether the browser hands the answer to the page (its ``Access-Control-Allow-Origin`` is the origin)."""
    method = "GET" if body is None else "POST"
    ask = {"Origin": origin, "Access-Control-Request-Method": method}
    preflight = await env.http.options(
        url, headers={**ask, "Access-Control-Request-Headers": "authorization,content-type"}
    )
    assert preflight.status_code == 200, preflight.text
    allowed = cors_headers(preflight)
    assert allowed["access-control-allow-origin"] == origin, allowed
    assert allowed["access-control-allow-credentials"] == "true", allowed
    assert set(allowed["access-control-allow-methods"].split(", ")) == PREFLIGHT_METHODS, allowed
    assert {"authorization", "content-type"} <= {
        h.strip().lower() for h in allowed["access-control-allow-headers"].split(",")
    }
    assert allowed["access-control-max-age"] == "3600", allowed
    headers = {
        "Origin": origin,
        "Accept": "application/json",
        "Content-Type": "application/json",
        "Authorization": f"bearer {access}",
    }
    response = await env.http.request(method, url, headers=headers, json=body)
    granted = cors_headers(response).get("access-control-allow-origin") == origin
    if granted:  # Cors.auth() on an answer: credentials allowed, nothing exposed, no preflight headers
        assert cors_headers(response) == {
            "access-control-allow-origin": origin,
            "access-control-allow-credentials": "true",
        }
    else:
        assert cors_headers(response) == {}, response.headers
    return granted, response


PERMISSIONS_ALL = {"view": ["admin", "user"], "edit": ["admin", "user"]}  # UserProfileUtil.PERMISSIONS_ALL


async def set_user_profile(env: Env, *attributes: dict[str, Any]) -> None:
    """UserProfileUtil.setUserProfileConfiguration: ``PUT users/profile`` with ``attributes``, a username and a
    user-required e-mail added where they leave them out."""
    config: dict[str, Any] = {"attributes": [dict(a) for a in attributes]}
    names = {a["name"] for a in attributes}
    if "username" not in names:
        config["attributes"].append({"name": "username"})
    if "email" not in names:
        config["attributes"].append({"name": "email", "permissions": PERMISSIONS_ALL, "required": {"roles": ["user"]}})
    await put(env, "/users/profile", config, status=200)
