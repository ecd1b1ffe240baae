"""Shared set-up of the wire ports of Keycloak's ImpersonationTest (test_keycloak_impersonation_test.py and
test_kc_s66k_impersonation.py): realm ``test`` as ImpersonationTestRealmConfig makes it, events on, the ``kc``
fixture, and the Java class's helpers (login, impersonate, the successful / forbidden / bad-request checks, master
users, service accounts and role mappings)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from browser_flow import REDIRECT
from keycloak_port import admin_headers, import_realm, poll, user_id
from support import password_grant, token_url
from wire_env import Env

MANAGEMENT = "realm-management"


def user(username: str, *roles: str, **extra: Any) -> dict[str, Any]:
    """A user of ImpersonationTestRealmConfig: password ``password`` and these realm-management roles (and any
    ``extra`` representation fields)."""
    return {
        "username": username,
        "enabled": True,
        "email": f"{username}@email.org",
        "emailVerified": True,
        "firstName": "My",
        "lastName": username.title(),
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
        "clientRoles": {MANAGEMENT: list(roles)} if roles else {},
        **extra,
    }


REALM = {
    "realm": "test",
    "enabled": True,
    "eventsEnabled": True,
    "clients": [
        {"clientId": "myclient", "publicClient": True, "directAccessGrantsEnabled": True},
        {"clientId": "test-app", "publicClient": True, "redirectUris": [REDIRECT]},
    ],
    "users": [
        user("realm-admin", "realm-admin"),
        user("impersonator", "impersonation", "view-users"),
        user("bad-impersonator", "manage-users"),
        user("test-user"),
    ],
}


ACTOR_EVENTS = ["LOGIN", "IMPERSONATE", "CODE_TO_TOKEN", "REFRESH_TOKEN", "INTROSPECT_TOKEN"]
RESOURCE_AUDIENCE = {
    "name": "resource-server audience",
    "protocol": "openid-connect",
    "protocolMapper": "oidc-audience-mapper",
    "config": {"included.client.audience": "resource-server", "access.token.claim": "true"},
}


def actor_realm(
    test_app_mappers: list[dict[str, Any]], users: list[dict[str, Any]], *more_clients: dict[str, Any]
) -> dict[str, Any]:
    """The realm of the impersonation ``act`` tests (26.8): ``myclient`` (public, direct grants) for the
    administrator, ``test-app`` (secret ``secret``, direct grants) with ``test_app_mappers``, ``more_clients``,
    then ``resource-server`` (secret ``secret``) that introspects; the ACTOR_EVENTS saved."""
    test_app = {
        "clientId": "test-app",
        "secret": "secret",
        "redirectUris": [REDIRECT],
        "directAccessGrantsEnabled": True,
        "protocolMappers": test_app_mappers,
    }
    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "enabledEventTypes": ACTOR_EVENTS,
        "clients": [
            {"clientId": "myclient", "publicClient": True, "directAccessGrantsEnabled": True},
            test_app,
            *more_clients,
            {"clientId": "resource-server", "secret": "secret", "standardFlowEnabled": False},
        ],
        "users": users,
    }


@pytest.fixture
async def kc(env: Env) -> Env:
    await import_realm(env, REALM)
    await poll(env)
    return env


def url(target: str, realm: str = "test") -> str:
    return f"/admin/realms/{realm}/users/{target}/impersonation"


async def login(env: Env, username: str, realm: str) -> dict[str, str]:
    """``login()``: a password grant through ``myclient`` (``admin-cli`` in master); in ``test`` its LOGIN
    event is polled."""
    headers = await admin_client(env, username, realm)
    if realm != "master":
        [event] = await poll(env)
        assert (event["type"], event["clientId"]) == ("LOGIN", "myclient")
    return headers


def identity_cookies(response: httpx.Response) -> list[str]:
    return [h for h in response.headers.get_list("set-cookie") if h.startswith("KEYCLOAK_IDENTITY")]


async def impersonate(env: Env, headers: dict[str, str]) -> httpx.Response:
    """``impersonate``/``impersonateServiceAccount`` up to the answer: a redirect and the identity cookies."""
    target = await user_id(env, "test-user")
    response = await env.http.post(url(target), headers=headers)
    assert response.status_code == 200, response.text
    assert "redirect" in response.text
    assert identity_cookies(response) != []
    return response


async def impersonate_test_user(env: Env) -> str:
    """``impersonator`` (through ``myclient``) impersonates ``test-user``; the browser (env.http) holds the
    impersonated session's cookies. Returns the impersonator's id."""
    headers = await admin_client(env, "impersonator", "test")
    response = await env.http.post(url(await user_id(env, "test-user")), headers=headers)
    assert response.status_code == 200, response.text
    return await user_id(env, "impersonator")


async def introspect(env: Env, token: str) -> dict[str, Any]:
    """Realm ``test``'s introspection by ``resource-server`` (secret ``secret``): the active answer's body."""
    form = {"token": token, "client_id": "resource-server", "client_secret": "secret"}
    response = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def successful_impersonation(env: Env, admin: str, admin_realm: str) -> httpx.Response:
    """``testSuccessfulImpersonation``: the IMPERSONATE event (the impersonated user, a session, the impersonator's
    username and realm among its details) and the session's impersonator notes."""
    response = await impersonate(env, await login(env, admin, admin_realm))
    target = await user_id(env, "test-user")
    event = (await poll(env))[0]
    assert (event["type"], event["userId"]) == ("IMPERSONATE", target)
    assert event["sessionId"]
    assert admin in event["details"].values() and admin_realm in event["details"].values()
    async with env.db.transaction() as tx:
        session = await tx.sessions.get_user_session(event["sessionId"], False)
    assert session is not None and session.user_id == target
    assert session.notes["IMPERSONATOR_ID"]
    assert session.notes["IMPERSONATOR_USERNAME"] == admin
    return response


async def admin_client(env: Env, username: str, realm: str) -> dict[str, str]:
    """``createAdminClient``: a password grant through ``myclient`` (``admin-cli`` in master), no event polled."""
    client = "admin-cli" if realm == "master" else "myclient"
    password = "admin" if username == "admin" else "password"
    response = await password_grant(env.http, realm, client, username, password, secret=None)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def forbidden_impersonation(env: Env, admin: str, admin_realm: str) -> None:
    headers = await admin_client(env, admin, admin_realm)
    response = await env.http.post(url(await user_id(env, "test-user")), headers=headers)
    assert response.status_code == 403, response.text
    assert response.json() == {"error": "HTTP 403 Forbidden"}


async def bad_request_impersonation(env: Env, headers: dict[str, str], target: str, error: str) -> None:
    response = await env.http.post(url(target), headers=headers)
    assert response.status_code == 400, response.text
    assert response.json() == {"errorMessage": error}


async def master_user(env: Env, username: str) -> str:
    """A user of master made through the admin API, its password reset to ``password``."""
    root = await admin_headers(env)
    created = await env.http.post(
        "/admin/realms/master/users", json={"username": username, "enabled": True}, headers=root
    )
    assert created.status_code == 201, created.text
    uid = created.headers["location"].rsplit("/", 1)[-1]
    reset = {"type": "password", "value": "password", "temporary": False}
    response = await env.http.put(f"/admin/realms/master/users/{uid}/reset-password", json=reset, headers=root)
    assert response.status_code == 204, response.text
    return uid


async def service_account(env: Env, realm: str) -> str:
    """``service-account-cl`` created in ``realm`` (secret ``password``): its service account's id."""
    root = await admin_headers(env)
    rep = {"clientId": "service-account-cl", "secret": "password", "serviceAccountsEnabled": True}
    created = await env.http.post(f"/admin/realms/{realm}/clients", json=rep, headers=root)
    assert created.status_code == 201, created.text
    uuid = created.headers["location"].rsplit("/", 1)[-1]
    account = await env.http.get(f"/admin/realms/{realm}/clients/{uuid}/service-account-user", headers=root)
    return str(account.json()["id"])


async def client_credentials(env: Env, realm: str) -> dict[str, str]:
    form = {"grant_type": "client_credentials", "client_id": "service-account-cl", "client_secret": "password"}
    response = await env.http.post(token_url(realm), data=form)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def map_role(env: Env, realm: str, uid: str, role: str, client: str | None = None) -> None:
    root = await admin_headers(env)
    base = f"/admin/realms/{realm}"
    if client is None:
        found = await env.http.get(f"{base}/roles/{role}", headers=root)
        url = f"{base}/users/{uid}/role-mappings/realm"
    else:
        listed = await env.http.get(f"{base}/clients", params={"clientId": client}, headers=root)
        cid = listed.json()[0]["id"]
        found = await env.http.get(f"{base}/clients/{cid}/roles/{role}", headers=root)
        url = f"{base}/users/{uid}/role-mappings/clients/{cid}"
    response = await env.http.post(url, json=[found.json()], headers=root)
    assert response.status_code == 204, response.text
