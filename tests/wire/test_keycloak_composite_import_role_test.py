"""Keycloak's CompositeImportRoleTest (tests/base/.../tests/composites/CompositeImportRoleTest.java, formerly
org.keycloak.testsuite.composites.CompositeImportRoleTest) ported one method to one test: the roles a token
carries when the composites, scope mappings and role grants all come from one realm file written in Keycloak 1.x's
shapes (testcomposite.json): ``applications`` and ``oauthClients`` instead of ``clients``, ``roles.application``,
composites' ``application``, users' ``applicationRoles`` and ``applicationScopeMappings``.

The Java class imports that file through the admin API (``@InjectRealm(fromJson=...)``, so
RealmsAdminResource.importRealm, whose DefaultExportImportManager.importRealm runs convertDeprecatedApplications
first), after CompositeImportRoleRealmConfig sets every application's redirect URIs to ``*`` and names the users
Test User. CompositeRoleTest (test_keycloak_composite_role_test.py) builds the same realm with today's shapes and the
admin API; here nothing is made after the import, so every role in a token comes from the legacy shapes.

All clients have ``fullScopeAllowed`` off: a client's scope is its own roles and its scope mappings, expanded
through composites (TokenManager.getAccess), and the token holds the user's effective roles within it. Imported
users get no default roles (RepresentationToModel.createUser adds the user without them).
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from browser_flow import exchange, login
from group_port import fresh_realm
from role_port import user_named
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

APP = "http://localhost:8180/auth/realms/master/app"


def _user(username: str, email: str, **roles: Any) -> dict[str, Any]:
    """A user of testcomposite.json, named Test User by the realm config."""
    password = [{"type": "password", "value": "password"}]
    rep = {"username": username, "enabled": True, "email": email, "firstName": "Test", "lastName": "User"}
    return {**rep, "credentials": password, **roles}


def _application(name: str) -> dict[str, Any]:
    """An ``applications`` entry: a confidential client named, and identified, by ``name``."""
    rep = {"name": name, "enabled": True, "fullScopeAllowed": False, "baseUrl": f"{APP}/auth"}
    return {**rep, "adminUrl": f"{APP}/logout", "redirectUris": ["*"], "secret": "password"}


# testcomposite.json, with the redirect URIs and user names CompositeImportRoleRealmConfig sets.
TEST_COMPOSITE_REALM: dict[str, Any] = {
    "id": "test",
    "realm": "test",
    "enabled": True,
    "accessTokenLifespan": 600,
    "accessCodeLifespan": 600,
    "accessCodeLifespanUserAction": 600,
    "sslRequired": "external",
    "registrationAllowed": True,
    "resetPasswordAllowed": True,
    "requiredCredentials": ["password"],
    "smtpServer": {"from": "auto@keycloak.org", "host": "localhost", "port": "3025"},
    "users": [
        _user("REALM_COMPOSITE_1_USER", "test-user1@localhost", realmRoles=["REALM_COMPOSITE_1"]),
        _user("REALM_ROLE_1_USER", "test-user2@localhost", realmRoles=["REALM_ROLE_1"]),
        _user("REALM_APP_COMPOSITE_USER", "test-user3@localhost", realmRoles=["REALM_APP_COMPOSITE_ROLE"]),
        _user("REALM_APP_ROLE_USER", "test-user4@localhost", applicationRoles={"APP_ROLE_APPLICATION": ["APP_ROLE_2"]}),
        _user(
            "APP_COMPOSITE_USER", "test-user5@localhost", realmRoles=["REALM_APP_COMPOSITE_ROLE", "REALM_COMPOSITE_1"]
        ),
    ],
    "oauthClients": [{"name": "third-party", "enabled": True, "secret": "password"}],
    "scopeMappings": [
        {"client": "REALM_COMPOSITE_1_APPLICATION", "roles": ["REALM_COMPOSITE_1"]},
        {"client": "REALM_ROLE_1_APPLICATION", "roles": ["REALM_ROLE_1"]},
    ],
    "applications": [
        _application("REALM_COMPOSITE_1_APPLICATION"),
        _application("REALM_ROLE_1_APPLICATION"),
        _application("APP_ROLE_APPLICATION"),
        _application("APP_COMPOSITE_APPLICATION"),
    ],
    "roles": {
        "realm": [
            {"name": "REALM_ROLE_1"},
            {"name": "REALM_ROLE_2"},
            {"name": "REALM_ROLE_3"},
            {"name": "REALM_COMPOSITE_1", "composites": {"realm": ["REALM_ROLE_1"]}},
            {
                "name": "REALM_APP_COMPOSITE_ROLE",
                "composites": {"application": {"APP_ROLE_APPLICATION": ["APP_ROLE_1"]}},
            },
        ],
        "application": {
            "APP_ROLE_APPLICATION": [{"name": "APP_ROLE_1"}, {"name": "APP_ROLE_2"}],
            "APP_COMPOSITE_APPLICATION": [
                {
                    "name": "APP_COMPOSITE_ROLE",
                    "composites": {
                        "realm": ["REALM_ROLE_1", "REALM_ROLE_2", "REALM_ROLE_3"],
                        "application": {"APP_ROLE_APPLICATION": ["APP_ROLE_1"]},
                    },
                },
                {"name": "APP_ROLE_2"},
            ],
        },
    },
    "applicationScopeMappings": {
        "APP_ROLE_APPLICATION": [{"client": "APP_COMPOSITE_APPLICATION", "roles": ["APP_ROLE_2"]}],
    },
}


@pytest.fixture
async def realm(env: Env) -> None:
    """The realm imported anew for each method (``lifecycle = LifeCycle.METHOD``)."""
    await fresh_realm(env, TEST_COMPOSITE_REALM)


async def _login(env: Env, client_id: str, username: str) -> dict[str, Any]:
    """``oauth.client(client, "password")``, ``doLogin(username)`` and the code exchanged: 200, ``Bearer``, the
    subject the user; the access token's claims."""
    env.http.cookies.clear()
    code = (await login(env.http, "test", client_id, username, "password", scope="openid"))["code"]
    response = await exchange(env.http, "test", client_id, code, secret="password")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    token = claims(body["access_token"])
    assert token["sub"] == (await user_named(env, username))["id"]
    return token


async def test_app_composite_user(env: Env, realm: None) -> None:
    """APP_COMPOSITE_APPLICATION's own APP_COMPOSITE_ROLE brings REALM_ROLE_1 and APP_ROLE_1 into its scope;
    the user holds them through REALM_COMPOSITE_1 and REALM_APP_COMPOSITE_ROLE."""
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
