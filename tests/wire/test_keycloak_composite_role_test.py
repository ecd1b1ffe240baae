"""Keycloak's CompositeRoleTest (tests/base/.../tests/composites/CompositeRoleTest.java, formerly
org.keycloak.testsuite.composites.CompositeRoleTest) ported one method to one test: the realm and client roles a
token carries when a user's roles and a client's scope (``fullScopeAllowed`` off) reach them through composite
roles, and KEYCLOAK-4274's recursive composites listed once in ``role-mappings/realm/composite``.

The Java class imports ``CompositeRoleRealmConfig`` and runs its ``@BeforeEach`` for every method; here the realm
is imported and that ``@BeforeEach`` run once for the module (group_port.shared_env), since no method changes what
another reads (testRecursiveComposites reverts its change, as the Java method does). The realm uses two fields of
Keycloak's import that Doorkeep must take as Keycloak does (RepresentationToModel): a client's deprecated
``defaultRoles`` (the client roles made and added to the realm's default role) and a user's ``realmRoles`` naming
a role nobody defined (made on the fly). Imported users get no default roles, which is why APP_COMPOSITE_USER
does not hold APP_COMPOSITE_ROLE.
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from browser_flow import exchange, login
from group_port import fresh_realm
from role_port import create, names, ok, user_named
from support import claims, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

APP = "http://localhost:8180/auth/realms/master/app"


def _user(username: str, email: str, first: str, last: str, *roles: str) -> dict[str, Any]:
    """The config's UserBuilder: enabled, password ``password``, these realm roles."""
    password = [{"type": "password", "value": "password"}]
    rep = {"username": username, "email": email, "firstName": first, "lastName": last, "enabled": True}
    return {**rep, "credentials": password, "realmRoles": list(roles)}


def _client(client_id: str, *default_roles: str) -> dict[str, Any]:
    rep: dict[str, Any] = {
        "clientId": client_id,
        "name": client_id,
        "fullScopeAllowed": False,
        "redirectUris": ["*"],
        "baseUrl": f"{APP}/auth",
        "adminUrl": f"{APP}/logout",
        "secret": "password",
    }
    return {**rep, "defaultRoles": list(default_roles)} if default_roles else rep


COMPOSITE_ROLE_REALM: dict[str, Any] = {
    "realm": "test",
    "enabled": True,
    "ssoSessionIdleTimeout": 3000,
    "accessTokenLifespan": 10000,
    "ssoSessionMaxLifespan": 10000,
    "accessCodeLifespanUserAction": 1000,
    "accessCodeLifespan": 1000,
    "sslRequired": "external",
    "roles": {
        "realm": [
            {"name": "REALM_ROLE_1"},
            {"name": "REALM_COMPOSITE_1", "composite": True, "composites": {"realm": ["REALM_ROLE_1"]}},
            {"name": "REALM_ROLE_2"},
            {"name": "REALM_ROLE_3"},
        ]
    },
    "users": [
        _user("REALM_COMPOSITE_1_USER", "test-user1@localhost", "Realm", "Composite", "REALM_COMPOSITE_1"),
        _user("REALM_ROLE_1_USER", "test-user2@localhost", "Realm", "Role1", "REALM_ROLE_1"),
        _user("REALM_APP_COMPOSITE_USER", "test-user3@localhost", "Realm", "AppComposite"),
        _user("REALM_APP_ROLE_USER", "test-user4@localhost", "Realm", "AppRole", "APP_ROLE_2"),
        _user("APP_COMPOSITE_USER", "test-user5@localhost", "App", "Composite", "REALM_COMPOSITE_1"),
    ],
    "clients": [
        _client("REALM_COMPOSITE_1_APPLICATION"),
        _client("REALM_ROLE_1_APPLICATION"),
        _client("APP_ROLE_APPLICATION", "APP_ROLE_1", "APP_ROLE_2"),
        _client("APP_COMPOSITE_APPLICATION", "APP_COMPOSITE_ROLE"),
    ],
}


async def _client_uuid(env: Env, client_id: str) -> str:
    (client,) = await ok(env, "GET", "/clients", clientId=client_id)
    return str(client["id"])


async def _realm_role(env: Env, name: str) -> dict[str, Any]:
    return dict(await ok(env, "GET", f"/roles/{name}"))


@pytest.fixture(scope="module")
async def realm(shared_env: Env) -> None:
    """CompositeRoleRealmConfig imported, then the Java ``before()``: the scope mappings of three clients,
    REALM_APP_COMPOSITE_ROLE (composite of APP_ROLE_1, added through ``roles-by-id``) given to two users, and
    APP_COMPOSITE_ROLE made a composite of the three realm roles and APP_ROLE_1."""
    env = shared_env
    await fresh_realm(env, COMPOSITE_ROLE_REALM)
    clients = {c["clientId"]: await _client_uuid(env, c["clientId"]) for c in COMPOSITE_ROLE_REALM["clients"]}
    for client_id, role in (
        ("REALM_COMPOSITE_1_APPLICATION", "REALM_COMPOSITE_1"),
        ("REALM_ROLE_1_APPLICATION", "REALM_ROLE_1"),
    ):
        await ok(env, "POST", f"/clients/{clients[client_id]}/scope-mappings/realm", [await _realm_role(env, role)])
    app_roles = clients["APP_ROLE_APPLICATION"]
    app_role_2 = await ok(env, "GET", f"/clients/{app_roles}/roles/APP_ROLE_2")
    scope = f"/clients/{clients['APP_COMPOSITE_APPLICATION']}/scope-mappings/clients/{app_roles}"
    await ok(env, "POST", scope, [app_role_2])
    app_role_1 = await ok(env, "GET", f"/clients/{app_roles}/roles/APP_ROLE_1")
    await create(env, "/roles", {"name": "REALM_APP_COMPOSITE_ROLE"})
    realm_app_composite = await _realm_role(env, "REALM_APP_COMPOSITE_ROLE")
    await ok(env, "POST", f"/roles-by-id/{realm_app_composite['id']}/composites", [app_role_1])
    for username in ("REALM_APP_COMPOSITE_USER", "APP_COMPOSITE_USER"):
        user = await user_named(env, username)
        await ok(env, "POST", f"/users/{user['id']}/role-mappings/realm", [realm_app_composite])
    parts = [await _realm_role(env, f"REALM_ROLE_{n}") for n in (1, 2, 3)]
    composite = f"/clients/{clients['APP_COMPOSITE_APPLICATION']}/roles/APP_COMPOSITE_ROLE/composites"
    await ok(env, "POST", composite, [*parts, app_role_1])


async def _login(env: Env, client_id: str, username: str) -> dict[str, Any]:
    """``oauth.client(client, "password")``, ``doLogin(username)``, the code exchanged: the token response's
    status and ``Bearer`` type asserted, the access token's claims returned after a refresh is tried (200)."""
    env.http.cookies.clear()  # each method logs in afresh (the Java OAuthClient is per method)
    code = (await login(env.http, "test", client_id, username, "password", scope="openid"))["code"]
    response = await exchange(env.http, "test", client_id, code, secret="password")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    token = claims(body["access_token"])
    assert token["sub"] == (await user_named(env, username))["id"]
    refreshed = await refresh(env.http, "test", client_id, body["refresh_token"], secret="password")
    assert refreshed.status_code == 200, refreshed.text
    return token


async def test_app_composite_user(env: Env, realm: None) -> None:
    token = await _login(env, "APP_COMPOSITE_APPLICATION", "APP_COMPOSITE_USER")
    assert token["resource_access"]["APP_ROLE_APPLICATION"]["roles"] == ["APP_ROLE_1"]
    assert token["realm_access"]["roles"] == ["REALM_ROLE_1"]


async def test_realm_app_composite_user(env: Env, realm: None) -> None:
    token = await _login(env, "APP_ROLE_APPLICATION", "REALM_APP_COMPOSITE_USER")
    assert token["resource_access"]["APP_ROLE_APPLICATION"]["roles"] == ["APP_ROLE_1"]


async def test_realm_only_with_user_composite_app_composite(env: Env, realm: None) -> None:
    token = await _login(env, "REALM_COMPOSITE_1_APPLICATION", "REALM_COMPOSITE_1_USER")
    assert sorted(token["realm_access"]["roles"]) == ["REALM_COMPOSITE_1", "REALM_ROLE_1"]


async def test_realm_only_with_user_composite_app_role(env: Env, realm: None) -> None:
    token = await _login(env, "REALM_ROLE_1_APPLICATION", "REALM_COMPOSITE_1_USER")
    assert token["realm_access"]["roles"] == ["REALM_ROLE_1"]


async def test_realm_only_with_user_role_app_composite(env: Env, realm: None) -> None:
    token = await _login(env, "REALM_COMPOSITE_1_APPLICATION", "REALM_ROLE_1_USER")
    assert token["realm_access"]["roles"] == ["REALM_ROLE_1"]


async def test_recursive_composites(env: Env, realm: None) -> None:
    """KEYCLOAK-4274: REALM_ROLE_1 made a composite of REALM_COMPOSITE_1 (which holds REALM_ROLE_1): each user's
    effective realm roles are the two, once each, and the cycle is undone afterwards."""
    composite = await _realm_role(env, "REALM_COMPOSITE_1")
    await ok(env, "POST", "/roles/REALM_ROLE_1/composites", [composite])
    try:
        for username in ("REALM_COMPOSITE_1_USER", "REALM_ROLE_1_USER"):
            user = await user_named(env, username)
            effective = await ok(env, "GET", f"/users/{user['id']}/role-mappings/realm/composite")
            assert sorted(r["name"] for r in effective) == ["REALM_COMPOSITE_1", "REALM_ROLE_1"], (username, effective)
            assert names(effective) == {"REALM_COMPOSITE_1", "REALM_ROLE_1"}
    finally:
        await ok(env, "DELETE", "/roles/REALM_ROLE_1/composites", [composite])
